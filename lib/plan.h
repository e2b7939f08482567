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
#include "hostinfo.h"
#include "idmap.h"
#include "facts.h"
#include "plan_cheap.h"
#include "plan_kernel.h"
#include "plan_types.h"
#include "spec.h"

/*
 * uid_ns/gid_ns: the container's user namespace maps (OCI containerID ->
 * hostID), or NULL when it has none.  host: the host-wide facts (overflow
 * ids, rootless).  acc: the host's accounts, read (the only input read
 * here, lazily) when a volume's gid is in question.  facts: one per spec
 * mount.  view: the container's table, who made each mount (no made_by: not
 * looked at, and no trees) and which a setuid file could run through.
 */
int plan_build(const struct oci_spec *spec, const struct idmap *uid_ns, const struct idmap *gid_ns,
	       const struct hostinfo *host, struct accounts *acc, const struct mount_facts *facts,
	       const struct facts_view *view, struct plan *ret_plan, struct err *e);

size_t plan_count(const struct plan *p, enum plan_action action);
void plan_free(struct plan *p);
