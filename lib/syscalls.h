/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The new mount API and openat2, as raw syscalls under our own names.
 * Only <sys/mount.h> is included (it clashes with <linux/mount.h>); the
 * constants we need are defined here when the headers lack them, and a
 * syscall number the headers do not know compiles to ENOSYS.
 */
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif
#ifndef MOUNT_ATTR_NOSUID
#define MOUNT_ATTR_NOSUID 0x00000002
#endif
#ifndef MOUNT_ATTR_NODEV
#define MOUNT_ATTR_NODEV 0x00000004
#endif
#ifndef MOUNT_ATTR_NOEXEC
#define MOUNT_ATTR_NOEXEC 0x00000008
#endif
#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif
#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif
#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif
#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000
#endif
#ifndef RESOLVE_NO_MAGICLINKS
#define RESOLVE_NO_MAGICLINKS 0x02
#endif
#ifndef RESOLVE_IN_ROOT
#define RESOLVE_IN_ROOT 0x10
#endif

/* Our own copy of the kernel's struct mount_attr (MOUNT_ATTR_SIZE_VER0). */
struct sys_mount_attr {
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t propagation;
	uint64_t userns_fd;
};

struct sys_open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};

static inline int sys_open_tree(int dfd, const char *path, unsigned int flags)
{
#ifdef SYS_open_tree
	return (int)syscall(SYS_open_tree, dfd, path, flags);
#else
	errno = ENOSYS;
	return -1;
#endif
}

static inline int sys_mount_setattr(int dfd, const char *path, unsigned int flags,
				    struct sys_mount_attr *attr)
{
#ifdef SYS_mount_setattr
	return (int)syscall(SYS_mount_setattr, dfd, path, flags, attr, sizeof(*attr));
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* open_tree_attr(2), Linux 6.15: open_tree that sets attributes on the clone,
 * and the one way to give a clone of an idmapped mount a new map.  Headers
 * older than 6.15 lack its number: x86_64's (the architecture the tests run
 * on) is named here, any other compiles to ENOSYS. */
#if !defined(SYS_open_tree_attr) && defined(__NR_open_tree_attr)
#define SYS_open_tree_attr __NR_open_tree_attr
#endif
#if !defined(SYS_open_tree_attr) && defined(__x86_64__) && !defined(__ILP32__)
#define SYS_open_tree_attr 467
#endif

static inline int sys_open_tree_attr(int dfd, const char *path, unsigned int flags,
				     struct sys_mount_attr *attr)
{
#ifdef SYS_open_tree_attr
	return (int)syscall(SYS_open_tree_attr, dfd, path, flags, attr, attr ? sizeof(*attr) : 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

static inline int sys_move_mount(int from_dfd, const char *from_path, int to_dfd,
				 const char *to_path, unsigned int flags)
{
#ifdef SYS_move_mount
	return (int)syscall(SYS_move_mount, from_dfd, from_path, to_dfd, to_path, flags);
#else
	errno = ENOSYS;
	return -1;
#endif
}

static inline int sys_openat2(int dfd, const char *path, struct sys_open_how *how)
{
#ifdef SYS_openat2
	return (int)syscall(SYS_openat2, dfd, path, how, sizeof(*how));
#else
	errno = ENOSYS;
	return -1;
#endif
}
