/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded reads and single writes: the limit, the NUL, the messages. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"
#include "tests.h"

/* A pipe holding n bytes ('a' + i % 26) and closed for writing, or (with
 * keep_open) left open so that more could come; returns the read end. */
static int pipe_with(size_t n, bool keep_open, int *ret_write_end)
{
	int p[2];
	char *data = malloc(n + 1);

	ck_assert_ptr_nonnull(data);
	for (size_t i = 0; i < n; i++)
		data[i] = (char)('a' + i % 26);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_le(n, 65536); /* the pipe's default capacity */
	ck_assert_int_eq(write(p[1], data, n), (ssize_t)n);
	free(data);
	if (keep_open)
		*ret_write_end = p[1];
	else
		close(p[1]);
	return p[0];
}

/* How many bytes are left in the pipe (its write end closed). */
static size_t left_in(int fd)
{
	char buf[4096];
	size_t left = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		left += (size_t)n;
	return left;
}

static void expect_read(size_t n, size_t max)
{
	_cleanup_close_ int fd = pipe_with(n, false, NULL);
	_cleanup_free_ char *buf = NULL;
	struct err e = {0};
	size_t len = 12345;

	ck_assert_int_eq(io_read_fd(fd, max, &buf, &len, &e), 0);
	ck_assert_uint_eq(len, n);
	ck_assert_uint_eq(strlen(buf), n); /* NUL-terminated, right after the input */
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(buf[i], 'a' + i % 26);
}

/* Exactly max bytes, in one read or in many (beyond the first 4 KiB). */
START_TEST(test_read_exact_limit)
{
	expect_read(100, 100);
	expect_read(4096, 4096);
	expect_read(10000, 10000);
	expect_read(1, 1);
	expect_read(0, 0);
}
END_TEST

START_TEST(test_read_under_limit)
{
	expect_read(99, 100);
	expect_read(4095, 1 << 20);
	expect_read(40000, 1 << 20);
}
END_TEST

START_TEST(test_read_empty)
{
	_cleanup_close_ int fd = pipe_with(0, false, NULL);
	_cleanup_free_ char *buf = NULL;
	struct err e = {0};

	/* ret_len may be NULL; the buffer is an empty string, not NULL. */
	ck_assert_int_eq(io_read_fd(fd, IO_STATE_MAX, &buf, NULL, &e), 0);
	ck_assert_ptr_nonnull(buf);
	ck_assert_str_eq(buf, "");
}
END_TEST

/*
 * One byte over: EFBIG with the documented message, ret_* untouched, and
 * no more than max + 1 bytes taken from the input (the rest is still there:
 * the limit bounds the work and the memory, not only the result).
 */
static void expect_too_big(size_t n, size_t max)
{
	_cleanup_close_ int fd = pipe_with(n, false, NULL);
	char *buf = (char *)"untouched", want[64];
	struct err e = {0};
	size_t len = 7;

	ck_assert_int_eq(io_read_fd(fd, max, &buf, &len, &e), -EFBIG);
	snprintf(want, sizeof(want), "input larger than %zu bytes", max);
	ck_assert_str_eq(e.msg, want);
	ck_assert_str_eq(buf, "untouched");
	ck_assert_uint_eq(len, 7);
	ck_assert_uint_ge(left_in(fd), n - (max + 1));
}

START_TEST(test_read_limit_plus_one)
{
	expect_too_big(101, 100);
	expect_too_big(1, 0);
	expect_too_big(4097, 4096);
	/* Twice the limit and more: at most max + 1 bytes are read. */
	expect_too_big(20000, 5000);
	expect_too_big(60000, 100);
}
END_TEST

/* A writer that has not finished: the read stops at the limit without
 * waiting for the end of the input. */
START_TEST(test_read_stops_at_limit_without_eof)
{
	int writer = -1;
	_cleanup_close_ int fd = pipe_with(300, true, &writer);
	_cleanup_free_ char *buf = NULL;
	struct err e = {0};

	ck_assert_int_eq(io_read_fd(fd, 200, &buf, NULL, &e), -EFBIG);
	close(writer);
}
END_TEST

