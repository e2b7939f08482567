/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Observe, change nothing: what is mounted at each destination of config.json
 * inside the container (or, without a container, what its source is on the
 * host), and what the walk of each source path on the host saw.  Facts say
 * what was seen; plan.c decides what it means.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "mntns.h"
#include "mountinfo.h"
#include "plan.h"
#include "spec.h"

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
		    const struct plan_fs_question *q, int userns_fd, const struct err *userns_err,
		    struct kernel_facts *kf);
void facts_kernel_attach(struct kernel_facts *kf);
void facts_kernel_open_tree_attr(struct kernel_facts *kf);

/* In the container, after who made what: v->suid_reach.  -ENOMEM only. */
int facts_suid_reach(const struct oci_spec *spec, const struct mount_facts *facts,
		     struct facts_view *v);

void facts_free(struct mount_facts *facts, size_t n);
void facts_view_free(struct facts_view *v);
