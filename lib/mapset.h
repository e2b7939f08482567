/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One user namespace per distinct mapping of a plan, owned as one set: the
 * fds, the errors of those that could not be made, and the short-lived
 * children that created them, reaped by mapset_free, last: by then they are
 * zombies, and nothing waits for them to exit (userns.c).  Each is made once,
 * when first needed: to try a map on the kernel before the plan is final (the
 * plan's mappings only grow), or to act.  Always on the host, never in the
 * container's mount namespace (the maps are written through the host's
 * /proc).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "plan.h"
#include "userns.h"

struct mapset {
	int *fds;	  /* per plan mapping: a user namespace fd, or -errno */
	struct err *errs; /* ... and why not */
	bool *made;	  /* ... made (or tried) */
	struct userns_holder *holders;
	size_t n, n_holders;
};

/* Make mapping k of plan p unless it is made already; one that fails is
 * recorded, not returned (-ENOMEM only). */
int mapset_make(struct mapset *s, const struct plan *p, size_t k);

/* Make those the plan's trees use (-ENOMEM only). */
int mapset_open(const struct plan *p, struct mapset *s);

/* The user namespace of mapping k, or -errno with the error in e. */
int mapset_get(const struct mapset *s, size_t k, struct err *e);

void mapset_free(struct mapset *s);
