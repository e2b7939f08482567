/* SPDX-License-Identifier: Apache-2.0 */
#include "mnt_compose.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "syscalls.h"

#ifndef AT_NO_AUTOMOUNT
#define AT_NO_AUTOMOUNT 0x800
#endif
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U
#endif

/*
 * statmount(2), for one mount's maps.  Until lib/mntmaps.c (which puts the
 * same call in syscalls.h) is merged, a private copy: the kernel's
 * include/uapi/linux/mount.h, 6.15 layout, 512 bytes then the strings.
 */
#if !defined(SYS_statmount) && defined(__NR_statmount)
#define SYS_statmount __NR_statmount
#endif
#if !defined(SYS_statmount) && defined(__x86_64__) && !defined(__ILP32__)
#define SYS_statmount 457
#endif
#define SM_MNT_BASIC 0x0002U
#define SM_SUPPORTED_MASK 0x1000U
#define SM_MNT_UIDMAP 0x2000U
#define SM_MNT_GIDMAP 0x4000U
#define SM_REQ_SIZE_VER0 24
/* Two maps of up to 340 lines of up to 33 bytes, and the rest. */
#define SM_BUF_SIZE (64 * 1024)

struct sm_req {
	uint32_t size, spare;
	uint64_t mnt_id, param, mnt_ns_id;
};

struct sm_result {
	uint32_t size, mnt_opts;
	uint64_t mask;
	uint32_t sb_dev_major, sb_dev_minor;
	uint64_t sb_magic;
	uint32_t sb_flags, fs_type;
	uint64_t mnt_id, mnt_parent_id;
	uint32_t mnt_id_old, mnt_parent_id_old;
	uint64_t mnt_attr, mnt_propagation, mnt_peer_group, mnt_master, propagate_from;
	uint32_t mnt_root, mnt_point;
	uint64_t mnt_ns_id;
	uint32_t fs_subtype, sb_source, opt_num, opt_array, opt_sec_num, opt_sec_array;
	uint64_t supported_mask;
	uint32_t mnt_uidmap_num, mnt_uidmap, mnt_gidmap_num, mnt_gidmap;
	uint64_t spare2[43];
	char str[];
};
_Static_assert(sizeof(struct sm_result) == 512, "struct statmount is 512 bytes");

static int sm_call(uint64_t mnt_id, struct sm_result *buf, size_t size)
{
#ifdef SYS_statmount
	struct sm_req req = {.size = SM_REQ_SIZE_VER0, .mnt_id = mnt_id};

	req.param = SM_MNT_BASIC | SM_SUPPORTED_MASK | SM_MNT_UIDMAP | SM_MNT_GIDMAP;
	return (int)syscall(SYS_statmount, &req, buf, size, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* The unique (64-bit) id of the mount fd lies on (statx, Linux 6.8). */
static int mount_id_of(int fd, uint64_t *ret_id, struct err *e)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_NO_AUTOMOUNT, STATX_MNT_ID_UNIQUE, &stx) < 0)
		return err_set(e, errno, "statx(MNT_ID_UNIQUE)");
	if (!(stx.stx_mask & STATX_MNT_ID_UNIQUE))
		return err_msg(e, EOPNOTSUPP, "statx: no unique mount id (needs Linux 6.8)");
	*ret_id = stx.stx_mnt_id;
	return 0;
}

/* The n lines of one map, from offset off of the strings (len bytes). */
static int sm_map(const struct sm_result *s, size_t len, uint32_t off, uint32_t n,
		  const char *which, struct idmap *ret, struct err *e)
{
	const char *p, *end = s->str + len;
	struct idmap m;
	int r;

	if (n == 0 || off >= len)
		return err_msg(e, EINVAL, "statmount: %s: no lines", which);
	p = s->str + off;
	for (uint32_t i = 0; i < n; i++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));

		if (!nul)
			return err_msg(e, EINVAL, "statmount: %s: %u lines promised, fewer given",
				       which, n);
		p = nul + 1;
	}
	r = idmap_parse(s->str + off, (size_t)(p - (s->str + off)), &m, e);
	if (r < 0)
		return err_wrap(e, "statmount: %s", which);
	*ret = m;
	return 0;
}

