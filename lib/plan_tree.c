/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plan laid over the container's mount table: for every outermost
 * planned volume, every mount of its tree (each entry of the table at or
 * below the volume's mount) with what it gets and what it ends with.  The
 * hook executes exactly this (remount.c); `plan` prints it.
 *
 * The rules, each stated once here:
 *  - Role.  A planned volume's own mount is idmapped with its map (composed
 *    when the source is idmapped); the submounts its rbind brought get the
 *    tree's swap (an idmapped submount the swap composed with its own map);
 *    every other mount (a nested entry that is not planned, a mount nobody
 *    listed) is kept as the runtime made it.
 *  - Flags: never fewer than the runtime's once it has finished.  A mount
 *    ends with the flags it has when the hook runs plus what a runtime may
 *    still apply after the hooks: crun makes a read-only entry read-only
 *    only then, on its own mount, and sets that entry's nosuid, nodev and
 *    noexec with it (MOUNT_FLAGS_DEFERRED), so every mount of the tree that
 *    a read-only config.json entry made (the volume's, every nested one's)
 *    gets those; an idmapped mount also nosuid.  Adding them is idempotent
 *    where the runtime applied them already (runc); no flag is ever
 *    cleared, and nothing else is added: the runtimes apply every other
 *    flag before the hooks (crun 1.8 under a user namespace drops a
 *    read-write bind's nosuid, nodev and noexec, and so does the hook).
 *    An option that names a restriction counts whatever follows it, as
 *    crun reads them ("ro,rw" is read-only, spec_mount.named): read the
 *    other way (runc's last-wins) a crun mount would end looser; read this
 *    way a runc one only ever ends stricter.  The same remount gives the
 *    entry's mount the atime its options name, and so does the hook.
 *  - Propagation: each mount gets the propagation type the runtime's mount
 *    at its place has when the hook runs, so that what the runtime does to
 *    its mounts after the hooks (crun applies rootfsPropagation to / after
 *    pivot_root) it does to the clones alike.
 *  - Nothing propagates out of the container's mount namespace: attaching
 *    onto a shared mount copies what is attached onto every mount its peer
 *    group reaches (peers.h), and a volume whose destination reaches a
 *    mount of the host's namespace (or another place in the container) is
 *    left as the runtime made it, saying where it would propagate.  So is
 *    one below a config.json mount whose peer group reaches the host: the
 *    runtime may copy that mount's tree after the hooks (readonlyPaths),
 *    and the copy would carry the clone out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "mounttree.h"
#include "plan_nodes.h"
#include "plan_tree.h"

static bool is_planned(const struct plan *p, size_t i)
{
	return i != FACTS_NO_ENTRY && p->mounts[i].action == PLAN_IDMAP;
}

/* The table entry of planned mount i's own mount, or MOUNTTREE_NONE. */
static size_t mount_of(const struct tree_ctx *c, size_t i)
{
	return mounttree_index_of(&c->mt, c->facts[i].mnt_id);
}

/* Is planned mount i below another planned mount's own mount? */
static bool is_nested(const struct tree_ctx *c, size_t i)
{
	const struct mount_table *t = &c->v->table;
	const struct mount_entry *me = &t->entries[mount_of(c, i)];

	for (size_t steps = 0; steps < t->n && me->parent_id != me->id; steps++) {
		size_t k;

		if (!(me = mountinfo_find(t, me->parent_id)))
			break;
		k = (size_t)(me - t->entries);
		if (is_planned(c->p, c->v->made_by[k]) &&
		    plan_is_entry_mount(c, k, c->v->made_by[k]))
			return true;
	}
	return false;
}

/* Does attaching at planned mount i's destination propagate where it must
 * not?  Then it falls back, saying where to. */
static bool plan_skip_reach(const struct mount_facts *f, struct plan_mount *pm)
{
	switch (f->reach) {
	case REACH_NONE:
		return false;
	case REACH_HOST:
		plan_fall_back(
		    pm,
		    "attaching here would propagate out of the container: the mount at the "
		    "destination is a peer (shared:%d) of the host's mount at %s",
		    f->reach_group, f->reach_at);
		break;
	case REACH_CONTAINER:
		plan_fall_back(pm,
			       "attaching here would propagate to %s in the container, whose mount "
			       "shares its peer group (shared:%d)",
			       f->reach_at, f->reach_group);
		break;
	case REACH_UNKNOWN:
		plan_fall_back(pm,
			       "cannot tell where attaching here would propagate (its peer group "
			       "shared:%d): %s",
			       f->reach_group, f->reach_at);
		break;
	}
	return true;
}

/* Is tree t (some node of it not whole) stacked on the attached tree?  Where
 * the kernel cannot attach a mount to a detached tree, or that could not be
 * tried: stacking needs nothing newer than idmapped mounts themselves. */
static bool is_stacked(const struct tree_ctx *c, const struct plan_tree *t)
{
	enum kernel_answer a = c->v->kernel.attach_detached.answer;

	if (a != KERNEL_CANNOT && a != KERNEL_UNKNOWN)
		return false;
	for (size_t j = 0; j < t->n; j++)
		if (!t->nodes[j].whole)
			return true;
	return false;
}

/* Stacked tree t cannot be done so: a nested volume stacked on the shared
 * copy of its mount falls back alone (the tree is then built again without
 * it), else the whole volume.  The mount that fell back, or FACTS_NO_ENTRY. */
static size_t skip_unstackable(struct tree_ctx *c, const struct plan_tree *t)
{
	const struct kernel_says *ad = &c->v->kernel.attach_detached;
	enum plan_unstackable why;
	const struct plan_node *n = plan_nodes_unstackable(t, &why);
	size_t i = t->mount;

	if (!n)
		return FACTS_NO_ENTRY;
	if (why == UNSTACKABLE_SHARED && n->entry_mount && is_planned(c->p, n->entry))
		i = n->entry;
	if (why == UNSTACKABLE_COMPOSED)
		plan_fall_back(&c->p->mounts[i],
			       "%s: this kernel cannot attach a mount to a detached tree (%s), "
			       "and %s, whose map replaces its own idmap, cannot be cloned with "
			       "the mounts below it",
			       c->spec->mounts[i].source, ad->why, n->path);
	else if (why == UNSTACKABLE_SHARED)
		plan_fall_back(&c->p->mounts[i],
			       "%s: this kernel cannot attach a mount to a detached tree (%s), "
			       "and a clone stacked on %s on the attached tree would propagate "
			       "to its peer group (it is shared)",
			       c->spec->mounts[i].source, ad->why, n->path);
	else
		plan_fall_back(&c->p->mounts[i],
			       "%s: this kernel cannot attach a mount to a detached tree (%s), "
			       "and %s is unbindable: a clone of the mounts above it leaves it out",
			       c->spec->mounts[i].source, ad->why, n->path);
	return i;
}

/* Is planned mount i below the mount of a config.json entry whose peer
 * group reaches out of the container (or cannot be told)?  A runtime copies
 * such a mount's tree after the hooks: crun and runc bind a readonlyPaths
 * entry onto itself with everything below it, and that copy lands on the
 * mount's peers, the host's among them, carrying a clone attached anywhere
 * below it.  So nothing is attached below such a mount either. */
static bool plan_skip_reach_above(const struct tree_ctx *c, size_t i)
{
	const struct mount_table *t = &c->v->table;
	const struct mount_entry *me = &t->entries[mount_of(c, i)];

	for (size_t steps = 0; steps < t->n && me->parent_id != me->id; steps++) {
		const struct mount_facts *f;
		size_t k, j;

		if (!(me = mountinfo_find(t, me->parent_id)))
			break;
		k = (size_t)(me - t->entries);
		j = c->v->made_by[k];
		if (j == FACTS_NO_ENTRY || !plan_is_entry_mount(c, k, j))
			continue;
		f = &c->facts[j];
		if (f->reach == REACH_HOST)
			plan_fall_back(
			    &c->p->mounts[i],
			    "attaching here would propagate out of the container: %s above "
			    "it, which a runtime may copy after the hooks, is a peer "
			    "(shared:%d) of the host's mount at %s",
			    c->spec->mounts[j].destination, f->reach_group, f->reach_at);
		else if (f->reach == REACH_UNKNOWN)
			plan_fall_back(&c->p->mounts[i],
				       "cannot tell where the mount above it at %s propagates (its "
				       "peer group shared:%d): %s",
				       c->spec->mounts[j].destination, f->reach_group, f->reach_at);
		if (f->reach == REACH_HOST || f->reach == REACH_UNKNOWN)
			return true;
	}
	return false;
}

/* The tree of outermost planned mount i; a fallback when it cannot be done. */
static int build_tree(struct tree_ctx *c, size_t i, struct plan_tree *ret_tree)
{
	struct plan_mount *pm = &c->p->mounts[i];
	const struct mount_facts *f = &c->facts[i];
	size_t left = FACTS_NO_ENTRY;
	int r;

	/* Each round but the last leaves one more nested volume as it was. */
	for (size_t round = 0; round <= c->p->n_mounts; round++) {
		struct plan_tree t = {
		    .mount = i, .mnt_id = f->mnt_id, .dev = f->dev, .ino = f->ino};
		const struct plan_node *n;

		r = plan_nodes_collect(c, mount_of(c, i), &t);
		if (r >= 0 && (n = plan_nodes_unplaceable(&t)))
			plan_fall_back(pm,
				       "its tree cannot be assembled: %s is stacked on another "
				       "mount inside it",
				       n->path);
		if (r >= 0 && pm->action == PLAN_IDMAP && (t.stacked = is_stacked(c, &t)))
			left = skip_unstackable(c, &t);
		if (r >= 0 && pm->action == PLAN_IDMAP && left == FACTS_NO_ENTRY) {
			*ret_tree = t;
			return 1;
		}
		plan_nodes_free(&t);
		if (r < 0 || pm->action != PLAN_IDMAP)
			return r;
		left = FACTS_NO_ENTRY;
	}
	return 0;
}

/* Each planned mount in tree ti gets its place there. */
static void assign(struct plan *p, size_t ti)
{
	const struct plan_tree *t = &p->trees[ti];

	for (size_t j = 0; j < t->n; j++) {
		const struct plan_node *n = &t->nodes[j];

		if (n->entry_mount && is_planned(p, n->entry)) {
			p->mounts[n->entry].tree = ti;
			p->mounts[n->entry].node = j;
		}
	}
}

/* A planned mount and how deep its mount is in the table. */
struct by_depth {
	size_t depth, i;
};

static int compare_depths(const void *a, const void *b)
{
	const struct by_depth *x = a, *y = b;

	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

static size_t depth_of(const struct mount_table *t, size_t k)
{
	const struct mount_entry *me = &t->entries[k];
	size_t depth = 0;

	while (depth < t->n && me->parent_id != me->id && (me = mountinfo_find(t, me->parent_id)))
		depth++;
	return depth;
}

/* The planned mounts seen in the table, outer ones first. */
static struct by_depth *planned_by_depth(struct tree_ctx *c, size_t *ret_n)
{
	struct by_depth *order = calloc_array(c->p->n_mounts, sizeof(*order));
	size_t n = 0, k;

	if (!order)
		return NULL;
	for (size_t i = 0; i < c->p->n_mounts; i++) {
		if (!is_planned(c->p, i))
			continue;
		if ((k = mount_of(c, i)) == MOUNTTREE_NONE) {
			plan_fall_back(&c->p->mounts[i],
				       "its mount is not in the container's mount table");
			c->p->mounts[i].failed = -ENOENT;
			continue;
		}
		order[n++] = (struct by_depth){depth_of(&c->v->table, k), i};
	}
	qsort(order, n, sizeof(*order), compare_depths);
	*ret_n = n;
	return order;
}

/* The trees, outer volumes first: a volume that falls back leaves the
 * volumes inside it to be trees of their own. */
static int build_trees(struct tree_ctx *c)
{
	_cleanup_free_ struct by_depth *order = NULL;
	struct plan *p = c->p;
	size_t n = 0;
	int r = 0;

	order = planned_by_depth(c, &n);
	p->trees = calloc_array(n, sizeof(*p->trees));
	if (!order || !p->trees)
		return -ENOMEM;
	for (size_t o = 0; o < n && r >= 0; o++) {
		size_t i = order[o].i;

		if (!is_planned(p, i) || is_nested(c, i) ||
		    plan_skip_reach(&c->facts[i], &p->mounts[i]) || plan_skip_reach_above(c, i))
			continue;
		r = build_tree(c, i, &p->trees[p->n_trees]);
		if (r > 0)
			assign(p, p->n_trees++);
	}
	return r;
}

int plan_trees(const struct oci_spec *spec, const struct mount_facts *facts,
	       const struct facts_view *v, struct plan *p)
{
	struct tree_ctx c = {.spec = spec, .facts = facts, .v = v, .p = p};
	int r;

	p->root_path = spec->root_path;
	for (size_t i = 0; i < p->n_mounts; i++)
		p->mounts[i].tree = p->mounts[i].node = PLAN_NO_NODE;
	if (!v || !v->made_by)
		return 0; /* not looked at: nothing is mounted yet */
	if (mounttree_build(&v->table, &c.mt) < 0)
		return -ENOMEM;
	r = build_trees(&c);
	mounttree_free(&c.mt);
	return r;
}

void plan_trees_free(struct plan *p)
{
	for (size_t t = 0; p->trees && t < p->n_trees; t++)
		plan_nodes_free(&p->trees[t]);
	free(p->trees);
	p->trees = NULL;
	p->n_trees = 0;
}
