/* SPDX-License-Identifier: Apache-2.0 */
#include "roles.h"

#include <stdint.h>
#include <stdlib.h>

#include "cleanup.h"

bool roles_is_idmap(const struct roles *ro, size_t i)
{
	return i != FACTS_NO_ENTRY && ro->plan->mounts[i].action == PLAN_IDMAP;
}

/* Table entry k as an idmapped submount of planned mount i, or NULL. */
static const struct plan_sub *own_sub(const struct roles *ro, size_t k, size_t i)
{
	const struct plan_mount *pm = &ro->plan->mounts[i];

	for (size_t j = 0; j < pm->n_subs; j++)
		if (pm->subs[j].facts->id == ro->view->table.entries[k].id)
			return &pm->subs[j];
	return NULL;
}

enum role roles_of(const struct roles *ro, size_t k, size_t *ret_i)
{
	size_t i = ro->view->made_by[k];

	*ret_i = i;
	if (!roles_is_idmap(ro, i))
		return ROLE_KEEP;
	if ((uint64_t)ro->view->table.entries[k].id == ro->facts[i].mnt_id)
		return ROLE_TOP;
	if (!ro->spec->mounts[i].is_recursive)
		return ROLE_KEEP;
	return own_sub(ro, k, i) ? ROLE_OWN : ROLE_SUB;
}

size_t roles_mapping(const struct roles *ro, size_t k, enum role role, size_t i)
{
	const struct plan_mount *pm = &ro->plan->mounts[i];
	const struct plan_sub *sub;

	if (role == ROLE_OWN && (sub = own_sub(ro, k, i)))
		return sub->mapping;
	return role == ROLE_TOP ? pm->mapping : pm->sub_mapping;
}

bool roles_is_composed(const struct roles *ro, enum role role, size_t i)
{
	return role == ROLE_OWN || (role == ROLE_TOP && ro->plan->mounts[i].composed);
}

/* needs_work: every mount with a role, and every mount above one. */
static void mark_work(struct roles *ro)
{
	const struct mount_table *t = &ro->view->table;
	size_t i;

	for (size_t k = 0; k < t->n; k++) {
		const struct mount_entry *me = &t->entries[k];

		if (roles_of(ro, k, &i) == ROLE_KEEP)
			continue;
		for (size_t steps = 0; me && steps < t->n; steps++) {
			size_t at = (size_t)(me - t->entries);

			if (ro->needs_work[at])
				break;
			ro->needs_work[at] = true;
			me = me->parent_id == me->id ? NULL : mountinfo_find(t, me->parent_id);
		}
	}
}

int roles_build(const struct oci_spec *spec, const struct plan *plan,
		const struct mount_facts *facts, const struct facts_view *view,
		struct roles *ret_roles)
{
	struct roles ro = {.spec = spec, .plan = plan, .facts = facts, .view = view};

	ro.needs_work = calloc_array(view->table.n, sizeof(*ro.needs_work));
	if (!ro.needs_work || mounttree_build(&view->table, &ro.tree) < 0) {
		roles_free(&ro);
		return -ENOMEM;
	}
	mark_work(&ro);
	*ret_roles = ro;
	return 0;
}

void roles_free(struct roles *ro)
{
	mounttree_free(&ro->tree);
	free(ro->needs_work);
	ro->needs_work = NULL;
}

/* SUB of the same entry below a TOP or SUB; nothing to do below a kept
 * mount; nothing at all below a composed one (open_tree_attr gives a whole
 * tree one map, and its submounts want another). */
bool roles_is_uniform(const struct roles *ro, size_t k, enum role role, size_t i)
{
	size_t first, end, ci;

	mounttree_children(&ro->tree, k, &first, &end);
	if (role != ROLE_KEEP && roles_is_composed(ro, role, i))
		return first == end;
	for (size_t c = first; c < end; c++) {
		size_t kc = ro->tree.by_parent[c];
		enum role rc = roles_of(ro, kc, &ci);

		if (role == ROLE_KEEP ? ro->needs_work[kc] : (rc != ROLE_SUB || ci != i))
			return false;
		if (!roles_is_uniform(ro, kc, role, i))
			return false;
	}
	return true;
}

bool roles_is_outermost(const struct roles *ro, size_t i)
{
	const struct mount_table *t = &ro->view->table;
	size_t k = mounttree_index_of(&ro->tree, ro->facts[i].mnt_id), j;
	const struct mount_entry *me = k == MOUNTTREE_NONE ? NULL : &t->entries[k];

	while (me && me->parent_id != me->id) {
		me = mountinfo_find(t, me->parent_id);
		if (me && roles_of(ro, (size_t)(me - t->entries), &j) != ROLE_KEEP)
			return false;
	}
	return true;
}
