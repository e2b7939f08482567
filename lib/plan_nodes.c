/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One tree of the plan: every mount of the container's table at or below a
 * volume's mount, in pre-order, each with its role, the flags it ends with
 * and its propagation (the rules are stated in plan_tree.c), and whether it
 * can be cloned with everything below it at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "mounttree.h"
#include "plan_nodes.h"

/* Is table entry k the mount entry i made (its visible mount)? */
bool plan_is_entry_mount(const struct tree_ctx *c, size_t k, size_t i)
{
	return i != FACTS_NO_ENTRY && (uint64_t)c->v->table.entries[k].id == c->facts[i].mnt_id;
}

/* --- one node ------------------------------------------------------------- */

/* The map of table entry k, below planned rbind mount i: an idmapped
 * submount's own composed one, else the tree's swap. */
static void sub_role(const struct plan_mount *pm, int id, struct plan_node *n)
{
	n->mapping = pm->sub_mapping;
	for (size_t j = 0; j < pm->n_subs; j++)
		if (pm->subs[j].facts->id == id) {
			n->mapping = pm->subs[j].mapping;
			n->composed = true;
		}
}

/* The atime a mount(2) call with these atime options gives (mount_types.h). */
static unsigned int remount_atime(unsigned int named)
{
	unsigned int mode;

	if (!named)
		return MOUNT_ATIME_KEEP;
	mode = named & MOUNT_ATIME_NAMED_STRICTATIME ? MOUNT_ATIME_STRICTATIME
	       : named & MOUNT_ATIME_NAMED_NOATIME   ? MOUNT_ATIME_NOATIME
						     : MOUNT_ATIME_RELATIME;
	return mode | (named & MOUNT_ATIME_NAMED_NODIRATIME ? MOUNT_ATIME_NODIRATIME : 0);
}

/* Role and flags of table entry k (made by or below entry n->entry). */
static void node_gets(const struct tree_ctx *c, size_t k, struct plan_node *n)
{
	const struct mount_entry *me = &c->v->table.entries[k];
	const struct spec_mount *m = &c->spec->mounts[n->entry];
	const struct plan_mount *pm = &c->p->mounts[n->entry];
	unsigned int add = 0;

	n->entry_mount = plan_is_entry_mount(c, k, n->entry);
	/* The remount a runtime may do after the hooks (crun): an entry that
	 * names ro gets every restriction its options name, whatever option
	 * follows (crun counts "ro,rw" as ro, a recursive option for the
	 * mount itself too), and the atime they name.  Everything else the
	 * runtimes set before. */
	if (n->entry_mount && (m->named & MOUNT_FLAG_RDONLY)) {
		add = m->named & MOUNT_FLAGS_DEFERRED;
		n->atime = remount_atime(m->atime_named);
	}
	if (pm->action == PLAN_IDMAP && n->entry_mount) {
		n->role = PLAN_ROLE_IDMAP;
		n->mapping = pm->mapping;
		n->composed = pm->composed;
	} else if (pm->action == PLAN_IDMAP && m->is_recursive) {
		n->role = PLAN_ROLE_IDMAP;
		sub_role(pm, me->id, n);
	}
	n->flags = me->flags;
	n->propagation = mountinfo_prop(me);
	/* nosuid on every remapped mount: setuid, setgid and file capabilities
	 * are not honoured through a swapped owner.  A mount to remap left as
	 * its copy on a stacked tree (its layer failed) gets add too
	 * (remount_stack.c): the setuid rule (plan_suid.c) counted on every
	 * mount of the tree ending with it, and leaving one alone must never
	 * loosen another. */
	if (n->role == PLAN_ROLE_IDMAP)
		add |= MOUNT_FLAG_NOSUID;
	n->add = add & ~me->flags;
}

/* Where a mount of the container's table shows in the container. */
static char *container_path(const struct tree_ctx *c, const char *target)
{
	const char *rel;
	char *path;

	if (mounttree_in_root(c->spec->root_path, target, &rel) < 0)
		return strdup(target);
	return asprintf(&path, "/%s", rel) < 0 ? NULL : path;
}

/* --- the tree ------------------------------------------------------------- */

/* A table entry on the way down, and its parent's node and table entry. */
struct visit {
	size_t k, parent, parent_k;
};

struct walk {
	struct visit *stack;
	size_t n, cap;
	size_t *parent; /* per node: its parent node */
	size_t cap_nodes;
};

static void walk_free(struct walk *w)
{
	free(w->stack);
	free(w->parent);
}

