/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mounts by what of their filesystem they show (pure): the device and the
 * root of each (mountinfo's major:minor and root fields), sorted, to find
 * mounts whose roots overlap one path of one filesystem, its ancestors,
 * itself or its descendants, in logarithmic time.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MOUNTROOTS_NONE SIZE_MAX

struct mountroot {
	dev_t dev;
	const char *root; /* borrowed */
	size_t k;	  /* whose: an index of the caller's */
};

struct mountroots {
	struct mountroot *refs; /* sorted by dev, then root */
	size_t n;
};

/* Take refs[0..n-1] (heap; freed by mountroots_free) and sort them. */
void mountroots_take(struct mountroots *x, struct mountroot *refs, size_t n);
void mountroots_free(struct mountroots *x);

/* The k of an entry on dev whose root is root, one of its ancestors or one
 * of its descendants; MOUNTROOTS_NONE when none is.  root is absolute. */
size_t mountroots_overlap(const struct mountroots *x, dev_t dev, const char *root);
