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

/* One id of planned mount pm's root through its clone: seen (as the hook read
 * it) taken back to the on-disk id where the source is idmapped, then sent
 * through the planned map. */
static bool planned_id(const struct idmap *map, const struct idmap *src_map, bool composed,
		       uint32_t seen, uint32_t *ret)
{
	uint32_t on_disk = seen;

	if (composed && !idmap_apply_inverse(src_map, seen, &on_disk))
		return false;
	return idmap_apply(map, on_disk, ret);
}

int verify_planned_owner(const struct plan *p, const struct mount_facts *facts, size_t i,
			 uint32_t *ret_uid, uint32_t *ret_gid, struct err *e)
{
	const struct plan_mount *pm = &p->mounts[i];
	const struct mount_facts *f = &facts[i];
	const struct plan_mapping *m;
	uint32_t uid, gid;

	if (pm->action != PLAN_IDMAP || !pm->has_owner || pm->mapping >= p->n_mappings)
		return err_msg(e, EINVAL, "no planned owner to check the clone against");
	m = &p->mappings[pm->mapping];
	if (!planned_id(&m->uid_map, &f->src_uid_map, pm->composed, pm->owner_uid, &uid) ||
	    !planned_id(&m->gid_map, &f->src_gid_map, pm->composed, pm->owner_gid, &gid))
		return err_msg(e, EINVAL,
			       "the planned maps do not cover the owner %" PRIu32 ":%" PRIu32,
			       pm->owner_uid, pm->owner_gid);
	*ret_uid = uid;
	*ret_gid = gid;
	return 0;
}

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

/* Where planned mount j is in outermost planned mount i's tree (top: i's
 * entry of the table), relative to i's mount point; NULL when it is not in
 * it.  An outermost one is in no other's tree; for the others the targets'
 * prefix first, a cheap test that the tree walk confirms. */
static const char *nested_at(const struct plan *p, const struct mount_facts *facts,
			     const struct mount_table *table, const bool *outermost,
			     const struct mount_entry *top, size_t i, size_t j)
{
	const struct mount_entry *me;
	const char *rel;

	if (j == i || !top || outermost[j] || p->mounts[j].action != PLAN_IDMAP)
		return NULL;
	me = mountinfo_find(table, (int)facts[j].mnt_id);
	if (!me || mounttree_relative(top->target, me->target, &rel) < 0 || !*rel ||
	    !mountinfo_is_below(table, me->id, top->id))
		return NULL;
	return rel;
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

/* Planned mount j (the clone's root, or its own root within it) as planned? */
static int verify_one(const struct plan *p, const struct mount_facts *facts, size_t j, int fd,
		      struct err *e)
{
	uint32_t uid, gid;
	int r;

	r = verify_planned_owner(p, facts, j, &uid, &gid, e);
	if (r >= 0)
		r = verify_owner(fd, p->host_uid, p->host_gid, uid, gid, facts[j].fstype, e);
	if (r < 0)
		err_wrap(e, "%s filesystem", facts[j].fstype[0] ? facts[j].fstype : "unknown");
	return r;
}

int verify_clone(const struct plan *p, const struct mount_facts *facts,
		 const struct mount_table *table, const bool *outermost, size_t i, int clone,
		 long long *us, struct err *e)
{
	const struct mount_entry *top = mountinfo_find(table, (int)facts[i].mnt_id);
	long long t0 = log_now_us();
	int r;

	r = verify_one(p, facts, i, clone, e);
	for (size_t j = 0; j < p->n_mounts && r >= 0; j++) {
		const char *rel = nested_at(p, facts, table, outermost, top, i, j);
		_cleanup_close_ int fd = -EBADF;

		if (!rel)
			continue;
		r = open_in_clone(clone, rel, &fd, e);
		if (r >= 0)
			r = verify_one(p, facts, j, fd, e);
		if (r < 0)
			err_wrap(e, "%s", p->mounts[j].mount->destination);
	}
	*us += log_now_us() - t0;
	return r;
}
