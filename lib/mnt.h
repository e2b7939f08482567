/* SPDX-License-Identifier: Apache-2.0 */
/* Detached mount clones: make, idmap, attach, detach.  Thin, named wrappers. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "spec.h"

/* A detached clone of the mount at dfd/path ("" with dfd alone). */
int mnt_clone(int dfd, const char *path, bool recursive, int *ret_fd, struct err *e);

/* Set the mount's flags (enum mount_flag: ro, nosuid, ...), its propagation (DEFAULT
 * means slave, as the runtimes make container mounts; KEEP leaves it) and,
 * when userns_fd >= 0, its id mapping. */
#define MNT_PROPAGATION_KEEP (-1)
int mnt_setattr(int clone_fd, bool recursive, unsigned int flags, int propagation, int userns_fd,
		struct err *e);

/* Attach the clone on top of whatever is mounted at target_fd. */
int mnt_attach(int clone_fd, int target_fd, struct err *e);
