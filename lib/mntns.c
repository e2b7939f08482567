/* SPDX-License-Identifier: Apache-2.0 */
#include "mntns.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"

static int open_ns(pid_t pid, int *ret_fd, struct err *e)
{
	char path[64];
	int fd;

	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/ns/mnt");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, errno, "open %s", path);
	*ret_fd = fd;
	return 0;
}

int mntns_is_own(pid_t pid, bool *ret_own, struct err *e)
{
	_cleanup_close_ int self = -EBADF, other = -EBADF;
	struct stat a, b;
	int r;

	r = open_ns(0, &self, e);
	if (r < 0)
		return r;
	r = open_ns(pid, &other, e);
	if (r < 0)
		return r;
	if (fstat(self, &a) < 0 || fstat(other, &b) < 0)
		return err_set(e, errno, "fstat mount namespace");
	*ret_own = a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	return 0;
}

int mntns_enter(pid_t pid, int *ret_home, struct err *e)
{
	_cleanup_close_ int home = -EBADF, target = -EBADF;
	int r;

	r = open_ns(0, &home, e);
	if (r < 0)
		return r;
	r = open_ns(pid, &target, e);
	if (r < 0)
		return r;
	if (setns(target, CLONE_NEWNS) < 0)
		return err_set(e, errno, "setns(CLONE_NEWNS) into pid %d", (int)pid);
	*ret_home = TAKE_FD(home);
	return 0;
}

int mntns_leave(int home, struct err *e)
{
	_cleanup_close_ int fd = home;

	if (setns(fd, CLONE_NEWNS) < 0)
		return err_set(e, errno, "setns(CLONE_NEWNS) back to the host");
	return 0;
}
