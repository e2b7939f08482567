/* SPDX-License-Identifier: Apache-2.0 */
#include "probe.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "idmap.h"
#include "mnt.h"
#include "mountinfo.h"
#include "syscalls.h"
#include "userns.h"

/* The type of the filesystem holding path, from the mount table; "" when
 * it cannot be told.  Only informative: never an error. */
static void probe_fstype(const char *path, char ret[static FSTYPE_MAX])
{
	struct mount_table t = {0};
	const struct mount_entry *me;
	struct err ignored = {0};
	struct statx stx;

	ret[0] = '\0';
	if (statx(AT_FDCWD, path, 0, STATX_MNT_ID, &stx) < 0 || !(stx.stx_mask & STATX_MNT_ID))
		return;
	if (mountinfo_read("/proc/self/mountinfo", &t, &ignored) < 0)
		return;
	me = mountinfo_find(&t, (int)stx.stx_mnt_id);
	if (me)
		snprintf(ret, FSTYPE_MAX, "%s", me->fstype);
	mountinfo_free(&t);
}

/* Clone, make a user namespace, idmap the clone; close both. */
static int probe_try(const char *path, struct err *e)
{
	_cleanup_close_ int clone_fd = -EBADF, userns_fd = -EBADF;
	struct idmap uid_map, gid_map;
	int r;

	r = mnt_clone(AT_FDCWD, path, false, &clone_fd, e);
	if (r < 0)
		return r;
	/* Any map that is not the identity will do: swap ids 1 and 2. */
	idmap_swap(1, 2, &uid_map);
	idmap_swap(1, 2, &gid_map);
	r = userns_open(&uid_map, &gid_map, &userns_fd, e);
	if (r < 0)
		return r;
	return mnt_setattr(clone_fd, false, 0, MNT_PROPAGATION_KEEP, userns_fd, e);
}

int probe_idmap(const char *path, char ret_fstype[static FSTYPE_MAX], struct err *e)
{
	int r;

	probe_fstype(path, ret_fstype);
	r = probe_try(path, e);
	if (r < 0 && ret_fstype[0])
		return err_wrap(e, "%s filesystem", ret_fstype);
	return r;
}
