/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plan: for every mount of config.json, idmap it (with which maps) or
 * skip it (and why).  plan_build() is a function of the spec, the
 * container's user namespace maps, what was observed of each source and
 * the host's accounts (read at the first gid in question, owner.h); the
 * hook executes the plan and `plan` mode prints it: one code path.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "accounts.h"
#include "err.h"
#include "mount_types.h"
#include "hostinfo.h"
#include "idmap.h"
#include "mountinfo.h"
#include "pathres.h"
#include "spec.h"

#define PLAN_REASON_MAX 200

#define FACTS_NO_ENTRY SIZE_MAX

/* Where attaching onto a mount would propagate (peers.h), when it would. */
enum facts_reach {
	REACH_NONE = 0,	 /* nowhere: the mount is not shared, or its peers are not reached */
	REACH_HOST,	 /* a mount of the hook's own (the host's) mount namespace */
	REACH_CONTAINER, /* another mount of the container */
	REACH_UNKNOWN,	 /* could not be told (reach_at says why) */
};

/* A mount that came with an rbind source, below the mount it belongs to. */
struct submount_facts {
	const char *target; /* borrowed from the mount table the facts were read from */
	const char *rel;    /* target below the rbind's own mount point ("a/b") */
	int id;		    /* its id in that table */
	dev_t dev;	    /* its filesystem's device number */
	char fstype[FSTYPE_MAX];
	bool idmapped;
	/* Idmapped: its own maps, read (statmount, Linux 6.15) ... */
	bool maps_known;
	struct idmap uid_map, gid_map; /* on-disk id -> as seen through it */
	int maps_errno;		       /* ... or why they could not be */
	char maps_err[PLAN_REASON_MAX];
};

/*
 * What was observed of one mount of config.json, and nothing else: no
 * judgement (plan.c decides).  In the container (seen_in_container), the
 * mount at the destination; without a container, the source on the host.
 */
struct mount_facts {
	struct path_walk walk; /* the source path, walked on the host */
	bool seen_in_container;
	int dest_errno;			/* looking at the destination failed ... */
	char dest_err[PLAN_REASON_MAX]; /* ... at this step (with its error) */
	bool at_mount_root;		/* the destination is the root of a mount ... */
	size_t made_by;			/* ... visible there, made by this entry (the last one that
					   resolves to it), or FACTS_NO_ENTRY */
	uint64_t mnt_id; /* the mount seen: in the container, or the source's on the host */
	dev_t dev;	 /* ... its root */
	ino_t ino;
	uint32_t uid, gid;
	bool is_dir;
	bool already_idmapped;
	/* Already idmapped: its own maps, read (statmount, Linux 6.15) ... */
	bool maps_known;
	struct idmap src_uid_map, src_gid_map; /* on-disk id -> as seen through it */
	int maps_errno;			       /* ... or why they could not be */
	char maps_err[PLAN_REASON_MAX];
	char fstype[FSTYPE_MAX];     /* "" when unknown */
	struct submount_facts *subs; /* rbind: its own submounts (allocated) */
	size_t n_subs;
	/* Seen in the container and shared: attaching onto it would reach ... */
	enum facts_reach reach;
	char reach_at[PLAN_REASON_MAX]; /* ... the mount at this path (as the host or the
					   container sees it), or why it is unknown */
	int reach_group;		/* ... through this peer group */
};

/*
 * What the kernel did when a step was tried (facts_kernel.c), never what its
 * version suggests.  The plan asks (plan_questions) only what it needs, and
 * an answer stands for the whole run.
 */
enum kernel_answer {
	KERNEL_NOT_ASKED = 0,
	KERNEL_CAN,	/* the step worked */
	KERNEL_CANNOT,	/* the kernel refused it: why, and its errno */
	KERNEL_UNKNOWN, /* it could not be tried (the hook finds out when it acts) */
};

struct kernel_says {
	enum kernel_answer answer;
	int code;
	char why[PLAN_REASON_MAX];
};

/* Can a clone of a mount of this filesystem (superblock) be idmapped? */
struct fs_answer {
	dev_t dev;
	struct kernel_says idmap;
};

