/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Words about mounts that the logic and the kernel-facing code share.
 *
 * What may be asked of a mount, in the hook's own terms: config.json's
 * options become these (spec_mounts.c), and mnt.c turns them into
 * MOUNT_ATTR_* at the syscall and nowhere else.  Only restrictions: the hook
 * adds them to a clone, it never clears a flag the runtime set.
 */
#pragma once

enum mount_flag {
	MOUNT_FLAG_RDONLY = 1 << 0,
	MOUNT_FLAG_NOSUID = 1 << 1,
	MOUNT_FLAG_NODEV = 1 << 2,
	MOUNT_FLAG_NOEXEC = 1 << 3,
	MOUNT_FLAG_NOSYMFOLLOW = 1 << 4,
};

/* A filesystem type's name as the hook keeps it ("ext4", "fuse.bindfs");
 * longer names (none in Linux today) are cut. */
#define FSTYPE_MAX 32
