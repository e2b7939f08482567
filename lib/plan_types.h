/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plan's data (plan.h builds it): per mount, idmap with which maps or
 * skip and why, and the trees of the volumes to idmap; and the one step
 * every part of the plan takes, a fall back with its reason.  The lowest
 * header of the plan: its parts (plan_cheap, plan_owner, plan_maps,
 * plan_nodes, plan_tree, plan_suid, plan_kernel) include it, never plan.h.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "facts.h"
#include "idmap.h"
#include "mount_types.h"
#include "spec.h"

#define PLAN_REASON_MAX 200

enum plan_action { PLAN_SKIP = 0, PLAN_IDMAP };

/* One distinct pair of maps; mounts that share it share a user namespace.
 * A map longer than a swap owns memory (struct idmap): the plan frees what it
 * holds, and a pair built but not added must be freed by whoever built it. */
struct plan_mapping {
	struct idmap uid_map, gid_map;
};

/* An idmapped submount of an rbind tree: its own maps, the swap composed
 * with its own idmap (the clone of it gets them through open_tree_attr). */
struct plan_sub {
	const struct submount_facts *facts; /* borrowed from the facts */
	size_t mapping;			    /* index into plan.mappings */
	char path[PLAN_REASON_MAX];	    /* where the container sees it */
};

/* What one mount of a planned volume's tree gets. */
enum plan_role {
	PLAN_ROLE_KEEP = 0, /* kept as the runtime made it (flags may be added) */
	PLAN_ROLE_IDMAP,    /* idmapped, with plan.mappings[mapping] */
};

#define PLAN_NO_NODE SIZE_MAX

/*
 * One mount of a volume's tree: every entry of the container's table at or
 * below the volume's mount.  What it ends with once the runtime has
 * finished: its own flags at hook time plus add, never fewer, the atime a
 * runtime's remount after the hooks gives it, and its propagation type as
 * the runtime left it.
 */
struct plan_node {
	int id;		  /* the runtime's mount: its id in the container's table */
	const char *rel;  /* its mount point below its parent node's ("" for the top;
			     borrowed from the container's table) */
	char *path;	  /* where the container sees it (allocated) */
	size_t size;	  /* nodes in its subtree, itself included (pre-order) */
	size_t entry;	  /* the config.json entry whose mount it is or lies in */
	bool entry_mount; /* it is that entry's own mount */
	enum plan_role role;
	size_t mapping;		  /* PLAN_ROLE_IDMAP: index into plan.mappings */
	bool composed;		  /* ... a map that replaces its own (an idmapped mount) */
	unsigned int flags;	  /* enum mount_flag: its own when the hook runs */
	unsigned int add;	  /* ... and what the hook adds: final is flags | add */
	unsigned int atime;	  /* enum mount_atime: the atime the hook sets, or KEEP */
	unsigned int propagation; /* enum mount_prop: the runtime's, which it keeps */
	bool whole;		  /* cloned with its whole subtree at once (every mount
				     below wants the same map); else, in an assembled
				     tree, alone, and each mount below placed on it
				     (Linux 6.15); in a stacked one, with copies of the
				     runtime's mounts below it, attached, and each of
				     them given what it is to end with in place */
	unsigned int add_tree;	  /* whole: flags set on every mount of the subtree at
				     once (each ends with what it is to end with) */
};

/* The tree of an outermost planned volume: what one clone and one attach do. */
struct plan_tree {
	size_t mount; /* its top: index into plan.mounts */
	/* The mount that was looked at, checked again before acting. */
	uint64_t mnt_id;
	dev_t dev;
	ino_t ino;
	struct plan_node *nodes; /* pre-order, the top first; a node's children in
				    the order the runtime mounted them */
	size_t n;
	/* Its nodes that are not whole are stacked on the attached tree, where the
	 * kernel cannot attach a mount to a detached tree (plan_kernel.c). */
	bool stacked;
};

struct plan_mount {
	const struct spec_mount *mount;
	enum plan_action action;
	char reason[PLAN_REASON_MAX]; /* why skipped, or a note on an idmap */
	/* Skipped because the mount was to be idmapped and the kernel or the
	 * filesystem cannot: a mismatched volume left as it was (a warning). */
	bool fallback;
	bool has_owner;
	uint32_t owner_uid, owner_gid;
	bool gid_left; /* an idmap that leaves the owner's gid as it is (owner.h) */
	/* PLAN_IDMAP: the owner its clone must show the container user before it
	 * is attached (verify.h): the owner read, through the planned maps (an
	 * idmapped source's own undone first); !shows_known when the maps do not
	 * cover it.  fstype: its filesystem, which says how to ask. */
	bool shows_known;
	uint32_t shows_uid, shows_gid;
	char fstype[FSTYPE_MAX];
	size_t mapping; /* index into plan.mappings when action is PLAN_IDMAP */
	int failed;	/* a skip that is a failure, not a decision: -errno */
	/* The source is idmapped: its maps are composed with the swap, and the
	 * clone gets them through open_tree_attr (Linux 6.15). */
	bool composed;
	/* An rbind: the mapping of its plain submounts (the swap, = mapping
	 * unless composed), and each idmapped submount's own (allocated). */
	size_t sub_mapping;
	struct plan_sub *subs;
	size_t n_subs;
	/* In the container: the tree that holds it (index into plan.trees, its
	 * own or an outer volume's) and its node there, or PLAN_NO_NODE. */
	size_t tree, node;
};

struct plan {
	uint32_t uid, gid;	     /* the container user, in the container */
	uint32_t host_uid, host_gid; /* the same user as the host sees it */
	bool has_host_ids;	     /* false: the user has no host id */
	bool has_userns;
	struct plan_mount *mounts; /* one per spec mount, same order */
	size_t n_mounts;
	struct plan_mapping *mappings;
	size_t n_mappings, cap_mappings;
	const char *root_path;	 /* the rootfs, in the container's mount namespace */
	struct plan_tree *trees; /* one per outermost planned volume, in config.json's order */
	size_t n_trees;
};

/* Is pm a mount the hook was to remap and will not: a failure to look, or,
 * with strict, a mount to idmap that the kernel cannot idmap?  Such a mount
 * fails the start (strict) or is logged as a fallback. */
bool plan_mount_fails(const struct plan_mount *pm, bool strict);

/* Turn an idmap entry into a skip, e.g. when the kernel refused it. */
void plan_fall_back(struct plan_mount *pm, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
