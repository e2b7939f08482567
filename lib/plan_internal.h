/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by plan.c, plan_cheap.c, plan_maps.c and plan_owner.c only. */
#pragma once

#include "mounttree.h"
#include "owner.h"
#include "plan.h"

/* On-disk h (as the source shows it) is seen as t. */
struct id_pair {
	uint32_t h, t;
};

/* The mappings of the tree of mount i, built before any goes into the plan:
 * swap, owner_swap()'s decision, then the maps of what the source shows
 * (plan_skip_maps); uid and gid, the pairs they send. */
struct tree_maps {
	struct plan_mapping top, swap;
	struct id_pair uid, gid;
	struct plan_mapping *subs; /* per idmapped submount */
	size_t n_subs;
};

void plan_tree_maps_free(struct tree_maps *t);

/* A fact's maps_errno, 0 taken as "not reported" (EOPNOTSUPP). */
int plan_maps_errno(int maps_errno);

/* Why an idmapped mount's maps are unknown, after "whose maps": the kernel
 * version needed for what an older kernel answers (ENOSYS, EINVAL,
 * EOPNOTSUPP), else that they could not be read (the fact's own words then
 * say what failed, with its errno's text). */
const char *plan_unknown_maps_words(int code);

void plan_mapping_free(struct plan_mapping *m);

/* Find or add the mapping pair, moved into the plan (*m is empty after);
 * its index in *ret_k.  -ENOMEM leaves *m as it was. */
int plan_add_mapping(struct plan *p, struct plan_mapping *m, size_t *ret_k);

/* A path of the container's mount namespace as the container sees it
 * (path itself when it is not below the rootfs). */
const char *plan_in_rootfs(const struct oci_spec *spec, const char *path);

/* Drop the mappings no idmapped mount uses (after a mount was left),
 * renumbering the rest.  -ENOMEM only. */
int plan_drop_unused_mappings(struct plan *p);

/* A submount's path as the container sees it (in buf, or a part of its target). */
const char *plan_sub_path(const struct oci_spec *spec, const struct spec_mount *m,
			  const struct submount_facts *sub, char buf[static PLAN_REASON_MAX]);

/* The maps of mount i's tree, from the swap in ret_t->swap (owner_swap's):
 * first the maps of what the source shows (the swap; under a user
 * namespace, the owner-only maps, owner.h), then the top those (composed
 * with its own maps when the source is idmapped), each idmapped submount
 * those composed with its own, every other submount those.  Skips (a
 * fallback, the reason in pm) when any cannot be made or composed or its
 * maps are unknown. */
bool plan_skip_maps(const struct oci_spec *spec, const struct plan *p, const struct owner_rules *o,
		    const struct mount_facts *f, struct plan_mount *pm, struct tree_maps *ret_t);

/* Move the tree's maps into the plan's mappings (t is left empty). */
int plan_take_maps(const struct oci_spec *spec, struct plan *p, const struct mount_facts *f,
		   struct plan_mount *pm, struct tree_maps *t);

/* What building the trees looks at (plan_tree.c, plan_nodes.c). */
struct tree_ctx {
	const struct oci_spec *spec;
	const struct mount_facts *facts;
	const struct facts_view *v;
	struct mount_tree mt;
	struct plan *p;
};

/* Is table entry k the mount entry i made (its visible mount)? */
bool plan_is_entry_mount(const struct tree_ctx *c, size_t k, size_t i);

/* The nodes of the tree whose top is table entry k, into t (allocated). */
int plan_nodes_collect(struct tree_ctx *c, size_t k, struct plan_tree *t);

/* A node below an assembled one that cannot be placed on it (stacked on
 * another mount's root), or NULL. */
const struct plan_node *plan_nodes_unplaceable(const struct plan_tree *t);

/* Why a node of a stacked tree cannot be done so (plan_nodes_unstackable). */
enum plan_unstackable {
	UNSTACKABLE_NONE = 0,
	UNSTACKABLE_COMPOSED,	/* a composed map on a node that is not whole */
	UNSTACKABLE_SHARED,	/* a layer that would be stacked on a shared copy */
	UNSTACKABLE_UNBINDABLE, /* an unbindable mount below the top */
};

/* A node of stacked tree t that cannot be done so, and why; or NULL. */
const struct plan_node *plan_nodes_unstackable(const struct plan_tree *t,
					       enum plan_unstackable *ret_why);

void plan_nodes_free(struct plan_tree *t);

/* The trees of the outermost planned volumes (plan_tree.c), after every
 * mount's action is decided; a volume that cannot be done falls back. */
int plan_trees(const struct oci_spec *spec, const struct mount_facts *facts,
	       const struct facts_view *v, struct plan *p);
void plan_trees_free(struct plan *p);

/* The trees, held to the owner rule's setuid part (owner.h, plan_suid.c):
 * built, then each volume the container could run a setuid file of through
 * another mount (v->suid_reach) is left, and the trees are built again,
 * until none is.  -ENOMEM only. */
int plan_trees_owned(const struct oci_spec *spec, const struct mount_facts *facts,
		     const struct facts_view *v, struct plan *p);
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

/* The container user as the host sees it, into p. */
void plan_host_ids(struct plan *p, const struct idmap *uid_ns, const struct idmap *gid_ns);

/* The cheap rules (plan_cheap.c), first for every mount: rootless, policy
 * from config.json alone, the source's walk and the owner it found. */
bool plan_skip_cheap(const struct oci_spec *spec, const struct plan *p, const struct owner_rules *o,
		     const struct hostinfo *host, const struct mount_facts *f,
		     struct plan_mount *pm);
