/* SPDX-License-Identifier: Apache-2.0 */
/* A mount table as a tree: a mount's children and its place below its parent. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mountinfo.h"

#define MOUNTTREE_NONE SIZE_MAX

struct mount_tree {
	const struct mount_table *table; /* borrowed */
	size_t *by_parent;		 /* table indices sorted by parent id */
};

int mounttree_build(const struct mount_table *t, struct mount_tree *ret_tree);
void mounttree_free(struct mount_tree *mt);

/* The table index of mount id, or MOUNTTREE_NONE. */
size_t mounttree_index_of(const struct mount_tree *mt, uint64_t id);

/* The children of table entry k: table indices by_parent[*ret_first .. *ret_end). */
void mounttree_children(const struct mount_tree *mt, size_t k, size_t *ret_first, size_t *ret_end);

/* Is table entry k covered: another mount stacked on it at its own mount
 * point (a child of k whose target is k's)?  The one rule for "covered":
 * what `status` says, and what a path's lookup no longer reaches. */
bool mounttree_is_covered(const struct mount_tree *mt, size_t k);

/* The mount on top at target (exact path): one there that no other covers;
 * NULL when there is none. */
const struct mount_entry *mounttree_find_target(const struct mount_tree *mt, const char *target);

/* child's mount point relative to parent's ("" when stacked on its root);
 * -EINVAL when it is not below it. */
int mounttree_relative(const char *parent, const char *child, const char **ret);

/* target's place below root, both paths of one mount namespace (root may
 * end in slashes): "a/b", "" for root itself; -EINVAL when it is not below. */
int mounttree_in_root(const char *root, const char *target, const char **ret_rel);
