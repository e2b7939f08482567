/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The owner rule, setuid through another mount (owner.h): through a mount
 * the hook remaps the container user makes files as the owner, and a setuid
 * one runs as the owner wherever it is reached without nosuid.  So a volume
 * is left when the container reaches another mount of the filesystem of one
 * of the mounts it remaps, whose root overlaps that mount's (facts_suid.c
 * saw which mounts the container reaches) and which will not be nosuid once
 * the runtime is done: as its node of a plan tree ends (plan_tree.c), or,
 * outside the trees, as the hook sees it plus what crun sets only after the
 * hooks on a read-only entry's own mount.  A volume left is such a mount in
 * turn, and trees change with it: they are built again until no volume is
 * left; then the mappings no mount uses any more are dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "mountroots.h"
#include "plan_maps.h"
#include "plan_suid.h"
#include "plan_tree.h"

/* Will table entry k, outside the trees, be nosuid: as the hook sees it, or
 * made so by crun after the hooks with a read-only entry's ro (crun 1.8
 * under a user namespace even drops a read-write bind's nosuid)? */
static bool ends_nosuid_alone(const struct oci_spec *spec, const struct mount_facts *facts,
			      const struct facts_view *v, size_t k)
{
	const struct mount_entry *me = &v->table.entries[k];
	size_t i = v->made_by[k];
	unsigned int flags;

	if (me->flags & MOUNT_FLAG_NOSUID)
		return true;
	if (i == FACTS_NO_ENTRY || i >= spec->n_mounts || facts[i].mnt_id != (uint64_t)me->id)
		return false;
	flags = spec->mounts[i].flags | spec->mounts[i].flags_tree;
	return (flags & MOUNT_FLAG_RDONLY) && (flags & MOUNT_FLAG_NOSUID);
}

/* Per table entry: will it be nosuid once the runtime is done? */
static int ends_nosuid(const struct oci_spec *spec, const struct mount_facts *facts,
		       const struct facts_view *v, const struct plan *p, bool **ret)
{
	const struct mount_table *t = &v->table;
	bool *nosuid = calloc_array(t->n, sizeof(*nosuid));

	if (!nosuid)
		return -ENOMEM;
	for (size_t k = 0; k < t->n; k++)
		nosuid[k] = ends_nosuid_alone(spec, facts, v, k);
	for (size_t ti = 0; ti < p->n_trees; ti++)
		for (size_t j = 0; j < p->trees[ti].n; j++) {
			const struct plan_node *n = &p->trees[ti].nodes[j];
			const struct mount_entry *me = mountinfo_find(t, n->id);

			if (me)
				nosuid[me - t->entries] = (n->flags | n->add) & MOUNT_FLAG_NOSUID;
		}
	*ret = nosuid;
	return 0;
}

/* The mounts the container reaches that will not be nosuid. */
static int unsafe_roots(const struct oci_spec *spec, const struct mount_facts *facts,
			const struct facts_view *v, const struct plan *p, struct mountroots *ret)
{
	const struct mount_table *t = &v->table;
	_cleanup_free_ bool *nosuid = NULL;
	struct mountroot *refs;
	size_t n = 0;

	if (ends_nosuid(spec, facts, v, p, &nosuid) < 0)
		return -ENOMEM;
	refs = calloc_array(t->n, sizeof(*refs));
	if (!refs)
		return -ENOMEM;
	for (size_t k = 0; k < t->n; k++)
		if (v->suid_reach[k] && !nosuid[k])
			refs[n++] = (struct mountroot){
			    .dev = t->entries[k].dev, .root = t->entries[k].root, .k = k};
	mountroots_take(ret, refs, n);
	return 0;
}

/* Leave the volume of node n, which the unsafe mount o overlaps. */
static void leave(const struct oci_spec *spec, const struct facts_view *v, struct plan_mount *pm,
		  const struct plan_node *n, size_t o)
{
	const char *at = plan_in_rootfs(spec, v->table.entries[o].target);

	if (n->entry_mount)
		plan_fall_back(
		    pm,
		    "%s, another mount of its filesystem without nosuid, shows its files: "
		    "a setuid file made here would run there as the owner",
		    at);
	else
		plan_fall_back(
		    pm,
		    "%s, another mount of the filesystem of submount %s without nosuid, "
		    "shows its files: a setuid file made here would run there as the owner",
		    at, n->path);
	pm->fallback = false; /* a decision, not a failure */
	pm->composed = false;
	pm->gid_left = false;
}

/* One pass over the trees: leave every volume one of whose remapped mounts
 * an unsafe mount overlaps.  Returns how many were left, or -ENOMEM. */
static int leave_reached(const struct oci_spec *spec, const struct mount_facts *facts,
			 const struct facts_view *v, struct plan *p)
{
	_cleanup_(mountroots_free) struct mountroots unsafe = {0};
	int left = 0;

	if (unsafe_roots(spec, facts, v, p, &unsafe) < 0)
		return -ENOMEM;
	for (size_t ti = 0; ti < p->n_trees && unsafe.n > 0; ti++)
		for (size_t j = 0; j < p->trees[ti].n; j++) {
			const struct plan_node *n = &p->trees[ti].nodes[j];
			const struct mount_entry *me = mountinfo_find(&v->table, n->id);
			struct plan_mount *pm = &p->mounts[n->entry];
			size_t o;

			if (n->role != PLAN_ROLE_IDMAP || pm->action != PLAN_IDMAP || !me)
				continue;
			o = mountroots_overlap(&unsafe, me->dev, me->root);
			if (o == MOUNTROOTS_NONE)
				continue;
			leave(spec, v, pm, n, o);
			left++;
		}
	return left;
}

int plan_trees_owned(const struct oci_spec *spec, const struct mount_facts *facts,
		     const struct facts_view *v, struct plan *p)
{
	int left;

	for (;;) {
		if (plan_trees(spec, facts, v, p) < 0)
			return -ENOMEM;
		if (!v || !v->suid_reach || !v->made_by)
			return 0;
		left = leave_reached(spec, facts, v, p);
		if (left <= 0)
			return left;
		plan_trees_free(p);
		if (plan_drop_unused_mappings(p) < 0)
			return -ENOMEM;
	}
}
