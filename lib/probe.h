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

/* The steps the hook's plan asks about (facts_kernel.c), each tried the way
 * the hook would take it, on nothing that is ever attached: */

/* A clone of the mount fd lies on (its root), idmapped with userns_fd.  0,
 * or -errno with the failed step in e. */
int probe_idmap_clone(int fd, int userns_fd, struct err *e);

/* A mount attached to a detached tree (Linux 6.15): two clones of the
 * mount at /, one moved onto the other's root.  *ret_can: whether that
 * worked (else e says why); -errno when the clones could not be made. */
int probe_attach_detached(bool *ret_can, struct err *e);

/* open_tree_attr(2) (6.15): called with nothing to open, it fails as a call
 * that exists would (not with ENOSYS, nor EPERM as a filter answers). */
int probe_open_tree_attr(struct err *e);
