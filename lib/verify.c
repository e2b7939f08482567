/* SPDX-License-Identifier: Apache-2.0 */
#include "verify.h"

#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "log.h"
#include "mounttree.h"
#include "pathres.h"

/* The hook's fsuid and fsgid.  setfsuid and setfsgid return the previous
 * id whether they changed it or not, and -1 (no process's id) when the call
 * itself failed: then there is nothing to give back. */
struct fs_ids {
	uint32_t uid, gid;
};
#define NO_ID UINT32_MAX

/* Take uid:gid as fsuid:fsgid, and ask again whether they were taken. */
static int take_ids(uint32_t uid, uint32_t gid, struct fs_ids *ret_old, struct err *e)
{
	ret_old->gid = (uint32_t)setfsgid(gid);
	ret_old->uid = (uint32_t)setfsuid(uid);
	if ((uint32_t)setfsuid(NO_ID) != uid || (uint32_t)setfsgid(NO_ID) != gid)
		return err_msg(e, EPERM,
			       "setfsuid/setfsgid: cannot take the container user's ids %" PRIu32
			       ":%" PRIu32,
			       uid, gid);
	return 0;
}

/* Back to the hook's own fsuid first: it brings back the file capabilities
 * (CAP_DAC_OVERRIDE, ...) the kernel dropped with fsuid 0. */
static int give_back_ids(const struct fs_ids *old, struct err *e)
{
	if (old->uid != NO_ID)
		setfsuid(old->uid);
	if (old->gid != NO_ID)
		setfsgid(old->gid);
	if ((old->uid != NO_ID && (uint32_t)setfsuid(NO_ID) != old->uid) ||
	    (old->gid != NO_ID && (uint32_t)setfsgid(NO_ID) != old->gid))
		return err_msg(e, EPERM, "setfsuid/setfsgid: cannot return to the hook's own ids");
	return 0;
}

/* Filesystems that answer a stat from the inode the kernel holds, the same
 * to every caller (generic_fillattr): root sees what the container user
 * would, and the check saves four credential changes (10 us).  Any other
 * (FUSE, virtiofs, ceph, one not known here) is asked as the container user. */
static const char *const answers_alike[] = {
    "ext2", "ext3",  "ext4",  "xfs",  "btrfs", "tmpfs",
    "vfat", "exfat", "ntfs3", "f2fs", "erofs", "squashfs",
};

static bool is_answering_alike(const char *fstype)
{
	for (size_t i = 0; fstype && i < ARRAY_SIZE(answers_alike); i++)
		if (strcmp(fstype, answers_alike[i]) == 0)
			return true;
	return false;
}

/* fd's owner as uid:gid would see it (as fsuid and fsgid, if as_them). */
static int stat_as(int fd, uint32_t uid, uint32_t gid, bool as_them, struct statx *ret,
		   struct err *e)
{
	struct fs_ids old = {NO_ID, NO_ID};
	struct err back = {0};
	int r = 0;

	if (as_them)
		r = take_ids(uid, gid, &old, e);
	if (r >= 0 &&
	    statx(fd, "", AT_EMPTY_PATH | AT_STATX_FORCE_SYNC, STATX_UID | STATX_GID, ret) < 0)
		r = err_set(e, errno, "statx of the idmapped clone as %" PRIu32 ":%" PRIu32, uid,
			    gid);
	if (give_back_ids(&old, &back) < 0 && r >= 0)
		r = -(*e = back).code;
	return r;
}

int verify_owner(int fd, uint32_t as_uid, uint32_t as_gid, uint32_t want_uid, uint32_t want_gid,
		 const char *fstype, struct err *e)
{
	struct statx stx;
	int r;

	r = stat_as(fd, as_uid, as_gid, !is_answering_alike(fstype), &stx, e);
	if (r < 0)
		return r;
	if ((stx.stx_mask & (STATX_UID | STATX_GID)) != (STATX_UID | STATX_GID))
		return err_msg(e, EINVAL, "statx of the idmapped clone gives no owner");
	if (stx.stx_uid == want_uid && stx.stx_gid == want_gid)
		return 0;
	err_msg(e, EINVAL,
		"through the idmapped clone, ids %" PRIu32 ":%" PRIu32
		" see its root owned by %" PRIu32 ":%" PRIu32 ", not %" PRIu32 ":%" PRIu32,
		as_uid, as_gid, stx.stx_uid, stx.stx_gid, want_uid, want_gid);
	return err_set_hint(e, "owners that depend on who asks or do not follow the idmap, or "
			       "that changed meanwhile");
}

/* The root of the mount at rel in the clone (beneath it, no symlink). */
static int open_in_clone(int clone, const char *rel, int *ret_fd, struct err *e)
{
	_cleanup_close_ int fd = -EBADF;
	struct path_info info;
	int r;

	r = pathres_open_beneath(clone, rel, false, &fd, e);
	if (r >= 0)
		r = pathres_info(fd, &info, e);
	if (r >= 0 && !info.is_mount_root)
		r = err_msg(e, ESTALE, "%s is no mount's root in the clone", rel);
	if (r < 0)
		return r;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/* Planned mount pm (the clone's root, or its own root within it, fd) as
 * planned? */
static int verify_one(const struct plan *p, const struct plan_mount *pm, int fd, struct err *e)
{
	int r;

	if (!pm->shows_known)
		r = err_msg(e, EINVAL,
			    "the planned maps do not cover the owner %" PRIu32 ":%" PRIu32,
			    pm->owner_uid, pm->owner_gid);
	else
		r = verify_owner(fd, p->host_uid, p->host_gid, pm->shows_uid, pm->shows_gid,
				 pm->fstype, e);
	if (r < 0)
		err_wrap(e, "%s filesystem", pm->fstype[0] ? pm->fstype : "unknown");
	return r;
}

/* Node j of t as planned: the clone itself for the top, else its own root
 * found below the clone's. */
static int verify_node(const struct plan *p, const struct plan_tree *t, size_t j, int clone,
		       struct err *e)
{
	const struct plan_mount *pm = &p->mounts[t->nodes[j].entry];
	_cleanup_close_ int fd = -EBADF;
	const char *rel;
	int r;

	if (j == 0)
		return verify_one(p, pm, clone, e);
	if (mounttree_relative(t->nodes[0].path, t->nodes[j].path, &rel) < 0 || !*rel)
		r = err_msg(e, EINVAL, "%s is not below %s", t->nodes[j].path, t->nodes[0].path);
	else
		r = open_in_clone(clone, rel, &fd, e);
	if (r >= 0)
		r = verify_one(p, pm, fd, e);
	return r < 0 ? err_wrap(e, "%s", pm->mount->destination) : 0;
}

int verify_clone(const struct plan *p, const struct plan_tree *t, int clone, long long *us,
		 struct err *e)
{
	long long t0 = log_now_us();
	int r = 0;

	for (size_t j = 0; j < t->n && r >= 0; j++) {
		const struct plan_node *n = &t->nodes[j];

		if (n->entry_mount && p->mounts[n->entry].action == PLAN_IDMAP)
			r = verify_node(p, t, j, clone, e);
	}
	*us += log_now_us() - t0;
	return r;
}
