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
 * One struct mount_facts per spec mount (allocated).  ns: look inside its
 * target mount namespace (entered and left here) and keep the view; NULL, or
 * a pid in the hook's own namespace: the sources on the host only (the view
 * stays empty); not opened (target < 0): ns_err says why for each mount.
 * Fails only for memory or when the hook cannot return to its own namespace.
 */
int facts_collect(const struct oci_spec *spec, const struct mntns *ns, const struct err *ns_err,
		  struct mount_facts **ret_facts, struct facts_view *ret_view, struct err *e);

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

/* In the container, after who made what: v->suid_reach.  -ENOMEM only. */
int facts_suid_reach(const struct oci_spec *spec, const struct mount_facts *facts,
		     struct facts_view *v);

void facts_free(struct mount_facts *facts, size_t n);
void facts_view_free(struct facts_view *v);
