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
#ifndef MS_NOSYMFOLLOW /* mount(2)'s flag (Linux 5.10), where the C library lacks it */
#define MS_NOSYMFOLLOW 256
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
#ifndef MOUNT_ATTR__ATIME
#define MOUNT_ATTR__ATIME 0x00000070
#define MOUNT_ATTR_RELATIME 0x00000000
#define MOUNT_ATTR_NOATIME 0x00000010
#define MOUNT_ATTR_STRICTATIME 0x00000020
#endif
#ifndef MOUNT_ATTR_NODIRATIME
#define MOUNT_ATTR_NODIRATIME 0x00000080
#endif
#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U
#endif
#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000
#endif
#ifndef RESOLVE_NO_MAGICLINKS
#define RESOLVE_NO_MAGICLINKS 0x02
#endif
#ifndef RESOLVE_NO_XDEV
#define RESOLVE_NO_XDEV 0x01
#endif
#ifndef RESOLVE_NO_SYMLINKS
#define RESOLVE_NO_SYMLINKS 0x04
#endif
#ifndef RESOLVE_BENEATH
#define RESOLVE_BENEATH 0x08
#endif
#ifndef AT_NO_AUTOMOUNT
#define AT_NO_AUTOMOUNT 0x800
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

/*
 * Syscalls newer than glibc 2.36's <sys/syscall.h>: statmount and listmount
 * (Linux 6.8), open_tree_attr (6.15).  Where the headers lack a number, the
 * one the kernel's own tables give for this architecture, and for no other:
 * x86_64 (arch/x86/entry/syscalls/syscall_64.tbl) and the architectures on
 * the generic table (include/uapi/asm-generic/unistd.h: aarch64, riscv,
 * loongarch, ...; <asm/unistd.h> then defines __NR3264_fcntl).  Elsewhere
 * (i386, arm, x32, mips, ...) they compile to ENOSYS, and the hook falls
 * back where it needs them.
 */
#if defined(__x86_64__) && !defined(__ILP32__) /* syscall_64.tbl */
#define SYSCALLS_NR_STATMOUNT 457
#define SYSCALLS_NR_LISTMOUNT 458
#define SYSCALLS_NR_OPEN_TREE_ATTR 467
#elif defined(__aarch64__) || defined(__NR3264_fcntl) /* asm-generic/unistd.h */
#define SYSCALLS_NR_STATMOUNT 457
#define SYSCALLS_NR_LISTMOUNT 458
#define SYSCALLS_NR_OPEN_TREE_ATTR 467
#endif

/* open_tree_attr(2): open_tree that sets attributes on the clone, and the
 * one way to give a clone of an idmapped mount a new map. */
#if !defined(SYS_open_tree_attr) && defined(__NR_open_tree_attr)
#define SYS_open_tree_attr __NR_open_tree_attr
#endif
#if !defined(SYS_open_tree_attr) && defined(SYSCALLS_NR_OPEN_TREE_ATTR)
#define SYS_open_tree_attr SYSCALLS_NR_OPEN_TREE_ATTR
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

/* statmount(2) and listmount(2) (6.8; a mount's id maps 6.15). */
#if !defined(SYS_statmount) && defined(SYSCALLS_NR_STATMOUNT)
#define SYS_statmount SYSCALLS_NR_STATMOUNT
#endif
#if !defined(SYS_listmount) && defined(SYSCALLS_NR_LISTMOUNT)
#define SYS_listmount SYSCALLS_NR_LISTMOUNT
#endif
#ifndef STATMOUNT_MNT_BASIC
#define STATMOUNT_MNT_BASIC 0x00000002U
#endif
#ifndef STATMOUNT_SUPPORTED_MASK
#define STATMOUNT_SUPPORTED_MASK 0x00001000U
#endif
#ifndef STATMOUNT_MNT_UIDMAP
#define STATMOUNT_MNT_UIDMAP 0x00002000U
#endif
#ifndef STATMOUNT_MNT_GIDMAP
#define STATMOUNT_MNT_GIDMAP 0x00004000U
#endif
#ifndef LSMT_ROOT
#define LSMT_ROOT 0xffffffffffffffffULL
#endif
#define SYS_MNT_ID_REQ_SIZE_VER0 24

/* Our own copies of the kernel's struct mnt_id_req and struct statmount
 * (include/uapi/linux/mount.h, 6.15 layout: 512 bytes, then the strings). */
struct sys_mnt_id_req {
	uint32_t size;
	uint32_t spare; /* mnt_ns_fd since 6.18; 0: the caller's namespace */
	uint64_t mnt_id;
	uint64_t param; /* statmount: the mask; listmount: the last id listed */
	uint64_t mnt_ns_id;
};

struct sys_statmount {
	uint32_t size;
	uint32_t mnt_opts;
	uint64_t mask;
	uint32_t sb_dev_major, sb_dev_minor;
	uint64_t sb_magic;
	uint32_t sb_flags;
	uint32_t fs_type;
	uint64_t mnt_id, mnt_parent_id;
	uint32_t mnt_id_old, mnt_parent_id_old; /* the ids of /proc/.../mountinfo */
	uint64_t mnt_attr, mnt_propagation, mnt_peer_group, mnt_master, propagate_from;
	uint32_t mnt_root, mnt_point;
	uint64_t mnt_ns_id;
	uint32_t fs_subtype, sb_source;
	uint32_t opt_num, opt_array, opt_sec_num, opt_sec_array;
	uint64_t supported_mask;
	uint32_t mnt_uidmap_num, mnt_uidmap; /* count, and offset into str */
	uint32_t mnt_gidmap_num, mnt_gidmap;
	uint64_t spare2[43];
	char str[];
};
_Static_assert(sizeof(struct sys_statmount) == 512, "struct statmount is 512 bytes");

static inline int sys_statmount(const struct sys_mnt_id_req *req, struct sys_statmount *buf,
				size_t size, unsigned int flags)
{
#ifdef SYS_statmount
	return (int)syscall(SYS_statmount, req, buf, size, flags);
#else
	errno = ENOSYS;
	return -1;
#endif
}

static inline long sys_listmount(const struct sys_mnt_id_req *req, uint64_t *ids, size_t n,
				 unsigned int flags)
{
#ifdef SYS_listmount
	return syscall(SYS_listmount, req, ids, n, flags);
#else
	errno = ENOSYS;
	return -1;
#endif
}
