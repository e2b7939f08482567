/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The maps of a planned mount's tree (pure): the swap, composed with an
 * idmapped source's own maps and with each idmapped submount's, and the
 * plan's list of distinct mappings they go into.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "plan_maps.h"

void plan_mapping_free(struct plan_mapping *m)
{
	idmap_free(&m->uid_map);
	idmap_free(&m->gid_map);
}

/* Find or add the mapping pair, moved into the plan (*m is empty after);
 * its index in *ret_k.  -ENOMEM leaves *m as it was. */
int plan_add_mapping(struct plan *p, struct plan_mapping *m, size_t *ret_k)
{
	for (size_t i = 0; i < p->n_mappings; i++)
		if (idmap_equal(&p->mappings[i].uid_map, &m->uid_map) &&
		    idmap_equal(&p->mappings[i].gid_map, &m->gid_map)) {
			plan_mapping_free(m);
			*ret_k = i;
			return 0;
		}
	if (p->n_mappings == p->cap_mappings) {
		size_t cap = p->cap_mappings ? 2 * p->cap_mappings : 4;
		struct plan_mapping *more = reallocarray(p->mappings, cap, sizeof(*more));

		if (!more)
			return -ENOMEM;
		p->mappings = more;
		p->cap_mappings = cap;
	}
	p->mappings[p->n_mappings] = *m;
	*m = (struct plan_mapping){0};
	*ret_k = p->n_mappings++;
	return 0;
}

/* The length of path without trailing slashes ("/" keeps its slash). */
static size_t trimmed_len(const char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	return n;
}

const char *plan_in_rootfs(const struct oci_spec *spec, const char *path)
{
	size_t n = strlen(spec->root_path);

	while (n > 1 && spec->root_path[n - 1] == '/')
		n--;
	if (strncmp(path, spec->root_path, n) == 0 && path[n] == '/')
		return path + n;
	return path;
}

/* The swap owner_swap() decided, of one kind of id, as the pair the mount's
 * map sends one to the other: the owner as the source shows it to the
 * container user's host id, or, for an id left (an identity swap), the
 * container user's to itself. */
static struct id_pair pair_of(const struct idmap *swap, uint32_t owner, uint32_t user)
{
	return (struct id_pair){.h = idmap_is_identity(swap) ? user : owner, .t = user};
}

/* The map of one kind of id of what the source shows (owner.h): the swap,
 * or, under a user namespace, the owner-only map. */
static int shown_map(const struct idmap *ns, struct id_pair x, struct idmap *ret, struct err *e)
{
	if (!ns) {
		idmap_swap(x.h, x.t, ret);
		return 0;
	}
	return idmap_owner_only(x.h, x.t, ns, ret, e);
}

/* Replace the swap owner_swap() decided (t->swap) by the maps of what the
 * source shows; skips (a fallback) when they cannot be made. */
static bool plan_skip_shown(const struct plan *p, const struct owner_rules *o,
			    const struct mount_facts *f, struct plan_mount *pm, struct tree_maps *t)
{
	struct plan_mapping m = {0};
	struct err e = {0};

	t->uid = pair_of(&t->swap.uid_map, f->uid, p->host_uid);
	t->gid = pair_of(&t->swap.gid_map, f->gid, p->host_gid);
	if (shown_map(o->uid_ns, t->uid, &m.uid_map, &e) < 0 ||
	    shown_map(o->gid_ns, t->gid, &m.gid_map, &e) < 0) {
		plan_mapping_free(&m);
		plan_fall_back(pm, "cannot map the owner alone %s", e.msg);
		pm->failed = e.code == ENOMEM ? -ENOMEM : 0;
		pm->fallback = true; /* to be idmapped, and it cannot be */
		return true;
	}
	plan_mapping_free(&t->swap);
	t->swap = m;
	return false;
}

/* The maps of what the source shows (t->swap) after an idmapped mount's own
 * maps: what a clone of that mount needs, since its map replaces the
 * mount's own. */
