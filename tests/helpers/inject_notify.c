/*
 * inject's supervisor: a child forked before the seccomp filter exists (so
 * not under it) that receives the filter's listener fd and answers every
 * call the filter hands it: fail with the rule's errno, or let it run
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE).  See inject.c for the rules.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inject.h"

static FILE *trace_file;

/* NUL-terminated string at addr in pid's memory. */
static int read_string(pid_t pid, unsigned long addr, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = pread(fd, buf, size - 1, (off_t)addr);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strnlen(buf, (size_t)n)] = '\0';
	return 0;
}

/* What /proc/PID/fd/FD (or /proc/PID/cwd when fd is AT_FDCWD) points to. */
static void fd_target(pid_t pid, int fd, char *buf, size_t size)
{
	char link[64];
	ssize_t n;

	if (fd == AT_FDCWD)
		snprintf(link, sizeof(link), "/proc/%d/cwd", (int)pid);
	else
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
	n = readlink(link, buf, size - 1);
	buf[n < 0 ? 0 : n] = '\0';
}

/* The path a call names (see the top of the file). */
static void call_path(const struct sc *s, const struct seccomp_notif *req, char *buf, size_t size)
{
	char arg[PATH_MAX], dir[PATH_MAX];
	pid_t pid = (pid_t)req->pid;

	buf[0] = '\0';
	if (s->fd >= 0 && s->path < 0) {
		fd_target(pid, (int)req->data.args[s->fd], buf, size);
		return;
	}
	if (s->path < 0 || read_string(pid, req->data.args[s->path], arg, sizeof(arg)) < 0)
		return;
	if (arg[0] == '/') {
		snprintf(buf, size, "%s", arg);
		return;
	}
	fd_target(pid, s->dirfd < 0 ? AT_FDCWD : (int)req->data.args[s->dirfd], dir, sizeof(dir));
	snprintf(buf, size, "%s%s%s", dir, arg[0] ? "/" : "", arg);
}

/* sh -c CMD, with INJECT_PID=pid; wait for it. */
static void run_command(const char *cmd, pid_t pid)
{
	char num[16];
	pid_t child;

	snprintf(num, sizeof(num), "%d", (int)pid);
	child = fork();
	if (child == 0) {
		setenv("INJECT_PID", num, 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (child > 0)
		while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
			;
}

/* The errno to fail this call with, or 0 to let it run. */
static long decide(struct config *c, const struct seccomp_notif *req)
{
	char path[2 * PATH_MAX + 2];

	for (size_t i = 0; i < c->n_rules; i++) {
		struct rule *r = &c->rules[i];

		for (size_t j = 0; j < r->n_calls; j++) {
			const struct sc *s = &inject_syscalls[r->calls[j]];

			if (s->nr != req->data.nr)
				continue;
			call_path(s, req, path, sizeof(path));
			if (r->glob && fnmatch(r->glob, path, 0) != 0)
				return 0;
			r->seen++;
			if (r->nth && r->seen != r->nth)
				return 0;
			if (trace_file) {
				fprintf(trace_file, "%s %s %s\n", s->name,
					r->err ? inject_errno_name(r->err) : "none", path);
				fflush(trace_file);
			}
			if (r->run)
				run_command(r->run, (pid_t)req->pid);
			return r->err;
		}
	}
	return 0;
}

static int answer(int listener, struct config *c, struct seccomp_notif *req,
		  struct seccomp_notif_resp *resp, const struct seccomp_notif_sizes *sz)
{
	long err;

	memset(req, 0, sz->seccomp_notif);
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
		return errno == EINTR || errno == ENOENT ? 0 : -1;
	err = decide(c, req);
	memset(resp, 0, sz->seccomp_notif_resp);
	resp->id = req->id;
	if (err)
		resp->error = (int)-err;
	else
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	/* ENOENT: the caller died (or was interrupted) meanwhile. */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

static int supervise(int listener, struct config *c)
{
	struct seccomp_notif_sizes sz;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
		return 1;
	req = calloc(1, sz.seccomp_notif);
	resp = calloc(1, sz.seccomp_notif_resp);
	if (!req || !resp)
		return 1;
	for (;;) {
		struct pollfd p = {.fd = listener, .events = POLLIN};

		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		/* POLLHUP alone: no process uses the filter any more. */
		if (!(p.revents & POLLIN))
			return 0;
		if (answer(listener, c, req, resp, &sz) < 0)
			return 1;
	}
}

int start_supervisor(struct config *c, int *ret_sock)
{
	int sv[2], null, listener;
	char b = 0;
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = &b, .iov_len = 1};
	struct msghdr msg = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	pid_t pid;

	if (c->trace && !(trace_file = fopen(c->trace, "ae"))) {
		perror("inject: --trace");
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		perror("inject: socketpair");
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		perror("inject: fork");
		return -1;
	}
	if (pid > 0) {
		close(sv[1]);
		if (trace_file)
			fclose(trace_file);
		*ret_sock = sv[0];
		return 0;
	}
	/* Hold none of the command's stdio: whoever reads it waits for EOF. */
	close(sv[0]);
	null = open("/dev/null", O_RDWR);
	for (int fd = 0; fd < 3; fd++)
		dup2(null, fd);
	if (recvmsg(sv[1], &msg, 0) <= 0 || !CMSG_FIRSTHDR(&msg))
		_exit(1);
	memcpy(&listener, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
	if (write(sv[1], &b, 1) != 1)
		_exit(1);
	close(sv[1]);
	_exit(supervise(listener, c));
}

int hand_over(int sock, int listener)
{
	char b = 0;
	char cbuf[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = &b, .iov_len = 1};
	struct msghdr msg = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &listener, sizeof(int));
	if (sendmsg(sock, &msg, 0) != 1 || read(sock, &b, 1) != 1) {
		fprintf(stderr, "inject: cannot hand the listener to the supervisor\n");
		return -1;
	}
	close(listener);
	close(sock);
	return 0;
}
