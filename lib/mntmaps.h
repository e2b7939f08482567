/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The id maps of mounts, as the kernel reports them: statmount(2) with
 * STATMOUNT_MNT_UIDMAP|GIDMAP (Linux 6.15).  The kernel shows a map as the
 * caller's user namespace sees it; from the initial one, each line "A B N"
 * reads as plan prints maps: on-disk ids A..A+N-1 are seen as B..B+N-1.
 *
 * One reader, statmount of one mount, behind two calls: `status` reads
 * every mount of a namespace (mntmaps_read), the hook's facts and probe one
 * mount through an fd on it (mntmaps_of_fd): an idmapped source, and each
 * idmapped submount of an rbind.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "idmap.h"

struct mntmaps_entry {
	int id;			       /* the mount's id in /proc/<pid>/mountinfo */
	bool idmapped;		       /* MOUNT_ATTR_IDMAP is set on it */
	bool reported;		       /* this kernel reports maps (6.15) */
	struct idmap uid_map, gid_map; /* idmapped and reported: its maps (empty
					  when the caller's user namespace sees
					  none of its lines); not idmapped: the
					  identity; else empty */
};

/*
 * The id maps of the mount that fd (any fd, O_PATH will do) lies on, as the
 * caller's user namespace sees them (from the initial one: on-disk id A is
 * seen through the mount as B for a line "A B N"; checked: struct idmap's
 * rules, and the caller owns them), and its mountinfo id (ret_id, may be
 * NULL).  A mount that is not idmapped gets the identity on both, so
 * composing with it is the plain swap.  Fails with -EOPNOTSUPP for an
 * idmapped mount whose maps this kernel cannot report (statmount's maps
 * need Linux 6.15; or statx has no unique mount id, 6.8), -ENOSYS without
 * statmount(2), -ENOENT when the mount is gone, -ENODATA when the caller's
 * user namespace sees no line of a map, -EBADMSG when the kernel's text
 * cannot be read.
 */
int mntmaps_of_fd(int fd, int *ret_id, struct idmap *ret_uid, struct idmap *ret_gid, struct err *e);
void mntmaps_entry_free(struct mntmaps_entry *x);

struct sys_statmount;

/*
 * What one statmount result (size: its buffer's) says of the mount's maps:
 * its mountinfo id, whether it is idmapped and, when the kernel reports
 * them, its maps (the entry owns them).  An idmapped mount whose maps this
 * kernel does not report is no error (reported false).  -EBADMSG: the text is not what statmount
 * promised (fewer lines than counted, an offset past the strings, a line
 * that is no map, an idmapped mount without its maps); -EOPNOTSUPP: no mount
 * attributes in it.  The kernel's own refusals (ENOSYS, EINVAL) come from
 * the call, never from here.
 */
int mntmaps_take(const struct sys_statmount *s, size_t size, struct mntmaps_entry *ret,
		 struct err *e);

struct mnt_maps {
	struct mntmaps_entry *entries; /* idmapped mounts only, by id */
	size_t n;
	bool reported; /* this kernel reports maps: a mount not here has none */
};

/* The maps of every idmapped mount of the current mount namespace (listmount,
 * then statmount of each).  -ENOSYS or -EINVAL: this kernel cannot report them
 * (older than 6.8, or than 6.15 for the maps); -EBADMSG: it reported what
 * cannot be read. */
int mntmaps_read(struct mnt_maps *ret_maps, struct err *e);

const struct mntmaps_entry *mntmaps_find(const struct mnt_maps *m, int id);
void mntmaps_free(struct mnt_maps *m);
