/* SPDX-License-Identifier: Apache-2.0 */
#include "userns.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"

/* fork() semantics with a new user namespace: all other clone args are 0,
 * so their per-architecture order does not matter. */
static pid_t clone_userns(void)
{
	return (pid_t)syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD), 0, 0, 0, 0);
}

static int write_map(pid_t pid, const char *file, const struct idmap *m, struct err *e)
{
	char path[64], text[IDMAP_TEXT_MAX];
	size_t len = idmap_format(m, text);

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	/* The kernel takes a map in one write only (idmap.h). */
	if (len == 0)
		return err_msg(e, E2BIG, "%s: the map does not fit one write of %d bytes", path,
			       IDMAP_TEXT_MAX - 1);
	return io_write_file(path, text, len, e);
}

static int userns_fill(pid_t pid, const struct plan_mapping *m, int *ret_fd, struct err *e)
{
	char path[64];
	int fd, r;

	r = write_map(pid, "uid_map", &m->uid_map, e);
	if (r < 0)
		return r;
	r = write_map(pid, "gid_map", &m->gid_map, e);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, errno, "open %s", path);
	*ret_fd = fd;
	return 0;
}

int userns_open_async(const struct plan_mapping *m, int *ret_fd, pid_t *ret_child, struct err *e)
{
	_cleanup_close_ int hold_r = -EBADF, hold_w = -EBADF;
	int fds[2], r;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return err_set(e, errno, "pipe");
	hold_r = fds[0];
	hold_w = fds[1];
	pid = clone_userns();
	if (pid < 0)
		return err_set(e, errno, "clone(CLONE_NEWUSER)");
	if (pid == 0) {
		char c;

		/* Hold the namespace until the parent closes its end. */
		close(hold_w);
		while (read(hold_r, &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	r = userns_fill(pid, m, ret_fd, e);
	close(TAKE_FD(hold_w)); /* the child exits now */
	if (r < 0) {
		userns_reap(pid);
		return r;
	}
	*ret_child = pid;
	return 0;
}

void userns_reap(pid_t child)
{
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
}

int userns_open(const struct plan_mapping *m, int *ret_fd, struct err *e)
{
	pid_t child;
	int r;

	r = userns_open_async(m, ret_fd, &child, e);
	if (r >= 0)
		userns_reap(child);
	return r;
}
