/* SPDX-License-Identifier: Apache-2.0 */
/* A user namespace fd carrying a pair of id maps, for MOUNT_ATTR_IDMAP. */
#pragma once

#include "err.h"
#include "idmap.h"

/* Create a user namespace with these maps and return an fd to it.  The
 * short-lived child that holds it while the maps are written shares the
 * hook's memory (CLONE_VM: no page tables copied, no copy-on-write faults
 * afterwards) and is killed and reaped before this returns, on every path. */
int userns_open(const struct idmap *uid_map, const struct idmap *gid_map, int *ret_fd,
		struct err *e);
