/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Can the mount holding a path be idmapped here?  Answered by doing it: a
 * private detached clone of the path, a user namespace with a swap map,
 * mount_setattr(MOUNT_ATTR_IDMAP) on the clone.  The clone is never
 * attached anywhere and is gone when its fd is closed, so nothing changes.
 */
#pragma once

#include <stddef.h>

#include "err.h"
#include "mount_types.h"

/* Returns 0 when an idmapped mount of path works, else -errno with the
 * failed step in e (prefixed with "<fstype> filesystem" when it is known).
 * ret_fstype is always written: the filesystem type, or "" when unknown. */
int probe_idmap(const char *path, char ret_fstype[static FSTYPE_MAX], struct err *e);
