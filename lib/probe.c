/* SPDX-License-Identifier: Apache-2.0 */
#include "probe.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "idmap.h"
#include "mnt.h"
#include "mntmaps.h"
#include "mountinfo.h"
#include "pathres.h"
#include "syscalls.h"
#include "userns.h"
#include "fs_owner.h"

/* The type of the filesystem holding path, from the mount table; "" when
 * it cannot be told, and whether that mount is idmapped.  Never an error. */
static void probe_fstype(const char *path, char ret[static FSTYPE_MAX], bool *ret_idmapped)
{
	struct mount_table t = {0};
	const struct mount_entry *me;
	struct err ignored = {0};
	struct statx stx;

	ret[0] = '\0';
	*ret_idmapped = false;
	if (statx(AT_FDCWD, path, 0, STATX_MNT_ID, &stx) < 0 || !(stx.stx_mask & STATX_MNT_ID))
		return;
	if (mountinfo_read("/proc/self/mountinfo", &t, &ignored) < 0)
		return;
	me = mountinfo_find(&t, (int)stx.stx_mnt_id);
	if (me) {
		snprintf(ret, FSTYPE_MAX, "%s", me->fstype);
		*ret_idmapped = me->idmapped;
	}
	mountinfo_free(&t);
}

/* The id a probe hands the owner's files to: any other, not root. */
#define PROBE_USER 1000
static uint32_t probe_target(uint32_t owner)
{
	return owner == PROBE_USER ? PROBE_USER + 1 : PROBE_USER;
}

/* Clone, make a user namespace that swaps the owner (as root sees it) with
 * another id, idmap the clone, and check that this other id sees its files
 * as its own through it, as the hook checks before it attaches (verify.h);
 * close both. */
static int probe_try(const char *path, const char *fstype, struct err *e)
{
	_cleanup_close_ int clone_fd = -EBADF, userns_fd = -EBADF;
	struct idmap uid_map, gid_map;
	struct path_info owner;
	uint32_t uid, gid;
	int r;

	r = mnt_clone(AT_FDCWD, path, false, &clone_fd, e);
	if (r >= 0)
		r = pathres_info(clone_fd, &owner, e);
	if (r < 0)
		return r;
	uid = probe_target(owner.uid);
	gid = probe_target(owner.gid);
	idmap_swap(owner.uid, uid, &uid_map);
	idmap_swap(owner.gid, gid, &gid_map);
	r = userns_open(&uid_map, &gid_map, &userns_fd, e);
	if (r >= 0)
		r = mnt_setattr(clone_fd, false, 0, MNT_PROPAGATION_KEEP, userns_fd, e);
	if (r >= 0)
		r = verify_owner(clone_fd, uid, gid, uid, gid, fstype, e);
	return r;
}

/* Composed maps for an idmapped mount's (a swap of the first id seen through
 * it with another), as the hook would compose them; into a user namespace. */
static int probe_compose_userns(int fd, int *ret_userns_fd, struct err *e)
{
	struct idmap old_uid = {0}, old_gid = {0}, uid = {0}, gid = {0};
	uint32_t h, g;
	int r;

	r = mntmaps_of_fd(fd, NULL, &old_uid, &old_gid, e);
	if (r >= 0) {
		h = idmap_extents(&old_uid)[0].lower;
		g = idmap_extents(&old_gid)[0].lower;
		r = idmap_compose(&old_uid, h, h == 1 ? 2 : 1, &uid, e);
	}
	if (r >= 0)
		r = idmap_compose(&old_gid, g, g == 1 ? 2 : 1, &gid, e);
	if (r >= 0)
		r = userns_open(&uid, &gid, ret_userns_fd, e);
	idmap_free(&old_uid);
	idmap_free(&old_gid);
	idmap_free(&uid);
	idmap_free(&gid);
	return r;
}

/* An idmapped mount: read its maps, compose, clone with open_tree_attr. */
static int probe_try_composed(const char *path, struct err *e)
{
	_cleanup_close_ int fd = -EBADF, clone_fd = -EBADF, userns_fd = -EBADF;

	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, errno, "open %s", path);
	if (probe_compose_userns(fd, &userns_fd, e) < 0)
		return -e->code;
	return mnt_clone_idmapped(fd, "", false, userns_fd, &clone_fd, e);
}

int probe_idmap(const char *path, char ret_fstype[static FSTYPE_MAX], bool *ret_composed,
		struct err *e)
{
	int r;

	probe_fstype(path, ret_fstype, ret_composed);
	r = *ret_composed ? probe_try_composed(path, e) : probe_try(path, ret_fstype, e);
	if (r < 0 && ret_fstype[0])
		return err_wrap(e, "%s filesystem", ret_fstype);
	return r;
}

int probe_idmap_clone(int fd, int userns_fd, struct err *e)
{
	_cleanup_close_ int clone_fd = -EBADF;
	int r;

	r = mnt_clone(fd, "", false, &clone_fd, e);
	if (r >= 0)
		r = mnt_setattr(clone_fd, false, 0, MNT_PROPAGATION_KEEP, userns_fd, e);
	return r;
}

int probe_attach_detached(bool *ret_can, struct err *e)
{
	_cleanup_close_ int tree = -EBADF, part = -EBADF;
	int r;

	r = mnt_clone(AT_FDCWD, "/", false, &tree, e);
	if (r >= 0)
		r = mnt_clone(AT_FDCWD, "/", false, &part, e);
	if (r < 0)
		return r;
	*ret_can = mnt_attach(part, tree, e) >= 0;
	return 0;
}

int probe_open_tree_attr(struct err *e)
{
	_cleanup_close_ int fd = sys_open_tree_attr(-EBADF, "", 0, NULL);
	int r;

	if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
		return 0;
	r = err_set(e, errno, "open_tree_attr");
	err_set_hint(e, ERR_STEP_OPEN_TREE_ATTR);
	return r;
}
