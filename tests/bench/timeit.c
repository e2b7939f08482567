/* SPDX-License-Identifier: Apache-2.0 */
/*
 * timeit: run a command once and print its wall time, from just before the
 * spawn to just after the exit is reaped, in nanoseconds.
 *
 *   timeit [-i STDIN] [-o STDOUT] [-e STDERR] -- CMD [ARG...]
 *
 * Prints "NS STATUS" on stdout, STATUS being the command's exit code (or
 * 128 + signal).  The files are opened before the clock starts; the child
 * only dup2()s them.  Exit code: 0 once the command ran, 2 on a usage or
 * spawn error (with a message on stderr).
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct redirect {
	const char *path;
	int flags;
	int target;
};

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int usage(void)
{
	fprintf(stderr, "usage: timeit [-i STDIN] [-o STDOUT] [-e STDERR] -- CMD [ARG...]\n");
	return 2;
}

static int add_redirect(posix_spawn_file_actions_t *fa, const struct redirect *r)
{
	int fd;

	if (!r->path)
		return 0;
	fd = open(r->path, r->flags | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "timeit: %s: %s\n", r->path, strerror(errno));
		return -1;
	}
	/* dup2 clears O_CLOEXEC on the target; the original closes at exec. */
	posix_spawn_file_actions_adddup2(fa, fd, r->target);
	return 0;
}

static int status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

int main(int argc, char **argv)
{
	struct redirect red[3] = {
	    {NULL, O_RDONLY, STDIN_FILENO},
	    {NULL, O_WRONLY | O_CREAT | O_TRUNC, STDOUT_FILENO},
	    {NULL, O_WRONLY | O_CREAT | O_TRUNC, STDERR_FILENO},
	};
	posix_spawn_file_actions_t fa;
	long long t0, t1;
	int c, status, r;
	pid_t pid;

	while ((c = getopt(argc, argv, "+i:o:e:")) != -1) {
		if (c == 'i')
			red[0].path = optarg;
		else if (c == 'o')
			red[1].path = optarg;
		else if (c == 'e')
			red[2].path = optarg;
		else
			return usage();
	}
	if (optind >= argc)
		return usage();
	posix_spawn_file_actions_init(&fa);
	for (int i = 0; i < 3; i++)
		if (add_redirect(&fa, &red[i]) < 0)
			return 2;
	t0 = now_ns();
	r = posix_spawn(&pid, argv[optind], &fa, NULL, &argv[optind], environ);
	if (r != 0) {
		fprintf(stderr, "timeit: %s: %s\n", argv[optind], strerror(r));
		return 2;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "timeit: waitpid: %s\n", strerror(errno));
			return 2;
		}
	t1 = now_ns();
	printf("%lld %d\n", t1 - t0, status_code(status));
	return 0;
}
