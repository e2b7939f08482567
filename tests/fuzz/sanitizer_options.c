/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Linked into the ASan+UBSan builds of `make check-asan` only.
 *
 * A runtime starts a hook with the environment of config.json, not its own,
 * so ASAN_OPTIONS cannot reach a hook under test: the options are built in.
 * Every report goes to SANITIZER_LOG.<pid> (the hook's stderr inside runc is
 * not visible to the tests), and the first error ends the process.
 *
 * LeakSanitizer checks at exit from a helper it starts with clone(2), which
 * then ptrace(2)s the process.  Tests that make clone or wait4 fail on purpose
 * (the errno injector) or run the hook under strace would turn that into
 * "LeakSanitizer has encountered a fatal error" and exit status 1 (or a hang).
 * So, just before the leak check, probe: if clone or waiting for the clone
 * fails, or a tracer is attached, leave with the status the program chose and
 * record SANITIZER_LOG.<pid>.no-leak-check, which check-asan counts and
 * reports (it is not an error).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SANITIZER_LOG
#error "build with -DSANITIZER_LOG='\"/abs/path/prefix\"'"
#endif

const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *__asan_default_options(void)
{
	return "log_path=" SANITIZER_LOG ":halt_on_error=1:detect_leaks=1"
	       ":detect_stack_use_after_return=1:check_initialization_order=1"
	       ":strict_string_checks=1";
}

const char *__ubsan_default_options(void)
{
	return "log_path=" SANITIZER_LOG ":halt_on_error=1:print_stacktrace=1";
}

static int can_clone(void)
{
	long pid = syscall(SYS_clone, (unsigned long)SIGCHLD, 0, 0, 0, 0);

	if (pid == 0)
		syscall(SYS_exit_group, 0);
	if (pid < 0)
		return 0;
	/* wait4 made to fail: the leak checker could not wait for its helper. */
	while (waitpid((pid_t)pid, NULL, 0) < 0)
		if (errno != EINTR)
			return 0;
	return 1;
}

/* Is a tracer (strace) attached?  LeakSanitizer cannot attach then. */
static int is_traced(void)
{
	char buf[4096];
	const char *p;
	ssize_t n;
	int fd;

	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strstr(buf, "\nTracerPid:");
	return p && strtol(p + strlen("\nTracerPid:"), NULL, 10) != 0;
}

/* Runs before the leak check: registered after it, handlers run in reverse. */
static void before_leak_check(int status, void *arg)
{
	char path[4096];
	int fd;

	(void)arg;
	if (!is_traced() && can_clone())
		return;
	snprintf(path, sizeof(path), "%s.%d.no-leak-check", SANITIZER_LOG, (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	_exit(status);
}

__attribute__((constructor)) static void register_probe(void)
{
	on_exit(before_leak_check, NULL);
}
