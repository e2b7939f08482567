/* SPDX-License-Identifier: Apache-2.0 */
/* The trees held to the owner rule's setuid part (plan_suid.c). */
#pragma once

#include "facts.h"
#include "plan_types.h"
#include "spec.h"

/* The trees, held to the owner rule's setuid part (owner.h, plan_suid.c):
 * built, then each volume the container could run a setuid file of through
 * another mount (v->suid_reach) is left, and the trees are built again,
 * until none is.  -ENOMEM only. */
int plan_trees_owned(const struct oci_spec *spec, const struct mount_facts *facts,
		     const struct facts_view *v, struct plan *p);
