/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel side of composing maps (issue 10): read the id maps of a mount
 * that is already idmapped, and clone it with a new map.  The map a clone
 * gets replaces the source's and applies to on-disk ids (the kernel does not
 * compose), so the new map is idmap_compose() of the source's own.
 */
#pragma once

#include <stdbool.h>

#include "err.h"
#include "idmap.h"

/*
 * The id maps of the mount that fd (any fd, O_PATH will do) lies on, as the
 * caller's user namespace sees them (from the initial one: on-disk id A is
 * seen through the mount as B for a line "A B N"), and its mountinfo id
 * (ret_id, may be NULL).  A mount that is not idmapped gets the identity on
 * both, so composing with it is the plain swap.  Fails with -EOPNOTSUPP for
 * an idmapped mount whose maps this kernel cannot report (statmount's maps
 * need Linux 6.15), -ENOSYS without statmount(2), -ENODATA when the caller's
 * user namespace sees no line of a map, -EBADMSG when the kernel's text
 * cannot be read.  The statx of fd's mount
 * id, then mntmaps_stat(): the reader `status` uses too.
 */
int mnt_compose_read_maps(int fd, int *ret_id, struct idmap *ret_uid, struct idmap *ret_gid,
			  struct err *e);

/*
 * A detached clone of the mount at dfd/path ("" with dfd alone; with its
 * submounts when recursive) whose id map is userns_fd's, whatever map the
 * source had: open_tree_attr(2) with MOUNT_ATTR_IDMAP (Linux 6.15), the one
 * call that can idmap a clone of an idmapped mount (mount_setattr is EPERM
 * there).  Flags and propagation are left to mnt_setattr() without a
 * userns, which works on the clone.  Recursive, every mount of the tree
 * gets this one map, and one that cannot be idmapped fails the whole call.
 */
int mnt_compose_clone(int dfd, const char *path, bool recursive, int userns_fd, int *ret_fd,
		      struct err *e);
