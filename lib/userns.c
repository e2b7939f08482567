/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A user namespace exists while a process or an fd holds it, and its maps can
 * only be written from outside by a process privileged over its parent: so a
 * child creates it (clone(CLONE_NEWUSER)), the hook writes the maps and opens
 * /proc/<child>/ns/user, and the child is no longer needed.
 *
 * The child does nothing: it exits at once.  Until the hook reaps it, it is
 * a zombie, which keeps its pid and its credentials, and with them the
 * namespace: the kernel writes a zombie's maps and opens its namespace as a
 * live process's (measured here, 6.18).  So nothing is killed and nothing
 * waited for: by the time the hook reaps it (after writing both maps and
 * opening the namespace, or later, mapset.h) it has long exited, and
 * waitpid() finds a zombie.  Its pid cannot be another process's while the
 * hook uses it, since only the reap frees it.  A hook killed before the reap
 * leaves a zombie to init, which reaps it.
 *
 * The child shares the hook's memory and fd table (CLONE_VM | CLONE_FILES)
 * and runs on a small stack of its own: nothing is copied, and the hook takes
 * no copy-on-write faults afterwards as it would after a fork.  It runs no
 * code of its own but a return (glibc's clone() then makes the exit system
 * call).  It is an owned resource (struct userns_holder): reaped on every
 * path (userns_holder_freep), its status checked.
 */
#include "userns.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"

/* The holder returns at once: glibc's clone() and a frame, a few hundred bytes. */
#define HOLDER_STACK_SIZE (16 * 1024)

/* valgrind stops a program that clones with CLONE_VM for anything but a
 * thread: make check-valgrind builds the hook with a fork-style holder. */
#ifdef USERNS_FORK_HOLDER
#define HOLDER_CLONE_FLAGS (CLONE_NEWUSER | SIGCHLD)
#else
#define HOLDER_CLONE_FLAGS (CLONE_VM | CLONE_FILES | CLONE_NEWUSER | SIGCHLD)
#endif

static int holder_main(void *arg)
{
	return 0;
}

/* Stacks of holders not seen dead (waitpid failed): they stay allocated (the
 * holder may still run on one) and reachable from here, linked through their
 * lowest word, which a holder, using a few hundred bytes at the top, never
 * touches. */
static void *stranded_stacks;

static void strand(struct userns_holder *h)
{
	*(void **)h->stack = stranded_stacks;
	stranded_stacks = h->stack;
	*h = USERNS_HOLDER_NONE;
}

int userns_holder_reap(struct userns_holder *h, struct err *e)
{
	pid_t pid = h->pid;
	int status = 0, r;

	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0) {
			if (errno == EINTR)
				continue;
			r = err_set(e, errno, "waitpid user namespace holder %d", (int)pid);
			strand(h);
			return r;
		}
	}
	free(h->stack);
	*h = USERNS_HOLDER_NONE;
	if (pid > 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		return err_msg(e, ECHILD,
			       "user namespace holder %d did not exit as it should (status %#x)",
			       (int)pid, status);
	return 0;
}

void userns_holder_freep(struct userns_holder *h)
{
	struct err ignored = {0};

	(void)userns_holder_reap(h, &ignored);
}

/* Start a holder in a new user namespace. */
static int holder_start(struct userns_holder *h, struct err *e)
{
	char *top;

	h->stack = malloc(HOLDER_STACK_SIZE);
	if (!h->stack)
		return err_set(e, ENOMEM, "user namespace holder");
	/* The stack grows down on every architecture Linux containers run on. */
	top = (char *)h->stack + HOLDER_STACK_SIZE;
	h->pid = clone(holder_main, top, HOLDER_CLONE_FLAGS, NULL);
	if (h->pid < 0)
		return err_set(e, errno, "clone(CLONE_NEWUSER)");
	return 0;
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

static int open_userns(pid_t pid, int *ret_fd, struct err *e)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, errno, "open %s", path);
	*ret_fd = fd;
	return 0;
}

int userns_open_held(const struct idmap *uid_map, const struct idmap *gid_map, int *ret_fd,
		     struct userns_holder *ret_holder, struct err *e)
{
	_cleanup_(userns_holder_freep) struct userns_holder h = USERNS_HOLDER_NONE;
	_cleanup_close_ int fd = -EBADF;
	int r;

	r = holder_start(&h, e);
	if (r >= 0)
		r = write_map(h.pid, "uid_map", uid_map, e);
	if (r >= 0)
		r = write_map(h.pid, "gid_map", gid_map, e);
	if (r >= 0)
		r = open_userns(h.pid, &fd, e);
	if (r < 0)
		return r;
	*ret_fd = TAKE_FD(fd);
	*ret_holder = h;
	h = USERNS_HOLDER_NONE;
	return 0;
}

int userns_open(const struct idmap *uid_map, const struct idmap *gid_map, int *ret_fd,
		struct err *e)
{
	_cleanup_(userns_holder_freep) struct userns_holder h = USERNS_HOLDER_NONE;
	_cleanup_close_ int fd = -EBADF;
	int r;

	r = userns_open_held(uid_map, gid_map, &fd, &h, e);
	if (r >= 0)
		r = userns_holder_reap(&h, e);
	if (r < 0)
		return r;
	*ret_fd = TAKE_FD(fd);
	return 0;
}
