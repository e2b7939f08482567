/* SPDX-License-Identifier: Apache-2.0 */
#include "peers.h"

#include <stdlib.h>

#include "mounttree.h"

/* The peer groups an event in one group reaches: it and, transitively, the
 * groups of the mounts that receive from one of them. */
struct groups {
	int *ids;
	size_t n, cap;
};

static bool has_group(const struct groups *g, int id)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->ids[i] == id)
			return true;
	return false;
}

static int add_group(struct groups *g, int id)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 8;
		int *more = reallocarray(g->ids, cap, sizeof(*more));

		if (!more)
			return -ENOMEM;
		g->ids = more;
		g->cap = cap;
	}
	g->ids[g->n++] = id;
	return 0;
}

/* Add the groups of t's mounts that receive from g: how many, or -ENOMEM. */
static int add_receivers(struct groups *g, const struct mount_table *t)
{
	int added = 0;

	for (size_t k = 0; t && k < t->n; k++) {
		const struct mount_entry *m = &t->entries[k];

		if (!m->master || !m->shared || !has_group(g, m->master) || has_group(g, m->shared))
			continue;
		if (add_group(g, m->shared) < 0)
			return -ENOMEM;
		added++;
	}
	return added;
}

/* Does an attach onto r, whose events reach groups g, put a copy on m? */
static bool is_reached(const struct groups *g, const struct mount_entry *r,
		       const struct mount_entry *m)
{
	const char *rel;

	if (m == r ||
	    !((m->shared && has_group(g, m->shared)) || (m->master && has_group(g, m->master))))
		return false;
	/* The copy goes where r's root is in the filesystem, if m shows it. */
	return mounttree_relative(m->root, r->root, &rel) == 0;
}

static bool first_hit(const struct groups *g, const struct mount_entry *r,
		      const struct mount_table *t, const char *rootfs, struct peers_hit *ret_hit)
{
	const char *rel;

	for (size_t k = 0; t && k < t->n; k++) {
		const struct mount_entry *m = &t->entries[k];

		if (!is_reached(g, r, m))
			continue;
		if (rootfs && mounttree_relative(rootfs, m->target, &rel) < 0)
			continue; /* the runtime's old root: detached at pivot_root */
		*ret_hit = (struct peers_hit){.mount = m, .in_host = !rootfs};
		return true;
	}
	return false;
}

int peers_reach(const struct mount_table *ct, const struct mount_table *host, const char *rootfs,
		int id, struct peers_hit *ret_hit)
{
	const struct mount_entry *r = mountinfo_find(ct, id);
	struct groups g = {0};
	int added = 0, a = 0, b = 0;

	if (!r || !r->shared)
		return 0;
	if (add_group(&g, r->shared) < 0)
		return -ENOMEM;
	/* Until no group is added: at most one round per group. */
	do {
		a = add_receivers(&g, ct);
		b = a < 0 ? a : add_receivers(&g, host);
		added = a < 0 || b < 0 ? -ENOMEM : a + b;
	} while (added > 0);
	if (added == 0)
		added =
		    first_hit(&g, r, host, NULL, ret_hit) || first_hit(&g, r, ct, rootfs, ret_hit);
	free(g.ids);
	return added;
}

bool peers_is_shared(const struct mount_table *t, int id)
{
	const struct mount_entry *m = mountinfo_find(t, id);

	return m && m->shared;
}
