/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plan laid over the container's mount tree: what each mount of it gets.
 * A planned mount itself (TOP) gets its map, config.json's restrictions and
 * nosuid; a submount its rbind source brought (SUB) the map planned for the
 * tree's plain submounts, the recursive restrictions and nosuid; a submount
 * that is itself an idmapped mount (OWN) the same, but with its own map (the
 * swap composed with its idmap); every other mount (a nested entry that is
 * not planned, a mount nobody listed) is kept as it is.  Roles follow the
 * plan as it changes: a mount that falls back is kept from then on.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "facts.h"
#include "mounttree.h"
#include "plan.h"
#include "spec.h"

enum role { ROLE_KEEP, ROLE_TOP, ROLE_SUB, ROLE_OWN };

struct roles {
	const struct oci_spec *spec;
	const struct plan *plan;
	const struct mount_facts *facts;
	const struct facts_view *view;
	struct mount_tree tree;
	bool *needs_work; /* per table entry: it or a mount below it has a role */
};

int roles_build(const struct oci_spec *spec, const struct plan *plan,
		const struct mount_facts *facts, const struct facts_view *view,
		struct roles *ret_roles);
void roles_free(struct roles *ro);

bool roles_is_idmap(const struct roles *ro, size_t i);

/* The role of table entry k, and the spec mount it belongs to (*ret_i). */
enum role roles_of(const struct roles *ro, size_t k, size_t *ret_i);

/* The plan mapping table entry k gets (role for spec mount i, not KEEP). */
size_t roles_mapping(const struct roles *ro, size_t k, enum role role, size_t i);

/* Does its clone get its map from open_tree_attr (an idmapped mount, whose
 * clone mount_setattr cannot idmap)? */
bool roles_is_composed(const struct roles *ro, enum role role, size_t i);

/* Does every mount below k want what k wants (role for spec mount i)? */
bool roles_is_uniform(const struct roles *ro, size_t k, enum role role, size_t i);

/* Is planned mount i outside every other planned mount's tree? */
bool roles_is_outermost(const struct roles *ro, size_t i);
