/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Observe, change nothing: what is mounted at each destination of config.json
 * inside the container (or, without a container, what its source is on the
 * host), and what the walk of each source path on the host saw.  Facts say
 * what was seen; plan.c decides what it means.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "idmap.h"
#include "mntns.h"
#include "mountinfo.h"
#include "pathres.h"
#include "spec.h"

#define FACTS_REASON_MAX 200

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
	char maps_err[FACTS_REASON_MAX];
};

/*
 * What was observed of one mount of config.json, and nothing else: no
 * judgement (plan.c decides).  In the container (seen_in_container), the
 * mount at the destination; without a container, the source on the host.
 */
struct mount_facts {
	struct path_walk walk; /* the source path, walked on the host */
	bool seen_in_container;
	int dest_errno;			 /* looking at the destination failed ... */
	char dest_err[FACTS_REASON_MAX]; /* ... at this step (with its error) */
	bool at_mount_root;		 /* the destination is the root of a mount ... */
	size_t made_by;			 /* ... visible there, made by this entry (the last one that
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
	char maps_err[FACTS_REASON_MAX];
	char fstype[FSTYPE_MAX];     /* "" when unknown */
	struct submount_facts *subs; /* rbind: its own submounts (allocated) */
	size_t n_subs;
	/* Seen in the container and shared: attaching onto it would reach ... */
	enum facts_reach reach;
	char reach_at[FACTS_REASON_MAX]; /* ... the mount at this path (as the host or the
					   container sees it), or why it is unknown */
	int reach_group;		 /* ... through this peer group */
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
	char why[FACTS_REASON_MAX];
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

/* A question the plan asks the kernel (plan_questions): can the filesystem
 * of this mount (or of its submount) be idmapped with this map? */
struct fs_question {
	size_t mount;	/* plan.mounts index */
	size_t sub;	/* its submount (facts.subs index), or FACTS_NO_ENTRY: its own */
	dev_t dev;	/* the filesystem asked about */
	size_t mapping; /* the map to try, an index into plan.mappings */
};

/*
 * The cheap facts: one struct mount_facts per spec mount (allocated), each
 * bind mount's source walked on the host (one statx a step).  Enough for
 * plan_candidates() to tell which mounts are worth the exact view.  Fails
 * only for memory.
 */
int facts_walk(const struct oci_spec *spec, struct mount_facts **ret_facts, struct err *e);

/*
 * The exact view, of the candidates (look[i]) only: loads libmount (in the
 * hook's own mount namespace, never the container's), then, ns given,
 * enters its target namespace, reads its table, resolves every destination
 * from the first candidate on (a later entry may hide a candidate), looks
 * at each candidate's mount, comes back and keeps the view in *ret_view.
 * NULL, or a pid in the hook's own namespace: the candidates' sources on
 * the host (the host's table in the view).  When looking is impossible
 * (libmount missing, ns not opened: ns_err), each candidate's facts say why
 * and the view stays empty.  Fails only for memory or when the hook cannot
 * return to its own namespace.
 */
int facts_look(const struct oci_spec *spec, const bool *look, const struct mntns *ns,
	       const struct err *ns_err, struct mount_facts *facts, struct facts_view *ret_view,
	       struct err *e);

/* Looking at the candidates failed before it began (why): their facts say so. */
void facts_cannot_look(const struct oci_spec *spec, const bool *look, struct mount_facts *facts,
		       const struct err *why);

/*
 * Pure: who made what, from what each destination resolved to (mnt_id,
 * at_mount_root of facts seen in the container) and v->table: each fact's
 * made_by, v->made_by (allocated) and each rbind's own submounts (their maps
 * unread).  -ENOMEM only.
 */
int facts_assign(const struct oci_spec *spec, struct mount_facts *facts, struct facts_view *v);

/*
 * Pure: where attaching onto each bind destination's mount would propagate
 * (facts[i].reach), from v->table and host, the hook's own table (NULL:
 * host_err says why it could not be read).
 */
void facts_reach(const struct oci_spec *spec, struct mount_facts *facts, const struct facts_view *v,
		 const struct mount_table *host, const struct err *host_err);

/* The same in the hook's own mount namespace, whose table it reads when a
 * bind destination's mount is shared.  -ENOMEM only. */
int facts_reach_from_host(const struct oci_spec *spec, struct mount_facts *facts,
			  const struct facts_view *v);

/*
 * The plan's questions about the kernel (plan_questions), answered by trying
 * each step (facts_kernel.c), into kf.  facts_kernel_fs: can the filesystem
 * of question q's mount be idmapped, tried with userns_fd, the user
 * namespace of the map the plan gives it (< 0: it could not be made, and
 * userns_err says why); -ENOMEM only.
 */
int facts_kernel_fs(const struct oci_spec *spec, const struct mount_facts *facts,
		    const struct fs_question *q, int userns_fd, const struct err *userns_err,
		    struct kernel_facts *kf);
void facts_kernel_attach(struct kernel_facts *kf);
void facts_kernel_open_tree_attr(struct kernel_facts *kf);

/* In the container, after who made what: v->suid_reach.  -ENOMEM only. */
int facts_suid_reach(const struct oci_spec *spec, const struct mount_facts *facts,
		     struct facts_view *v);

void facts_free(struct mount_facts *facts, size_t n);
void facts_view_free(struct facts_view *v);