static int compare_ids(const void *a, const void *b, void *table)
{
	const struct mount_table *t = table;
	int x = t->entries[*(const size_t *)a].id, y = t->entries[*(const size_t *)b].id;

	return (x > y) - (x < y);
}

/* Push k's children (node) so that the lowest id comes off first: the order
 * the runtime mounted them in, unless it reused the id of a mount it had
 * taken away.  Only siblings that hide one another care (the hidden one
 * must be placed first, as the runtime did), and a wrong order fails safe:
 * the hidden one's place is not found, and the volume falls back. */
static int push_children(struct tree_ctx *c, size_t k, size_t node, struct walk *w)
{
	size_t first, end, nc;

	mounttree_children(&c->mt, k, &first, &end);
	nc = end - first;
	if (w->n + nc > w->cap) {
		size_t cap = 2 * (w->n + nc);
		struct visit *s = reallocarray(w->stack, cap, sizeof(*s));

		if (!s)
			return -ENOMEM;
		w->stack = s;
		w->cap = cap;
	}
	/* Children share a parent id: sorting them keeps by_parent sorted. */
	qsort_r(c->mt.by_parent + first, nc, sizeof(size_t), compare_ids, (void *)c->mt.table);
	for (size_t j = 0; j < nc; j++)
		w->stack[w->n++] = (struct visit){c->mt.by_parent[end - 1 - j], node, k};
	return 0;
}

/* The node of the table entry at the stack's top. */
static int make_node(struct tree_ctx *c, struct plan_tree *t, const struct visit *at)
{
	const struct mount_table *tb = &c->v->table;
	struct plan_node *n = &t->nodes[t->n];
	const char *target = tb->entries[at->k].target;

	*n = (struct plan_node){
	    .id = tb->entries[at->k].id, .size = 1, .entry = c->v->made_by[at->k]};
	if (at->parent == PLAN_NO_NODE)
		n->rel = "";
	else if (mounttree_relative(tb->entries[at->parent_k].target, target, &n->rel) < 0)
		n->rel = NULL; /* not below its parent's mount point: cannot be placed */
	n->path = container_path(c, target);
	if (!n->path)
		return -ENOMEM;
	node_gets(c, at->k, n);
	t->n++;
	return 0;
}

/* Room for one more node (the arrays double: linear for thousands). */
static int grow_nodes(struct plan_tree *t, struct walk *w)
{
	size_t cap = w->cap_nodes ? 2 * w->cap_nodes : 4;
	struct plan_node *nodes;
	size_t *parent;

	if (t->n < w->cap_nodes)
		return 0;
	if (!(nodes = reallocarray(t->nodes, cap, sizeof(*nodes))))
		return -ENOMEM;
	t->nodes = nodes;
	if (!(parent = reallocarray(w->parent, cap, sizeof(*parent))))
		return -ENOMEM;
	w->parent = parent;
	w->cap_nodes = cap;
	return 0;
}

/* Every table entry at or below k, pre-order, each subtree's size. */
static int collect(struct tree_ctx *c, struct plan_tree *t, size_t k, struct walk *w)
{
	size_t n_max = c->v->table.n;
	int r = 0;

	w->cap = 16;
	w->stack = calloc(w->cap, sizeof(*w->stack));
	if (!w->stack)
		return -ENOMEM;
	w->stack[w->n++] = (struct visit){k, PLAN_NO_NODE, MOUNTTREE_NONE};
	/* A table is a tree: no entry is visited twice, at most n_max nodes. */
	while (w->n > 0 && t->n < n_max && r >= 0) {
		struct visit at = w->stack[--w->n];

		r = grow_nodes(t, w);
		if (r < 0)
			break;
		w->parent[t->n] = at.parent;
		r = make_node(c, t, &at);
		if (r >= 0)
			r = push_children(c, at.k, t->n - 1, w);
	}
	for (size_t j = t->n; r >= 0 && j-- > 1;)
		t->nodes[w->parent[j]].size += t->nodes[j].size;
	return r;
}

/* Does node d want the same map as node n, so that one clone serves both? */
static bool is_alike(const struct plan_node *n, const struct plan_node *d)
{
	return d->role == n->role && !d->composed &&
	       (n->role == PLAN_ROLE_KEEP || d->mapping == n->mapping);
}

/* What the mounts below a node have in common. */
struct below {
	unsigned int any_add;	/* flags added to one of them at least */
	unsigned int all_final; /* flags all of them end with */
	bool alike;		/* all want the node's map */
	bool all_shared;	/* all are shared */
};

