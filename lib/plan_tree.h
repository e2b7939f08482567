/* SPDX-License-Identifier: Apache-2.0 */
/* The trees of the planned volumes (plan_tree.c). */
#pragma once

#include "facts.h"
#include "plan_types.h"
#include "spec.h"

/* The trees of the outermost planned volumes (plan_tree.c), after every
 * mount's action is decided; a volume that cannot be done falls back. */
int plan_trees(const struct oci_spec *spec, const struct mount_facts *facts,
	       const struct facts_view *v, struct plan *p);
void plan_trees_free(struct plan *p);