struct kernel_facts {
	struct fs_answer *fs; /* per filesystem asked about (allocated) */
	size_t n_fs;
	struct kernel_says attach_detached; /* a mount moved into a detached tree (6.15) */
	struct kernel_says open_tree_attr;  /* a clone given a map by open_tree_attr (6.15) */
};

/* What the hook keeps of what it saw: the container, and what the kernel
 * answered. */
struct facts_view {
	int root_fd;		  /* the rootfs, opened in the container's mount namespace */
	struct mount_table table; /* the container's mount table */
	size_t *made_by;	  /* per table entry: the spec mount whose visible mount is
				     its nearest ancestor-or-self, or FACTS_NO_ENTRY */
	bool stuck;		  /* could not return from the container: act no more */
	bool *suid_reach;	  /* per table entry: the container reaches it, it is not
				     nosuid and it shows part of a bind volume's filesystem
				     (facts_suid.c); NULL when not looked at */
	struct kernel_facts kernel;
};

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

/*
 * uid_ns/gid_ns: the container's user namespace maps (OCI containerID ->
 * hostID), or NULL when it has none.  host: the host-wide facts (overflow
 * ids, rootless).  acc: the host's accounts, read (the only input read
 * here, lazily) when a volume's gid is in question.  facts: one per spec
 * mount.  view: the container's table, who made each mount (no made_by: not
 * looked at, and no trees) and which a setuid file could run through.
 */
int plan_build(const struct oci_spec *spec, const struct id_map *uid_ns,
	       const struct id_map *gid_ns, const struct hostinfo *host, struct accounts *acc,
	       const struct mount_facts *facts, const struct facts_view *view,
	       struct plan *ret_plan, struct err *e);

/* What the plan needs the kernel to answer before it is final (plan_kernel.c):
 * whether the filesystems of the mounts it idmaps can be idmapped, each tried
 * with a clone of a mount the plan idmaps (the mount's own source, or a
 * submount below it), with the map it gets; whether the kernel can attach a
 * mount to a detached tree; whether it has open_tree_attr. */
struct plan_fs_question {
	size_t mount;	/* plan.mounts index */
	size_t sub;	/* its submount (facts.subs index), or PLAN_NO_NODE: its own */
	dev_t dev;	/* the filesystem asked about */
	size_t mapping; /* the map to try, an index into plan.mappings */
};

struct plan_questions {
	struct plan_fs_question *fs;
	size_t n_fs;
	bool attach_detached, open_tree_attr;
};

int plan_questions(const struct mount_facts *facts, const struct facts_view *view,
		   const struct plan *p, struct plan_questions *ret_q);
bool plan_questions_any(const struct plan_questions *q);
void plan_questions_free(struct plan_questions *q);

/* Judge the plan again with what the kernel answered (view->kernel): a mount
 * it cannot do falls back, and the trees are built again.  -ENOMEM only. */
int plan_kernel(const struct oci_spec *spec, const struct mount_facts *facts,
		const struct facts_view *view, struct plan *p);

/*
 * Cheap facts first (plan_cheap.c): the mounts plan_build() could idmap as
 * far as config.json, the host and each source's walk tell (facts from
 * facts_walk()).  ret_look: one per spec mount, true for a candidate.
 * Returns how many there are; with none, the plan needs no other fact.
 */
size_t plan_candidates(const struct oci_spec *spec, const struct id_map *uid_ns,
		       const struct id_map *gid_ns, const struct hostinfo *host,
		       const struct mount_facts *facts, bool *ret_look);

/* Why the hook leaves mount m alone whatever the ids and whatever is
 * mounted (not a bind mount, an annotation, config.json's own idmap), or
 * NULL (plan_cheap.c). */
const char *plan_left_alone(const struct oci_spec *spec, const struct spec_mount *m);

/* Turn an idmap entry into a skip, e.g. when the kernel refused it. */
void plan_fall_back(struct plan_mount *pm, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

size_t plan_count(const struct plan *p, enum plan_action action);
void plan_free(struct plan *p);
