/* SPDX-License-Identifier: Apache-2.0 */
#include "pathres.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "syscalls.h"

int pathres_open_in_root(int root_fd, const char *dest, int *ret_fd, struct err *e)
{
	struct sys_open_how how = {
	    .flags = O_PATH | O_CLOEXEC,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = -1;

	/* EAGAIN: a rename raced with the walk; try again, a bounded number of times. */
	for (int tries = 0; tries < 8; tries++) {
		fd = sys_openat2(root_fd, dest, &how);
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	if (fd < 0)
		return err_set(e, errno, "resolve %s in the rootfs", dest);
	*ret_fd = fd;
	return 0;
}

int pathres_info(int fd, struct path_info *ret_info, struct err *e)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_INO | STATX_MNT_ID, &stx) < 0)
		return err_set(e, errno, "statx");
	if (!(stx.stx_mask & STATX_MNT_ID) || !(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return err_msg(e, ENOSYS, "statx: kernel does not report mount ids");
	*ret_info = (struct path_info){
	    .mnt_id = stx.stx_mnt_id,
	    .dev = makedev(stx.stx_dev_major, stx.stx_dev_minor),
	    .ino = stx.stx_ino,
	    .is_mount_root = stx.stx_attributes & STATX_ATTR_MOUNT_ROOT,
	};
	return 0;
}
