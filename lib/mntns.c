/* SPDX-License-Identifier: Apache-2.0 */
#include "mntns.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
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

bool mntns_is_own(pid_t pid)
{
	char path[64], own[64], its[64];
	ssize_t a, b;

	if (pid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	a = readlink("/proc/self/ns/mnt", own, sizeof(own));
	b = readlink(path, its, sizeof(its));
	return a > 0 && a == b && (size_t)a < sizeof(own) && memcmp(own, its, (size_t)a) == 0;
}

int mntns_open(pid_t pid, struct mntns *ret_ns, struct err *e)
{
	_cleanup_close_ int home = -EBADF, target = -EBADF;
	struct stat a, b;
	int r;

	r = open_ns(0, &home, e);
	if (r < 0)
		return r;
	r = open_ns(pid, &target, e);
	if (r < 0)
		return r;
	if (fstat(home, &a) < 0 || fstat(target, &b) < 0)
		return err_set(e, errno, "fstat mount namespace");
	*ret_ns = (struct mntns){.home = TAKE_FD(home),
				 .target = TAKE_FD(target),
				 .pid = pid,
				 .own = a.st_dev == b.st_dev && a.st_ino == b.st_ino};
	return 0;
}

int mntns_enter(const struct mntns *ns, struct err *e)
{
	if (setns(ns->target, CLONE_NEWNS) < 0)
		return err_set(e, errno, "setns(CLONE_NEWNS) into pid %d", (int)ns->pid);
	return 0;
}

int mntns_leave(const struct mntns *ns, struct err *e)
{
	if (setns(ns->home, CLONE_NEWNS) < 0)
		return err_set(e, errno, "setns(CLONE_NEWNS) back to the host");
	return 0;
}

void mntns_close(struct mntns *ns)
{
	close_fdp(&ns->home);
	close_fdp(&ns->target);
	*ns = MNTNS_INIT;
}
