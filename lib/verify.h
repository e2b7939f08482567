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
#include "plan.h"

/* Does fd (a mount's root) show want_uid:want_gid to a caller whose fsuid and
 * fsgid are as_uid and as_gid?  0, or -errno with the reason in e.  Asked
 * with those ids unless the filesystem (fstype, "" or NULL when unknown)
 * answers every caller alike; the hook's own fsuid and fsgid are back as
 * they were on return. */
int verify_owner(int fd, uint32_t as_uid, uint32_t as_gid, uint32_t want_uid, uint32_t want_gid,
		 const char *fstype, struct err *e);

/* Tree t's detached clone: its root and the root of every planned mount
 * inside it (a node that is a PLAN_IDMAP entry's own mount) each show the
 * owner the plan says (plan_mount.shows_*) to the plan's container user.
 * *us grows by the time it took. */
int verify_clone(const struct plan *p, const struct plan_tree *t, int clone, long long *us,
		 struct err *e);