static int sm_maps(const struct sm_result *s, struct idmap *ret_uid, struct idmap *ret_gid,
		   struct err *e)
{
	const uint64_t both = SM_MNT_UIDMAP | SM_MNT_GIDMAP;
	size_t len = s->size > sizeof(*s) ? s->size - sizeof(*s) : 0;
	struct idmap uid;
	int r;

	if (len > SM_BUF_SIZE - sizeof(*s))
		len = SM_BUF_SIZE - sizeof(*s); /* never past the buffer */

	if (!(s->mask & SM_MNT_BASIC))
		return err_msg(e, EOPNOTSUPP, "statmount: no mount attributes");
	if (!(s->mnt_attr & MOUNT_ATTR_IDMAP)) {
		idmap_swap(0, 0, ret_uid); /* not idmapped: the identity */
		idmap_swap(0, 0, ret_gid);
		return 0;
	}
	if (!(s->mask & SM_SUPPORTED_MASK) || (s->supported_mask & both) != both)
		return err_msg(
		    e, EOPNOTSUPP,
		    "statmount cannot report an idmapped mount's maps (needs Linux 6.15)");
	if ((s->mask & both) != both)
		return err_msg(e, EINVAL, "statmount: an idmapped mount without maps");
	r = sm_map(s, len, s->mnt_uidmap, s->mnt_uidmap_num, "uid map", &uid, e);
	if (r < 0)
		return r;
	r = sm_map(s, len, s->mnt_gidmap, s->mnt_gidmap_num, "gid map", ret_gid, e);
	if (r < 0) {
		idmap_free(&uid);
		return r;
	}
	*ret_uid = uid;
	return 0;
}

int mnt_compose_read_maps(int fd, struct idmap *ret_uid, struct idmap *ret_gid, struct err *e)
{
	_cleanup_free_ struct sm_result *buf = NULL;
	uint64_t id;
	int r;

	r = mount_id_of(fd, &id, e);
	if (r < 0)
		return r;
	buf = malloc(SM_BUF_SIZE);
	if (!buf)
		return err_set(e, ENOMEM, "statmount");
	if (sm_call(id, buf, SM_BUF_SIZE) < 0) {
		r = err_set(e, errno, "statmount(%#llx)", (unsigned long long)id);
		if (r == -ENOSYS)
			err_set_hint(e, "statmount needs Linux 6.8, its maps 6.15");
		return r;
	}
	return sm_maps(buf, ret_uid, ret_gid, e);
}

static const char *clone_hint(int code)
{
	switch (code) {
	case ENOSYS:
		return "open_tree_attr needs Linux 6.15, or the call is filtered";
	case EINVAL:
		return "a filesystem in it cannot be idmapped, or the kernel is older than 6.15 "
		       "(open_tree_attr)";
	default:
		return NULL; /* err_hint() has the others */
	}
}

int mnt_compose_clone(int dfd, const char *path, bool recursive, int userns_fd, int *ret_fd,
		      struct err *e)
{
	unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_NO_AUTOMOUNT;
	struct sys_mount_attr attr = {
	    .attr_set = MOUNT_ATTR_IDMAP,
	    .userns_fd = (uint64_t)userns_fd,
	};
	int fd, r;

	if (recursive)
		flags |= AT_RECURSIVE;
	if (!*path)
		flags |= AT_EMPTY_PATH;
	fd = sys_open_tree_attr(dfd, path, flags, &attr);
	if (fd < 0) {
		r = err_set(e, errno, "open_tree_attr(CLONE%s, IDMAP)",
			    recursive ? "|RECURSIVE" : "");
		err_set_hint(e, clone_hint(-r));
		return r;
	}
	*ret_fd = fd;
	return 0;
}
