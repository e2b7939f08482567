/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by remount.c and remount_stack.c only. */
#pragma once

#include "mapset.h"
#include "mntprop.h"
#include "remount.h"

struct remount {
	const struct plan *plan;
	struct mapset *maps;  /* the user namespaces, one per mapping */
	int root_fd;	      /* the rootfs, in the container's mount namespace */
	struct mntprop props; /* clones whose type the attach changes */
	bool strict;
	struct remount_result *res;
	struct remount_timing *timing;
	struct err *e; /* the first failure, returned in strict mode */
	int failed;
};

/* Planned mount i is idmapped (r == 0), or left as the runtime made it
 * (r < 0, why says why: the first such is the error of a strict run). */
void remount_set(struct remount *rm, size_t i, int r, const struct err *why);

/* Every planned mount of tree ti's nodes from..to (end excluded) as remount_set. */
void remount_set_nodes(struct remount *rm, size_t ti, size_t from, size_t to, int r,
		       const struct err *why);

/* Tree t's destination, resolved again and checked to be the mount looked at. */
int remount_open_dest(struct remount *rm, const struct plan_tree *t, int *ret_fd, struct err *e);

/* A detached clone of live, node n alone, or with its subtree when whole. */
int remount_clone(struct remount *rm, int live, const struct plan_node *n, int *ret_clone,
		  struct err *e);

/* Give clone (node n's) its map and flags (n's own, or its whole tree's). */
int remount_apply(struct remount *rm, int clone, const struct plan_node *n, struct err *e);

/* e, in words for node j of tree t: the source of its volume, and what
 * came with it. */
void remount_wrap(const struct remount *rm, const struct plan_tree *t, size_t j, struct err *e);

/* Tree ti, stacked on the attached tree (remount_stack.c). */
void remount_stack(struct remount *rm, size_t ti);
