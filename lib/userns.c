/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A user namespace exists while a process or an fd holds it, and its maps can
 * only be written from outside by a process privileged over its parent: so a
 * child creates it (clone(CLONE_NEWUSER)) and waits, the hook writes the maps
 * and opens /proc/<child>/ns/user, and the child is no longer needed.
 *
 * The child shares the hook's memory and fd table (CLONE_VM | CLONE_FILES)
 * and runs on a small stack of its own: nothing is copied, and the hook takes
 * no copy-on-write faults afterwards as it would after a fork.  It makes raw
 * syscalls only (no glibc wrapper that could touch errno or thread state it
 * shares with the hook), never returns, and dies with the hook
 * (PR_SET_PDEATHSIG).  It is an owned resource (struct userns_holder): killed
 * and reaped on every path (userns_holder_freep), its status checked when
 * it is seen.
 *
 * Reaped without waiting for it: a killed holder still has to be scheduled
 * to die, which on a busy machine can take milliseconds, and reaping a
 * zombie costs the reaper the kernel's release of the task (~30 us here).
 * So while a released holder is about (userns_holder_release), SIGCHLD is
 * ignored: a holder that dies is released by the kernel at once, in its
 * own context, and never is a zombie; the final waitpid() then returns
 * ECHILD without waiting, and blocks only for a holder still dying, so the
 * hook never leaves a process behind.  This is safe because the pid is
 * used only while it cannot be another process's: the maps are written and
 * the namespace opened while the holder is held, with SIGCHLD as it was (a
 * holder that died then would stay a zombie, keeping its pid), and never
 * after it is released.  The hook has no other children.  The old action
 * comes back when the last released holder is reaped.
 */
#include "userns.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"

/* The holder makes three syscalls through syscall(3): a few hundred bytes. */
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
	long parent = *(const pid_t *)arg;

	syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* The hook may have died before the line above: then nobody kills us. */
	if (syscall(SYS_getppid) != parent)
		syscall(SYS_exit, 0);
	/* No fds, no timeout: returns only for a signal handler, and none runs
	 * (the hook installs none) before SIGKILL. */
	for (;;)
		syscall(SYS_ppoll, NULL, 0, NULL, NULL, 0);
	return 0;
}

/* Stacks of holders that could not be killed, or not seen dead: they stay
 * allocated (the holder may still run on one) and reachable from here, linked through their
 * lowest word, which a holder, using a few hundred bytes at the top, never
 * touches. */
static void *stranded_stacks;

static void strand(struct userns_holder *h)
{
	*(void **)h->stack = stranded_stacks;
	stranded_stacks = h->stack;
	*h = USERNS_HOLDER_NONE;
}

/* Holders released and not yet reaped, and SIGCHLD's action before the first. */
static size_t n_released;
static struct sigaction sigchld_saved;

void userns_holder_release(struct userns_holder *h)
{
	static const struct sigaction ignore = {.sa_handler = SIG_IGN};

	if (h->pid <= 0 || h->released)
		return;
	if (n_released++ == 0 && sigaction(SIGCHLD, &ignore, &sigchld_saved) < 0)
		sigchld_saved.sa_handler = SIG_DFL;
	h->released = true;
	/* ESRCH: gone already, the reap finds out.  Anything else: it cannot
	 * be killed, and the reap will not wait for it. */
	if (kill(h->pid, SIGKILL) < 0 && errno != ESRCH)
		h->kill_errno = errno;
}

/* The last released holder is reaped: SIGCHLD as it was. */
static void unrelease(struct userns_holder *h)
{
	if (h->released && --n_released == 0)
		(void)sigaction(SIGCHLD, &sigchld_saved, NULL);
}

int userns_holder_reap(struct userns_holder *h, struct err *e)
{
	pid_t pid = h->pid;
	int status = 0, r;
	bool gone = false;

	if (pid > 0) {
		userns_holder_release(h);
		if (h->kill_errno) {
			r = err_set(e, h->kill_errno, "kill user namespace holder %d", (int)pid);
			unrelease(h);
			strand(h);
			return r;
		}
		while (waitpid(pid, &status, 0) < 0) {
			if (errno == EINTR)
				continue;
			/* Released by the kernel (SIGCHLD ignored): gone, status unseen. */
			if (errno == ECHILD && h->released) {
				gone = true;
				break;
			}
			r = err_set(e, errno, "waitpid user namespace holder %d", (int)pid);
			unrelease(h);
			strand(h); /* killed, but not seen dead */
			return r;
		}
		unrelease(h);
	}
	free(h->stack);
	*h = USERNS_HOLDER_NONE;
	if (pid > 0 && !gone && (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL))
		return err_msg(e, ECHILD, "user namespace holder %d ended on its own (status %#x)",
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
	static pid_t self;
	char *top;

	h->stack = malloc(HOLDER_STACK_SIZE);
	if (!h->stack)
		return err_set(e, ENOMEM, "user namespace holder");
	/* The stack grows down on every architecture Linux containers run on. */
	top = (char *)h->stack + HOLDER_STACK_SIZE;
	self = getpid();
	h->pid = clone(holder_main, top, HOLDER_CLONE_FLAGS, &self);
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
