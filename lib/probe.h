/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Can the mount holding a path be idmapped here?  Answered by doing it: a
 * private detached clone of the path, a user namespace with a map that swaps
 * its owner with another id, mount_setattr(MOUNT_ATTR_IDMAP) on the clone,
 * and the hook's check before it attaches (verify.h): that other id sees the
 * clone's root as its own.  The clone is never attached anywhere and is gone
 * when its fd is closed, so nothing changes.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "mount_types.h"

/* Returns 0 when an idmapped mount of path works, else -errno with the
 * failed step in e (prefixed with "<fstype> filesystem" when it is known).
 * ret_fstype is always written: the filesystem type, or "" when unknown.
 * *ret_composed is always written: the mount is already idmapped, so what
 * was tried is what the hook does then: its maps read (statmount), composed
 * and set on a clone with open_tree_attr (Linux 6.15). */
int probe_idmap(const char *path, char ret_fstype[static FSTYPE_MAX], bool *ret_composed,
		struct err *e);
