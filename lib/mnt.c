/* SPDX-License-Identifier: Apache-2.0 */
#include "mnt.h"

#include <stdio.h>
#include <sys/mount.h>

#include "syscalls.h"

/* open_tree's flags for a clone of dfd/path.  An autofs mount point is
 * cloned as it is, never triggered. */
static unsigned int clone_flags(const char *path, bool recursive)
{
	return OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_NO_AUTOMOUNT |
	       (recursive ? AT_RECURSIVE : 0) | (*path ? 0 : AT_EMPTY_PATH);
}

int mnt_clone(int dfd, const char *path, bool recursive, int *ret_fd, struct err *e)
{
	int fd = sys_open_tree(dfd, path, clone_flags(path, recursive));

	if (fd < 0)
		return err_set(e, errno, "open_tree(CLONE%s)", recursive ? "|RECURSIVE" : "");
	*ret_fd = fd;
	return 0;
}

int mnt_clone_idmapped(int dfd, const char *path, bool recursive, int userns_fd, int *ret_fd,
		       struct err *e)
{
	struct sys_mount_attr attr = {
	    .attr_set = MOUNT_ATTR_IDMAP,
	    .userns_fd = (uint64_t)userns_fd,
	};
	int fd, r;

	fd = sys_open_tree_attr(dfd, path, clone_flags(path, recursive), &attr);
	if (fd < 0) {
		r = err_set(e, errno, "open_tree_attr(CLONE%s, IDMAP)",
			    recursive ? "|RECURSIVE" : "");
		err_set_hint(e, ERR_STEP_CLONE_IDMAPPED);
		return r;
	}
	*ret_fd = fd;
	return 0;
}

static uint64_t propagation_flag(enum mnt_propagation p)
{
	switch (p) {
	case MNT_PROPAGATION_PRIVATE:
		return MS_PRIVATE;
	case MNT_PROPAGATION_SLAVE:
		return MS_SLAVE;
	case MNT_PROPAGATION_SHARED:
		return MS_SHARED;
	case MNT_PROPAGATION_UNBINDABLE:
		return MS_UNBINDABLE;
	case MNT_PROPAGATION_KEEP:
		break;
	}
	return 0;
}

static int setattr(int fd, bool recursive, struct sys_mount_attr *a, const char *what,
		   struct err *e)
{
	unsigned int flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);

	if (sys_mount_setattr(fd, "", flags, a) < 0)
		return err_set(e, errno, "mount_setattr(%s)", what);
	return 0;
}

/* The kernel's bits for ours, here at the syscall and nowhere else. */
static uint64_t mount_attr_of(unsigned int flags)
{
	return (flags & MOUNT_FLAG_RDONLY ? MOUNT_ATTR_RDONLY : 0) |
	       (flags & MOUNT_FLAG_NOSUID ? MOUNT_ATTR_NOSUID : 0) |
	       (flags & MOUNT_FLAG_NODEV ? MOUNT_ATTR_NODEV : 0) |
	       (flags & MOUNT_FLAG_NOEXEC ? MOUNT_ATTR_NOEXEC : 0) |
	       (flags & MOUNT_FLAG_NOSYMFOLLOW ? MOUNT_ATTR_NOSYMFOLLOW : 0);
}

int mnt_setattr(int clone_fd, bool recursive, unsigned int flags, enum mnt_propagation propagation,
		int userns_fd, struct err *e)
{
	struct sys_mount_attr a = {.attr_set = mount_attr_of(flags),
				   .propagation = propagation_flag(propagation)};

	if (userns_fd >= 0) {
		a.attr_set |= MOUNT_ATTR_IDMAP;
		a.userns_fd = (uint64_t)userns_fd;
	}
	if (!a.attr_set && !a.propagation)
		return 0;
	return setattr(clone_fd, recursive, &a, userns_fd >= 0 ? "IDMAP" : "attributes", e);
}

int mnt_set_atime(int clone_fd, unsigned int atime, struct err *e)
{
	static const uint64_t modes[] = {
	    [MOUNT_ATIME_RELATIME] = MOUNT_ATTR_RELATIME,
	    [MOUNT_ATIME_NOATIME] = MOUNT_ATTR_NOATIME,
	    [MOUNT_ATIME_STRICTATIME] = MOUNT_ATTR_STRICTATIME,
	};
	struct sys_mount_attr a = {.attr_clr = MOUNT_ATTR__ATIME | MOUNT_ATTR_NODIRATIME};

	if ((atime & MOUNT_ATIME_MODE) == MOUNT_ATIME_KEEP)
		return 0;
	a.attr_set = modes[atime & MOUNT_ATIME_MODE] |
		     (atime & MOUNT_ATIME_NODIRATIME ? MOUNT_ATTR_NODIRATIME : 0);
	return setattr(clone_fd, false, &a, "atime", e);
}

int mnt_attach(int clone_fd, int target_fd, struct err *e)
{
	if (sys_move_mount(clone_fd, "", target_fd, "",
			   MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return err_set(e, errno, "move_mount");
	return 0;
}

int mnt_detach(int clone_fd, struct err *e)
{
	char path[64];

	/* umount2 takes a path: the fd's own, through /proc. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", clone_fd);
	if (umount2(path, MNT_DETACH) < 0)
		return err_set(e, errno, "umount2(%s, MNT_DETACH)", path);
	return 0;
}
