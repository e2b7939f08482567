/* SPDX-License-Identifier: Apache-2.0 */
/* The nodes of one volume's tree, collected from the container's table,
 * and what cannot be done with them (plan_nodes.c). */
#pragma once

#include "mounttree.h"
#include "plan_types.h"

/* What building the trees looks at (plan_tree.c, plan_nodes.c). */
struct tree_ctx {
	const struct oci_spec *spec;
	const struct mount_facts *facts;
	const struct facts_view *v;
	struct mount_tree mt;
	struct plan *p;
};

/* Is table entry k the mount entry i made (its visible mount)? */
bool plan_is_entry_mount(const struct tree_ctx *c, size_t k, size_t i);

/* The nodes of the tree whose top is table entry k, into t (allocated). */
int plan_nodes_collect(struct tree_ctx *c, size_t k, struct plan_tree *t);

/* A node below an assembled one that cannot be placed on it (stacked on
 * another mount's root), or NULL. */
const struct plan_node *plan_nodes_unplaceable(const struct plan_tree *t);

/* Why a node of a stacked tree cannot be done so (plan_nodes_unstackable). */
enum plan_unstackable {
	UNSTACKABLE_NONE = 0,
	UNSTACKABLE_COMPOSED,	/* a composed map on a node that is not whole */
	UNSTACKABLE_SHARED,	/* a layer that would be stacked on a shared copy */
	UNSTACKABLE_UNBINDABLE, /* an unbindable mount below the top */
};

/* A node of stacked tree t that cannot be done so, and why; or NULL. */
const struct plan_node *plan_nodes_unstackable(const struct plan_tree *t,
					       enum plan_unstackable *ret_why);

void plan_nodes_free(struct plan_tree *t);
