/* SPDX-License-Identifier: Apache-2.0 */
#include "fs_owner.h"

#include <fcntl.h>
#include <stdbool.h>
#include <inttypes.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>

#include "cleanup.h"

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
	return err_set_hint(e, ERR_STEP_OWNER_THROUGH_IDMAP);
}