static void temp_file(char path[static 256], const char *content)
{
	int fd;

	snprintf(path, 256, "%s/oci-idmap-io.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
}

START_TEST(test_read_file)
{
	_cleanup_free_ char *buf = NULL;
	char path[256], want[300];
	struct err e = {0};
	size_t len = 0;

	temp_file(path, "{\"a\":1}");
	ck_assert_int_eq(io_read_file(path, 7, &buf, &len, &e), 0);
	ck_assert_str_eq(buf, "{\"a\":1}");
	ck_assert_uint_eq(len, 7);
	/* The file names the input in the message. */
	ck_assert_int_eq(io_read_file(path, 6, &buf, &len, &e), -EFBIG);
	snprintf(want, sizeof(want), "%s: input larger than 6 bytes", path);
	ck_assert_str_eq(e.msg, want);
	unlink(path);
	ck_assert_int_eq(io_read_file(path, 6, &buf, &len, &e), -ENOENT);
	snprintf(want, sizeof(want), "open %s: No such file or directory", path);
	ck_assert_str_eq(e.msg, want);
}
END_TEST

START_TEST(test_write_file)
{
	_cleanup_free_ char *buf = NULL;
	char path[256];
	struct err e = {0};

	temp_file(path, "old content, longer");
	ck_assert_int_eq(io_write_file(path, "0 1000 1\n", 9, &e), 0);
	ck_assert_int_eq(io_read_file(path, 64, &buf, NULL, &e), 0);
	/* Not truncated (O_WRONLY only, as /proc/<pid>/uid_map wants). */
	ck_assert_str_eq(buf, "0 1000 1\nnt, longer");
	unlink(path);
}
END_TEST

/*
 * io_write_file() with the size of files this process may write limited to
 * limit bytes (SIGXFSZ ignored: the write fails instead).  No assertion
 * while the limit holds: check itself writes its results to a file.
 */
static int write_limited(const char *path, const char *buf, size_t len, rlim_t limit, struct err *e)
{
	struct rlimit old, r;
	int ret;

	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	r = (struct rlimit){.rlim_cur = limit, .rlim_max = old.rlim_max};
	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &r) < 0)
		return 1; /* not an io_write_file() result */
	ret = io_write_file(path, buf, len, e);
	setrlimit(RLIMIT_FSIZE, &old);
	return ret;
}

/* A write the kernel takes only in part is an error, never a success:
 * /proc/<pid>/uid_map takes the whole map in one write or nothing. */
START_TEST(test_write_short)
{
	char path[256], want[300];
	struct err e = {0};

	temp_file(path, "");
	ck_assert_int_eq(write_limited(path, "0 1000 1\n", 9, 4, &e), -EIO);
	snprintf(want, sizeof(want), "write %s: short write", path);
	ck_assert_str_eq(e.msg, want);
	/* Nothing written at all: the write's own errno. */
	ck_assert_int_eq(write_limited(path, "x", 1, 0, &e), -EFBIG);
	snprintf(want, sizeof(want), "write %s: File too large", path);
	ck_assert_str_eq(e.msg, want);
	unlink(path);
	ck_assert_int_eq(io_write_file(path, "x", 1, &e), -ENOENT);
}
END_TEST

Suite *io_suite(void)
{
	Suite *s = suite_create("io");
	TCase *tc = tcase_create("io");

	tcase_add_test(tc, test_read_exact_limit);
	tcase_add_test(tc, test_read_under_limit);
	tcase_add_test(tc, test_read_empty);
	tcase_add_test(tc, test_read_limit_plus_one);
	tcase_add_test(tc, test_read_stops_at_limit_without_eof);
	tcase_add_test(tc, test_read_file);
	tcase_add_test(tc, test_write_file);
	tcase_add_test(tc, test_write_short);
	suite_add_tcase(s, tc);
	return s;
}
