/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The owner rule (owner.h) applied to one mount of the plan: the owner as
 * the source shows it, and the ids on disk behind the source's idmap and
 * behind each idmapped submount of its tree.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cleanup.h"
#include "owner.h"
#include "plan_maps.h"
#include "plan_owner.h"

/* The on-disk id that map shows as seen; false when none is. */
static bool seen_from(const struct idmap *m, uint32_t seen, uint32_t *ret_disk)
{
	const struct id_extent *x = idmap_extents(m);

	for (size_t i = 0; i < m->n; i++)
		if (seen >= x[i].lower && seen - x[i].lower < x[i].count) {
			*ret_disk = x[i].first + (seen - x[i].lower);
			return true;
		}
	return false;
}

/* The owner seen as f->uid:f->gid, on disk behind maps. */
static struct owner_view on_disk(const struct mount_facts *f, const struct idmap *uid_map,
				 const struct idmap *gid_map, enum owner_seen seen)
{
	struct owner_view v = {.seen = seen};

	v.has_uid = seen_from(uid_map, f->uid, &v.uid);
	v.has_gid = seen_from(gid_map, f->gid, &v.gid);
	return v;
}

/* Every view of the owner of mount f: as the source shows it first.  An
 * idmapped submount whose maps are unknown is not among them (the mount is
 * left as it was anyway, plan_skip_maps()).  paths holds the submounts'. */
struct owner_views {
	struct owner_view *v;
	size_t n;
	char (*paths)[PLAN_REASON_MAX];
};

static void owner_views_free(struct owner_views *ov)
{
	free(ov->v);
	free(ov->paths);
}

static int owner_views(const struct oci_spec *spec, const struct mount_facts *f,
		       const struct plan_mount *pm, struct owner_views *ret)
{
	struct owner_views ov = {0};
	char buf[PLAN_REASON_MAX];

	ov.v = calloc_array(f->n_subs + 2, sizeof(*ov.v));
	ov.paths = calloc_array(f->n_subs, sizeof(*ov.paths));
	if (!ov.v || !ov.paths) {
		owner_views_free(&ov);
		return -ENOMEM;
	}
	ov.v[ov.n++] = (struct owner_view){.seen = OWNER_SEEN_SOURCE,
					   .has_uid = true,
					   .has_gid = true,
					   .uid = f->uid,
					   .gid = f->gid};
	if (f->already_idmapped && f->maps_known)
		ov.v[ov.n++] = on_disk(f, &f->src_uid_map, &f->src_gid_map, OWNER_ON_DISK);
	for (size_t k = 0, j = 0; k < f->n_subs; k++) {
		const struct submount_facts *sub = &f->subs[k];

		if (!sub->idmapped || !sub->maps_known)
			continue;
		snprintf(ov.paths[j], PLAN_REASON_MAX, "%s",
			 plan_sub_path(spec, pm->mount, sub, buf));
		ov.v[ov.n] = on_disk(f, &sub->uid_map, &sub->gid_map, OWNER_ON_DISK_SUB);
		ov.v[ov.n++].sub = ov.paths[j++];
	}
	*ret = ov;
	return 0;
}

static bool plan_skip_no_memory(struct plan_mount *pm)
{
	plan_fall_back(pm, "out of memory");
	pm->failed = -ENOMEM;
	return true;
}

bool plan_skip_by_owner(const struct oci_spec *spec, const struct plan *p,
			const struct owner_rules *o, const struct mount_facts *f,
			struct plan_mount *pm)
{
	_cleanup_(owner_views_free) struct owner_views ov = {0};

	if (owner_views(spec, f, pm, &ov) < 0)
		return plan_skip_no_memory(pm);
	if (!owner_skip(o, ov.v, ov.n, p->host_uid, p->host_gid, pm->reason, sizeof(pm->reason)))
		return false;
	err_trim_utf8(pm->reason); /* a submount's path may be cut */
	pm->action = PLAN_SKIP;
	return true;
}

bool plan_skip_by_group(const struct oci_spec *spec, const struct plan *p,
			const struct owner_rules *o, struct accounts *acc,
			const struct mount_facts *f, struct plan_mount *pm,
			struct plan_mapping *ret_swap)
{
	_cleanup_(owner_views_free) struct owner_views ov = {0};

	if (owner_views(spec, f, pm, &ov) < 0)
		return plan_skip_no_memory(pm);
	if (owner_skip_subids(o, acc, ov.v, ov.n, pm->reason, sizeof(pm->reason))) {
		err_trim_utf8(pm->reason);
		pm->action = PLAN_SKIP;
		return true;
	}
	if (!owner_swap(o, acc, ov.v, ov.n, p->host_uid, p->host_gid, &ret_swap->uid_map,
			&ret_swap->gid_map, pm->reason, sizeof(pm->reason))) {
		err_trim_utf8(pm->reason); /* a note on a group left */
		pm->gid_left = f->gid != p->host_gid && idmap_is_identity(&ret_swap->gid_map);
		return false;
	}
	err_trim_utf8(pm->reason);
	pm->action = PLAN_SKIP;
	return true;
}
