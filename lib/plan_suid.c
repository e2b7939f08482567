/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The owner rule, setuid through another mount (owner.h): through an
 * idmapped volume the container user makes files as the owner, and a
 * setuid one runs as the owner wherever it is reached without nosuid.  So a
 * volume is left when the container reaches another mount of one of its
 * filesystems, not nosuid, whose root overlaps what the volume's mount
 * shows (facts_suid.c saw which), unless that mount ends nosuid: a mount
 * of a volume the hook idmaps, or a read-only one config.json asks nosuid
 * for (crun sets both only after the hooks).  A volume left is such a mount no
 * more, so this is decided again until nothing changes; then the mappings
 * no mount uses any more are dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "mountroots.h"
#include "plan_internal.h"

/* The volume that made table entry k is idmapped: k is nosuid after the
 * hook (in the clone), or hidden by it. */
static bool is_idmapped(const struct plan *p, const struct facts_view *v, size_t k)
{
	size_t i = v->made_by[k];

	return i != FACTS_NO_ENTRY && i < p->n_mounts && p->mounts[i].action == PLAN_IDMAP;
}

/* Will table entry k be nosuid once the runtime is done, though it is not
 * when the hook runs?  The hook's clone is; and crun makes a read-only
 * entry's own mount read-only only after the hooks, with the entry's nosuid
 * (FACTS.md).  Otherwise what the hook sees is what the container gets
 * (crun 1.8 under a user namespace even drops a read-write bind's nosuid). */
static bool ends_nosuid(const struct oci_spec *spec, const struct mount_facts *facts,
			const struct plan *p, const struct facts_view *v, size_t k)
{
	size_t i = v->made_by[k];
	unsigned int flags;

	if (is_idmapped(p, v, k))
		return true;
	if (i == FACTS_NO_ENTRY || i >= spec->n_mounts ||
	    facts[i].mnt_id != (uint64_t)v->table.entries[k].id)
		return false;
	flags = spec->mounts[i].flags | spec->mounts[i].flags_tree;
	return (flags & MOUNT_FLAG_RDONLY) && (flags & MOUNT_FLAG_NOSUID);
}

/* The mounts the container reaches that will not be nosuid. */
static int unsafe_roots(const struct oci_spec *spec, const struct mount_facts *facts,
			const struct plan *p, const struct facts_view *v, struct mountroots *ret)
{
	const struct mount_table *t = &v->table;
	struct mountroot *refs = calloc_array(t->n, sizeof(*refs));
	size_t n = 0;

	if (!refs)
		return -ENOMEM;
	for (size_t k = 0; k < t->n; k++)
		if (v->suid_reach[k] && !ends_nosuid(spec, facts, p, v, k))
			refs[n++] = (struct mountroot){
			    .dev = t->entries[k].dev, .root = t->entries[k].root, .k = k};
	mountroots_take(ret, refs, n);
	return 0;
}

/* Leave volume pm, one of whose mounts (table entry k; top: its own mount)
 * the unsafe mount o overlaps. */
static void leave(const struct oci_spec *spec, const struct facts_view *v, struct plan_mount *pm,
		  size_t k, bool top, size_t o)
{
	const struct mount_entry *own = &v->table.entries[k], *other = &v->table.entries[o];
	const char *at = plan_in_rootfs(spec, other->target);

	if (top)
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
		    at, plan_in_rootfs(spec, own->target));
	pm->fallback = false; /* a decision, not a failure */
	free(pm->subs);
	pm->subs = NULL;
	pm->n_subs = 0;
	pm->composed = false;
	pm->gid_left = false;
}

/* One pass: leave every idmapped volume an unsafe mount reaches.  Returns
 * how many were left, or -ENOMEM. */
static int leave_reached(const struct oci_spec *spec, const struct mount_facts *facts,
			 const struct facts_view *v, struct plan *p)
{
	_cleanup_(mountroots_free) struct mountroots unsafe = {0};
	const struct mount_table *t = &v->table;
	int left = 0;

	if (unsafe_roots(spec, facts, p, v, &unsafe) < 0)
		return -ENOMEM;
	for (size_t k = 0; k < t->n && unsafe.n > 0; k++) {
		size_t i = v->made_by[k], o;

		if (!is_idmapped(p, v, k))
			continue;
		o = mountroots_overlap(&unsafe, t->entries[k].dev, t->entries[k].root);
		if (o == MOUNTROOTS_NONE)
			continue;
		leave(spec, v, &p->mounts[i], k, facts[i].mnt_id == (uint64_t)t->entries[k].id, o);
		left++;
	}
	return left;
}

int plan_skip_suid(const struct oci_spec *spec, const struct mount_facts *facts,
		   const struct facts_view *v, struct plan *p)
{
	int left;

	if (!v || !v->suid_reach || !v->made_by)
		return 0;
	while ((left = leave_reached(spec, facts, v, p)) > 0)
		;
	return left < 0 ? left : plan_drop_unused_mappings(p);
}
