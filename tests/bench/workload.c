/* SPDX-License-Identifier: Apache-2.0 */
/*
 * workload: the data-path operations of the benchmark, timed from inside.
 * Built static, so that it runs in a busybox container as it runs on the host.
 *
 *   workload walk DIR             lstat every entry below DIR (like find | stat)
 *   workload create DIR N [PER [SIZE]]
 *                                 mkdir DIR, then N files of SIZE bytes (default
 *                                 100, at most 100), PER to a subdirectory
 *                                 (default: all in DIR)
 *   workload write FILE MIB       write MIB MiB to a new FILE (no fsync; an
 *                                 old FILE is removed first, untimed)
 *   workload read FILE            read FILE to the end
 *
 * Prints "NS COUNT" (COUNT: entries, files or bytes) on stdout; with -r R
 * before the command, walk, read and write run R times and print a line each.
 * Exit 1 with a message on stderr on the first error.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (1024 * 1024)

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

__attribute__((noreturn)) static void die(const char *what, const char *path)
{
	fprintf(stderr, "workload: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

/* lstat every entry below the directory open at dfd; returns the count. */
static long long walk(int dfd, const char *name)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	struct stat st;
	long long n = 0;

	if (!d)
		die("fdopendir", name);
	while ((errno = 0, de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			die("lstat", de->d_name);
		n++;
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub < 0)
				die("open", de->d_name);
			n += walk(sub, de->d_name);
		}
	}
	if (errno)
		die("readdir", name);
	closedir(d);
	return n;
}

static void create_file(int dfd, long long i, size_t size)
{
	static const char data[100] = "0123456789abcdef";
	char name[32];
	int fd;

	snprintf(name, sizeof(name), "f%07lld", i);
	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		die("create", name);
	if (size && write(fd, data, size) != (ssize_t)size)
		die("write", name);
	close(fd);
}

static long long create(const char *dir, long long n, long long per, size_t size)
{
	int top, sub = -1;
	char name[32];

	if (mkdir(dir, 0755) < 0)
		die("mkdir", dir);
	top = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0)
		die("open", dir);
	for (long long i = 0; i < n; i++) {
		if (per > 0 && i % per == 0) {
			if (sub >= 0)
				close(sub);
			snprintf(name, sizeof(name), "d%05lld", i / per);
			if (mkdirat(top, name, 0755) < 0)
				die("mkdir", name);
			sub = openat(top, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (sub < 0)
				die("open", name);
		}
		create_file(per > 0 ? sub : top, i, size);
	}
	if (sub >= 0)
		close(sub);
	close(top);
	return n;
}

static long long write_file(const char *path, long long mib)
{
	char *buf = malloc(CHUNK);
	int fd;

	if (!buf)
		die("malloc", path);
	memset(buf, 'x', CHUNK);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		die("create", path);
	for (long long i = 0; i < mib; i++)
		if (write(fd, buf, CHUNK) != CHUNK)
			die("write", path);
	if (close(fd) < 0)
		die("close", path);
	free(buf);
	return mib * CHUNK;
}

static long long read_file(const char *path)
{
	char *buf = malloc(CHUNK);
	long long total = 0;
	ssize_t got;
	int fd;

	if (!buf)
		die("malloc", path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("open", path);
	while ((got = read(fd, buf, CHUNK)) > 0)
		total += got;
	if (got < 0)
		die("read", path);
	close(fd);
	free(buf);
	return total;
}

static int usage(void)
{
	fprintf(stderr, "usage: workload [-r R] walk DIR | read FILE | write FILE MIB\n"
			"       workload create DIR N [PER [SIZE]]\n");
	return 2;
}

/* One run of argv (the command and its arguments); -1 on a usage error. */
static long long run(int argc, char **argv)
{
	int fd;

	if (strcmp(argv[0], "walk") == 0 && argc == 2) {
		fd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			die("open", argv[1]);
		return walk(fd, argv[1]);
	}
	if (strcmp(argv[0], "read") == 0 && argc == 2)
		return read_file(argv[1]);
	if (strcmp(argv[0], "write") == 0 && argc == 3)
		return write_file(argv[1], atoll(argv[2]));
	if (strcmp(argv[0], "create") == 0 && argc >= 3 && argc <= 5) {
		long long size = argc == 5 ? atoll(argv[4]) : 100;

		if (size < 0 || size > 100)
			return -1;
		return create(argv[1], atoll(argv[2]), argc >= 4 ? atoll(argv[3]) : 0,
			      (size_t)size);
	}
	return -1;
}

int main(int argc, char **argv)
{
	long long reps = 1;

	if (argc > 3 && strcmp(argv[1], "-r") == 0) {
		reps = atoll(argv[2]);
		argc -= 2;
		argv += 2;
	}
	if (argc < 3 || reps < 1)
		return usage();
	if (reps > 1 && strcmp(argv[1], "create") == 0)
		return usage();
	for (long long r = 0; r < reps; r++) {
		long long t0, n;

		if (strcmp(argv[1], "write") == 0 && unlink(argv[2]) < 0 && errno != ENOENT)
			die("unlink", argv[2]);
		t0 = now_ns();
		n = run(argc - 1, argv + 1);
		if (n < 0)
			return usage();
		printf("%lld %lld\n", now_ns() - t0, n);
	}
	return 0;
}