static int compose_pair(const struct tree_maps *t, const struct idmap *old_uid,
			const struct idmap *old_gid, struct plan_mapping *ret, struct err *e)
{
	struct idmap uid = {0}, gid = {0};

	if (idmap_compose_map(old_uid, t->uid.h, t->uid.t, &t->swap.uid_map, &uid, e) < 0)
		return -e->code;
	if (idmap_compose_map(old_gid, t->gid.h, t->gid.t, &t->swap.gid_map, &gid, e) < 0) {
		idmap_free(&uid);
		return -e->code;
	}
	*ret = (struct plan_mapping){.uid_map = uid, .gid_map = gid};
	return 0;
}

/* A submount's path as the container sees it. */
const char *plan_sub_path(const struct oci_spec *spec, const struct spec_mount *m,
			  const struct submount_facts *sub, char buf[static PLAN_REASON_MAX])
{
	size_t n = trimmed_len(m->destination);

	if (!sub->rel)
		return plan_in_rootfs(spec, sub->target);
	snprintf(buf, PLAN_REASON_MAX, "%.*s/%s", (int)(n == 1 ? 0 : n), m->destination, sub->rel);
	return buf;
}

int plan_maps_errno(int maps_errno)
{
	return maps_errno ? maps_errno : EOPNOTSUPP;
}

const char *plan_unknown_maps_words(int code)
{
	switch (code) {
	case ENOSYS:	 /* no statmount (6.8) */
	case EINVAL:	 /* statmount without maps (before 6.15) */
	case EOPNOTSUPP: /* a statmount that does not report them */
		return "this kernel cannot report (composing needs Linux 6.15)";
	default: /* the words that follow say what failed */
		return "could not be read";
	}
}

void plan_tree_maps_free(struct tree_maps *t)
{
	plan_mapping_free(&t->top);
	plan_mapping_free(&t->swap);
	for (size_t j = 0; j < t->n_subs; j++)
		plan_mapping_free(&t->subs[j]);
	free(t->subs);
}

/* Each idmapped submount's composed maps (t->subs); skips when one cannot be
 * composed or its maps are unknown. */
static bool plan_skip_subs(const struct oci_spec *spec, const struct mount_facts *f,
			   struct plan_mount *pm, struct tree_maps *t)
{
	char path[PLAN_REASON_MAX];
	struct err e = {0};

	for (size_t k = 0; k < f->n_subs; k++) {
		const struct submount_facts *sub = &f->subs[k];

		if (!sub->idmapped)
			continue;
		if (!sub->maps_known) {
			int code = plan_maps_errno(sub->maps_errno);

			plan_fall_back(pm, "submount %s is an idmapped mount whose maps %s: %s",
				       plan_sub_path(spec, pm->mount, sub, path),
				       plan_unknown_maps_words(code), sub->maps_err);
			pm->failed = -code;
			return true;
		}
		if (compose_pair(t, &sub->uid_map, &sub->gid_map, &t->subs[t->n_subs], &e) < 0) {
			plan_fall_back(
			    pm,
			    "submount %s is an idmapped mount whose maps cannot be composed: %s",
			    plan_sub_path(spec, pm->mount, sub, path), e.msg);
			return true;
		}
		t->n_subs++;
	}
	return false;
}

/* The maps of mount i's tree: the top the swap (composed with its own maps
 * when the source is idmapped), each idmapped submount the swap composed
 * with its own, every other submount the swap.  Built whole, then moved
 * into the plan; skips (a fallback) when any cannot be composed. */
