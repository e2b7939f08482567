/* SPDX-License-Identifier: Apache-2.0 */
/* The owner rule's decisions on one volume (owner.h's rule, plan_owner.c). */
#pragma once

#include "accounts.h"
#include "owner.h"
#include "plan_types.h"

/* The owner rule (owner.h), part one, before anything else of the source is
 * judged: skip a volume whose owner already is the container user, or is
 * root as the source shows it or on disk behind any idmap of its tree. */
bool plan_skip_by_owner(const struct oci_spec *spec, const struct plan *p,
			const struct owner_rules *o, const struct mount_facts *f,
			struct plan_mount *pm);

/* Part two, last before the maps: the swap (the uid, the gid where the
 * owner has that group), in *ret_swap; a note in pm->reason on a group
 * left.  Skips when nothing is left to swap.  Reads the account files at
 * the first gid in question. */
bool plan_skip_by_group(const struct oci_spec *spec, const struct plan *p,
			const struct owner_rules *o, struct accounts *acc,
			const struct mount_facts *f, struct plan_mount *pm,
			struct plan_mapping *ret_swap);
