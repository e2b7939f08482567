/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Verify before attach.  The rule: a clone is attached only when the root of
 * every planned mount in it shows the container user the owner the plan
 * expects (the owner the hook read, through the planned map).
 *
 * The kernel applies an idmap exactly to the ids a filesystem reports, so
 * the rule holds wherever a filesystem reports one owner to every caller at
 * every moment.  It fails where that is not so: a FUSE or virtiofs server
 * that answers by who asks (root sees 501, others 0) or whose answers do not
 * follow the idmap, a volume whose owner changed after the hook looked.  A
 * check as root would pass on such a server and the container would still
 * see other owners; so the check asks as the container user: its host uid
 * and gid as the hook's fsuid and fsgid, with a fresh answer forced from a
 * filesystem that caches (AT_STATX_FORCE_SYNC).  With default_permissions,
 * which FUSE needs for idmapped mounts, the kernel's access checks use the
 * attributes that very statx returns, so an access check would add nothing.
 * Four credential changes (setfsgid, setfsuid, and back) cost about 10 us
 * in-process; a child that took those ids, 12 to 30 times as much.  Local
 * filesystems answer every caller alike (generic_fillattr): there the statx
 * runs as root (bench section 1, "verify").
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "fs_owner.h"
#include "plan.h"

/* Tree t's detached clone: its root and the root of every planned mount
 * inside it (a node that is a PLAN_IDMAP entry's own mount) each show the
 * owner the plan says (plan_mount.shows_*) to the plan's container user.
 * *us grows by the time it took. */
int verify_clone(const struct plan *p, const struct plan_tree *t, int clone, long long *us,
		 struct err *e);

/* The same for a layer of a stacked tree: the clone of node j (with copies
 * of the mounts below it), its root, and, when j is whole, every planned
 * mount below it. */
int verify_layer(const struct plan *p, const struct plan_tree *t, size_t j, int clone,
		 long long *us, struct err *e);
