/* SPDX-License-Identifier: Apache-2.0 */
/* Every reported errno is the one that happened, and reads stay bounded. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "io.h"
#include "tests.h"

START_TEST(test_no_failure_reads_as_success)
{
	struct err e = {0};

	/* A failure recorded without an errno is still a failure. */
	ck_assert_int_eq(err_set(&e, 0, "step"), -EIO);
	ck_assert_int_eq(e.code, EIO);
	ck_assert_int_eq(err_msg(&e, 0, "step"), -EIO);
	ck_assert_int_eq(err_msg(&e, ENOENT, "no %s", "file"), -ENOENT);
	ck_assert_str_eq(e.msg, "no file");
}
END_TEST

START_TEST(test_wrap_keeps_the_errno)
{
	struct err e = {0};

	err_set(&e, EPERM, "mount_setattr(%s)", "IDMAP");
	ck_assert_int_eq(err_wrap(&e, "/data"), -EPERM);
	err_add_hint(&e);
	ck_assert_str_eq(e.msg, "/data: mount_setattr(IDMAP): Operation not permitted (no "
				"privilege, or the mount is already idmapped)");
}
END_TEST

/* A pipe holding n bytes, read with limit max. */
static int read_n(size_t n, size_t max, char **ret, size_t *ret_len, struct err *e)
{
	int p[2], r;
	char *data = malloc(n + 1);

	ck_assert_ptr_nonnull(data);
	memset(data, 'x', n);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write(p[1], data, n), (ssize_t)n);
	close(p[1]);
	r = io_read_fd(p[0], max, ret, ret_len, e);
	close(p[0]);
	free(data);
	return r;
}

START_TEST(test_read_bound)
{
	struct err e = {0};
	char *buf = NULL;
	size_t len = 0;

	ck_assert_int_eq(read_n(10000, 10000, &buf, &len, &e), 0);
	ck_assert_uint_eq(len, 10000);
	ck_assert_uint_eq(strlen(buf), 10000);
	free(buf);
	buf = NULL;
	ck_assert_int_eq(read_n(10001, 10000, &buf, &len, &e), -EFBIG);
	ck_assert_str_eq(e.msg, "input larger than 10000 bytes");
	ck_assert_ptr_null(buf);
}
END_TEST

Suite *errno_suite(void)
{
	Suite *s = suite_create("errno");
	TCase *tc = tcase_create("errno");

	tcase_add_test(tc, test_no_failure_reads_as_success);
	tcase_add_test(tc, test_wrap_keeps_the_errno);
	tcase_add_test(tc, test_read_bound);
	suite_add_tcase(s, tc);
	return s;
}
