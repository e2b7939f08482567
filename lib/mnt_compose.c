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

/* Two maps of up to 340 lines of up to 33 bytes, and the rest. */
#define SM_BUF_SIZE (64 * 1024)

/* statmount(2) of one mount: its attributes and maps. */
static int sm_call(uint64_t mnt_id, struct sys_statmount *buf, size_t size)
{
	struct sys_mnt_id_req req = {
	    .size = SYS_MNT_ID_REQ_SIZE_VER0,
	    .mnt_id = mnt_id,
	    .param = STATMOUNT_MNT_BASIC | STATMOUNT_SUPPORTED_MASK | STATMOUNT_MNT_UIDMAP |
		     STATMOUNT_MNT_GIDMAP,
	};

	return sys_statmount(&req, buf, size, 0);
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
static int sm_map(const struct sys_statmount *s, size_t len, uint32_t off, uint32_t n,
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

static int sm_maps(const struct sys_statmount *s, struct idmap *ret_uid, struct idmap *ret_gid,
		   struct err *e)
{
	const uint64_t both = STATMOUNT_MNT_UIDMAP | STATMOUNT_MNT_GIDMAP;
	size_t len = s->size > sizeof(*s) ? s->size - sizeof(*s) : 0;
	struct idmap uid;
	int r;

	if (len > SM_BUF_SIZE - sizeof(*s))
		len = SM_BUF_SIZE - sizeof(*s); /* never past the buffer */

	if (!(s->mask & STATMOUNT_MNT_BASIC))
		return err_msg(e, EOPNOTSUPP, "statmount: no mount attributes");
	if (!(s->mnt_attr & MOUNT_ATTR_IDMAP)) {
		idmap_swap(0, 0, ret_uid); /* not idmapped: the identity */
		idmap_swap(0, 0, ret_gid);
		return 0;
	}
	if (!(s->mask & STATMOUNT_SUPPORTED_MASK) || (s->supported_mask & both) != both)
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
	_cleanup_free_ struct sys_statmount *buf = NULL;
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
		else if (r == -EINVAL)
			err_set_hint(e, "statmount reports a mount's maps from Linux 6.15");
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