/* whole: every mount below n is alike (and keeps its atime), and a recursive mount_setattr of
 * everything added below (add_tree) gives each of them, and n, nothing it
 * is not to end with; n's own extra flags are then set on n alone.  A
 * composed map is for its mount alone (open_tree_attr gives a whole tree
 * one map).  And when the tree's top is shared: every mount below is
 * shared too.  The kernel makes every mount of a tree attached onto a
 * shared mount shared; one the runtime made otherwise gets its own type
 * back after the attach, through its own clone (remount.c), so it must be
 * a clone of its own.  Children before parents: in reverse pre-order. */
static int mark_whole(struct plan_tree *t)
{
	_cleanup_free_ struct below *b = calloc_array(t->n, sizeof(*b));

	if (!b)
		return -ENOMEM;
	for (size_t j = t->n; j-- > 0;) {
		struct plan_node *n = &t->nodes[j];

		b[j] = (struct below){.all_final = ~0u, .alike = true, .all_shared = true};
		for (size_t d = j + 1; d < j + n->size; d += t->nodes[d].size) {
			const struct plan_node *c = &t->nodes[d];

			b[j].any_add |= c->add | b[d].any_add;
			b[j].all_final &= (c->flags | c->add) & b[d].all_final;
			b[j].alike = b[j].alike && is_alike(n, c) && b[d].alike &&
				     c->atime == MOUNT_ATIME_KEEP;
			b[j].all_shared = b[j].all_shared && (c->propagation & MOUNT_PROP_SHARED) &&
					  b[d].all_shared;
		}
		n->whole = n->size == 1 ||
			   (!n->composed && b[j].alike && (b[j].any_add & ~b[j].all_final) == 0 &&
			    (b[j].any_add & ~(n->flags | n->add)) == 0 &&
			    (b[j].all_shared || !(t->nodes[0].propagation & MOUNT_PROP_SHARED)));
		n->add_tree = n->whole ? b[j].any_add : 0;
	}
	return 0;
}

/* A node that is assembled (not whole) has each mount below it placed at
 * its mount point inside it: one stacked on another's root cannot be. */
const struct plan_node *plan_nodes_unplaceable(const struct plan_tree *t)
{
	for (size_t j = 0; j < t->n; j++) {
		const struct plan_node *n = &t->nodes[j];

		if (n->whole)
			continue;
		for (size_t d = j + 1; d < j + n->size; d += t->nodes[d].size)
			if (!t->nodes[d].rel || !*t->nodes[d].rel)
				return &t->nodes[d];
	}
	return NULL;
}

/* In a stacked tree (plan_tree.c), a node that is not whole is cloned with
 * copies of the runtime's mounts below it, and each mount below that is to
 * be idmapped is a layer of its own, cloned from the runtime's mount and
 * stacked on its copy.  What cannot be done so: a composed map on a node
 * that is not whole (open_tree_attr gives a clone one map for all of it);
 * a layer stacked on the copy of a shared mount (the copy is a member of
 * its peer group: the attach would propagate to the others); an
 * unbindable mount below the top (a clone of the mounts above it leaves
 * it out). */
const struct plan_node *plan_nodes_unstackable(const struct plan_tree *t,
					       enum plan_unstackable *ret_why)
{
	for (size_t d = 1; d < t->n; d++)
		if (t->nodes[d].propagation & MOUNT_PROP_UNBINDABLE) {
			*ret_why = UNSTACKABLE_UNBINDABLE;
			return &t->nodes[d];
		}
	for (size_t d = 0; d < t->n;) {
		const struct plan_node *n = &t->nodes[d];

		if (d > 0 && n->role != PLAN_ROLE_IDMAP) { /* a copy in its layer */
			d++;
			continue;
		}
		*ret_why = n->composed && !n->whole			   ? UNSTACKABLE_COMPOSED
			   : d > 0 && (n->propagation & MOUNT_PROP_SHARED) ? UNSTACKABLE_SHARED
									   : UNSTACKABLE_NONE;
		if (*ret_why != UNSTACKABLE_NONE)
			return n;
		d += n->whole ? n->size : 1;
	}
	return NULL;
}

void plan_nodes_free(struct plan_tree *t)
{
	for (size_t j = 0; t->nodes && j < t->n; j++)
		free(t->nodes[j].path);
	free(t->nodes);
	*t = (struct plan_tree){0};
}

int plan_nodes_collect(struct tree_ctx *c, size_t k, struct plan_tree *t)
{
	_cleanup_(walk_free) struct walk w = {0};
	int r;

	r = collect(c, t, k, &w);
	return r < 0 ? r : mark_whole(t);
}
