/* SPDX-License-Identifier: Apache-2.0 */
/* Detached mount clones: make, idmap, attach, detach.  Thin, named wrappers. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "mount_types.h"

/* A detached clone of the mount at dfd/path ("" with dfd alone). */
int mnt_clone(int dfd, const char *path, bool recursive, int *ret_fd, struct err *e);

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

/* Attach the clone on top of whatever is mounted at target_fd. */
int mnt_attach(int clone_fd, int target_fd, struct err *e);
