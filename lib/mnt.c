/* SPDX-License-Identifier: Apache-2.0 */
#include "mnt.h"

#include <stdio.h>
#include <sys/mount.h>

#include "syscalls.h"

int mnt_clone(int dfd, const char *path, bool recursive, int *ret_fd, struct err *e)
{
	/* An autofs mount point is cloned as it is, never triggered. */
	unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_NO_AUTOMOUNT;
	int fd;

	if (recursive)
		flags |= AT_RECURSIVE;
	if (!*path)
		flags |= AT_EMPTY_PATH;
	fd = sys_open_tree(dfd, path, flags);
	if (fd < 0)
		return err_set(e, errno, "open_tree(CLONE%s)", recursive ? "|RECURSIVE" : "");
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

int mnt_attach(int clone_fd, int target_fd, struct err *e)
{
	if (sys_move_mount(clone_fd, "", target_fd, "",
			   MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return err_set(e, errno, "move_mount");
	return 0;
}
