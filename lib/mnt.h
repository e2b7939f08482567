/* SPDX-License-Identifier: Apache-2.0 */
/* Detached mount clones: make, idmap, attach, detach.  Thin, named wrappers. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "mount_types.h"

/* A detached clone of the mount at dfd/path ("" with dfd alone). */
int mnt_clone(int dfd, const char *path, bool recursive, int *ret_fd, struct err *e);

/*
 * A detached clone of the mount at dfd/path whose id map is userns_fd's,
 * whatever map the source had: open_tree_attr(2) with MOUNT_ATTR_IDMAP
 * (Linux 6.15), the one call that can idmap a clone of an idmapped mount
 * (mount_setattr is EPERM there).  The map the clone gets replaces the
 * source's and applies to on-disk ids (the kernel does not compose), so a
 * map for it is idmap_compose()d with the source's own (mntmaps_of_fd()).
 * Flags and propagation are left to mnt_setattr() without a userns, which
 * works on the clone.  Recursive, every mount of the tree gets this one
 * map, and one that cannot be idmapped fails the whole call.
 */
int mnt_clone_idmapped(int dfd, const char *path, bool recursive, int userns_fd, int *ret_fd,
		       struct err *e);

/* The propagation a clone may be given.  Shared only as a peer group of
 * its own: a clone assembled from parts first receives and never sends
 * (slave), then gets back the runtime's type. */
enum mnt_propagation {
	MNT_PROPAGATION_KEEP = 0, /* as cloned: the peer group and master of the source */
	MNT_PROPAGATION_PRIVATE,
	MNT_PROPAGATION_SLAVE,
	MNT_PROPAGATION_SHARED,
	MNT_PROPAGATION_UNBINDABLE,
};

/* Add flags (enum mount_flag: ro, nosuid, ...), set the propagation and, when
 * userns_fd >= 0, the id mapping. */
int mnt_setattr(int clone_fd, bool recursive, unsigned int flags, enum mnt_propagation propagation,
		int userns_fd, struct err *e);

/* Give the clone alone an atime (enum mount_atime) as a remount naming it
 * would: its mode, and nodiratime only if named.  KEEP: nothing. */
int mnt_set_atime(int clone_fd, unsigned int atime, struct err *e);

/* Attach the clone on top of whatever is mounted at target_fd. */
int mnt_attach(int clone_fd, int target_fd, struct err *e);

/* Take away a clone the hook attached (fd: its root), with whatever is on
 * it: what it covered shows again.  Never for a mount the hook did not make. */
int mnt_detach(int clone_fd, struct err *e);