bool plan_skip_maps(const struct oci_spec *spec, const struct plan *p, const struct owner_rules *o,
		    const struct mount_facts *f, struct plan_mount *pm, struct tree_maps *ret_t)
{
	struct err e = {0};
	size_t n_own = 0;

	if (plan_skip_shown(p, o, f, pm, ret_t))
		return true;
	for (size_t k = 0; k < f->n_subs; k++)
		n_own += f->subs[k].idmapped;
	if (n_own && !(ret_t->subs = calloc(n_own, sizeof(*ret_t->subs)))) {
		plan_fall_back(pm, "out of memory");
		pm->failed = -ENOMEM;
		return true;
	}
	if (f->already_idmapped &&
	    compose_pair(ret_t, &f->src_uid_map, &f->src_gid_map, &ret_t->top, &e) < 0)
		plan_fall_back(pm, "source is an idmapped mount whose maps cannot be composed: %s",
			       e.msg);
	else if (!plan_skip_subs(spec, f, pm, ret_t)) {
		if (!f->already_idmapped) { /* the top's are the swap's: moved */
			ret_t->top = ret_t->swap;
			ret_t->swap = (struct plan_mapping){0};
		}
		pm->composed = f->already_idmapped;
		return false;
	}
	pm->fallback = true; /* to be idmapped, and it cannot be */
	return true;
}

/* Move the tree's maps into the plan (ret_t is left empty). */
int plan_take_maps(const struct oci_spec *spec, struct plan *p, const struct mount_facts *f,
		   struct plan_mount *pm, struct tree_maps *t)
{
	bool plain_subs = f->n_subs > t->n_subs;
	char path[PLAN_REASON_MAX];
	int r;

	pm->subs = t->n_subs ? calloc(t->n_subs, sizeof(*pm->subs)) : NULL;
	if (t->n_subs && !pm->subs)
		return -ENOMEM;
	r = plan_add_mapping(p, &t->top, &pm->mapping);
	pm->sub_mapping = pm->mapping;
	if (r >= 0 && pm->composed && plain_subs)
		r = plan_add_mapping(p, &t->swap, &pm->sub_mapping);
	for (size_t k = 0, j = 0; k < f->n_subs && r >= 0; k++) {
		if (!f->subs[k].idmapped)
			continue;
		pm->subs[j].facts = &f->subs[k];
		snprintf(pm->subs[j].path, sizeof(pm->subs[j].path), "%s",
			 plan_sub_path(spec, pm->mount, &f->subs[k], path));
		r = plan_add_mapping(p, &t->subs[j], &pm->subs[j].mapping);
		pm->n_subs = ++j;
	}
	return r;
}

/* Each mapping's new index, or SIZE_MAX for one that no idmapped mount uses. */
static void mark_used(const struct plan *p, size_t *ret_index)
{
	for (size_t k = 0; k < p->n_mappings; k++)
		ret_index[k] = SIZE_MAX;
	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct plan_mount *pm = &p->mounts[i];

		if (pm->action != PLAN_IDMAP)
			continue;
		ret_index[pm->mapping] = ret_index[pm->sub_mapping] = 0;
		for (size_t j = 0; j < pm->n_subs; j++)
			ret_index[pm->subs[j].mapping] = 0;
	}
}

int plan_drop_unused_mappings(struct plan *p)
{
	_cleanup_free_ size_t *index = calloc_array(p->n_mappings, sizeof(*index));
	size_t n = 0;

	if (!index)
		return -ENOMEM;
	mark_used(p, index);
	for (size_t k = 0; k < p->n_mappings; k++) {
		if (index[k] == SIZE_MAX) {
			plan_mapping_free(&p->mappings[k]);
			continue;
		}
		index[k] = n;
		p->mappings[n++] = p->mappings[k];
	}
	p->n_mappings = n;
	for (size_t i = 0; i < p->n_mounts; i++) {
		struct plan_mount *pm = &p->mounts[i];

		if (pm->action != PLAN_IDMAP) {
			pm->mapping = pm->sub_mapping = 0;
			continue;
		}
		pm->mapping = index[pm->mapping];
		pm->sub_mapping = index[pm->sub_mapping];
		for (size_t j = 0; j < pm->n_subs; j++)
			pm->subs[j].mapping = index[pm->subs[j].mapping];
	}
	return 0;
}
