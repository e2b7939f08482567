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

/* The flags a runtime may set on a mount after the createRuntime hooks: crun
 * makes a mount read-only only then, on the mount it made, and with it sets
 * that mount's nosuid, nodev and noexec (crun 1.8 and later; nosymfollow it
 * never defers, runc defers nothing). */
#define MOUNT_FLAGS_DEFERRED                                                                       \
	(MOUNT_FLAG_RDONLY | MOUNT_FLAG_NOSUID | MOUNT_FLAG_NODEV | MOUNT_FLAG_NOEXEC)

/* A mount's propagation type, as mountinfo shows it (none: private). */
enum mount_prop {
	MOUNT_PROP_SHARED = 1 << 0,	/* shared:N, a member of peer group N */
	MOUNT_PROP_SLAVE = 1 << 1,	/* master:N, receives from peer group N */
	MOUNT_PROP_UNBINDABLE = 1 << 2, /* unbindable */
};

/* A filesystem type's name as the hook keeps it ("ext4", "fuse.bindfs");
 * longer names (none in Linux today) are cut. */
#define FSTYPE_MAX 32
