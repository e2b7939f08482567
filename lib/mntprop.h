/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Propagation types given back after an attach.  The kernel makes every
 * mount of a tree attached onto a shared mount shared (it has to, to copy
 * what is mounted there to the peers); a clone whose runtime mount was not
 * shared is kept open until its tree is attached, then gets its type back:
 * private, or a slave of its master again.
 */
#pragma once

#include <stddef.h>

#include "err.h"
#include "plan.h"

struct mntprop {
	struct mntprop_clone {
		int fd;
		const struct plan_node *n;
	} * v;
	size_t n, cap;
};

/* Keep clone (node n's, of tree t) when the attach will change its type. */
int mntprop_keep(struct mntprop *p, const struct plan_tree *t, const struct plan_node *n, int clone,
		 struct err *e);

/* The tree is attached: give each kept clone its type back.  Returns the
 * first failure (that clone stays shared; the error names it), 0 else; the
 * kept clones are closed either way. */
int mntprop_restore(struct mntprop *p, struct err *e);

/* Close the kept clones (the tree was not attached). */
void mntprop_close(struct mntprop *p);

void mntprop_free(struct mntprop *p);
