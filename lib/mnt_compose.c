/* SPDX-License-Identifier: Apache-2.0 */
#include "mnt_compose.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "mntmaps.h"
#include "syscalls.h"

#ifndef AT_NO_AUTOMOUNT
#define AT_NO_AUTOMOUNT 0x800
#endif
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U
#endif

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

int mnt_compose_read_maps(int fd, int *ret_id, struct idmap *ret_uid, struct idmap *ret_gid,
			  struct err *e)
{
	struct mntmaps_entry x;
	uint64_t id = 0;
	int r;

	r = mount_id_of(fd, &id, e);
	if (r >= 0)
		r = mntmaps_stat(id, &x, e);
	if (r < 0)
		return r;
	if (x.idmapped && !x.reported)
		return err_msg(
		    e, EOPNOTSUPP,
		    "statmount cannot report an idmapped mount's maps (needs Linux 6.15)");
	if (x.idmapped && (x.uid_map.n == 0 || x.gid_map.n == 0)) {
		const char *which = x.uid_map.n == 0 ? "uid" : "gid";

		mntmaps_entry_free(&x);
		return err_set(e, ENODATA,
			       "statmount: this user namespace sees no line of the mount's %s map",
			       which);
	}
	if (ret_id)
		*ret_id = x.id;
	*ret_uid = x.uid_map;
	*ret_gid = x.gid_map;
	return 0;
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
		err_set_hint(e, ERR_STEP_CLONE_IDMAPPED);
		return r;
	}
	*ret_fd = fd;
	return 0;
}
