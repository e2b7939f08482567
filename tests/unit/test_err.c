/* SPDX-License-Identifier: Apache-2.0 */
/* The error struct: what the one error line says, and that a failure is never 0. */
#include <errno.h>
#include <string.h>

#include "err.h"
#include "kver.h"
#include "tests.h"

START_TEST(test_set_names_the_errno)
{
	struct err e = {0};

	ck_assert_int_eq(err_set(&e, ENOENT, "open %s", "/srv/vol"), -ENOENT);
	ck_assert_int_eq(e.code, ENOENT);
	ck_assert_str_eq(e.msg, "open /srv/vol: No such file or directory");
}
END_TEST

/* The errno of the failed call, even when it is read after other calls. */
START_TEST(test_set_keeps_the_given_errno)
{
	struct err e = {0};
	int saved;

	errno = EACCES;
	saved = errno;
	errno = 0; /* something in between clobbered errno */
	ck_assert_int_eq(err_set(&e, saved, "stat %s", "/x"), -EACCES);
	ck_assert_str_eq(e.msg, "stat /x: Permission denied");
}
END_TEST

START_TEST(test_msg_has_no_strerror)
{
	struct err e = {0};

	ck_assert_int_eq(err_msg(&e, EINVAL, "pid: must be an integer"), -EINVAL);
	ck_assert_int_eq(e.code, EINVAL);
	ck_assert_str_eq(e.msg, "pid: must be an integer");
	ck_assert_int_eq(err_msg(&e, ENOENT, "no %s", "file"), -ENOENT);
	ck_assert_str_eq(e.msg, "no file");
}
END_TEST

/* A failure recorded with 0 (errno read where nothing set it) is still one. */
START_TEST(test_zero_is_never_success)
{
	struct err e = {0};

	ck_assert_int_eq(err_set(&e, 0, "readlink %s", "/x"), -EIO);
	ck_assert_int_eq(e.code, EIO);
	ck_assert_str_eq(e.msg, "readlink /x: unknown error");
	ck_assert_int_eq(err_msg(&e, 0, "bad"), -EIO);
	ck_assert_int_eq(e.code, EIO);
	ck_assert_str_eq(e.msg, "bad");
}
END_TEST

START_TEST(test_negative_code_means_that_errno)
{
	struct err e = {0};

	ck_assert_int_eq(err_set(&e, -ENOMEM, "alloc"), -ENOMEM);
	ck_assert_int_eq(e.code, ENOMEM);
	ck_assert_str_eq(e.msg, "alloc: Cannot allocate memory");
	ck_assert_int_eq(err_msg(&e, -EPERM, "no"), -EPERM);
	ck_assert_int_eq(e.code, EPERM);
}
END_TEST

START_TEST(test_wrap_prepends_context)
{
	struct err e = {0};

	err_set(&e, EINVAL, "mount_setattr(IDMAP)");
	ck_assert_int_eq(err_wrap(&e, "%s", "/data"), -EINVAL);
	ck_assert_int_eq(err_wrap(&e, "ctr%d", 1), -EINVAL);
	ck_assert_int_eq(e.code, EINVAL);
	ck_assert_str_eq(e.msg, "ctr1: /data: mount_setattr(IDMAP): Invalid argument");
}
END_TEST

START_TEST(test_wrap_of_nothing_is_a_failure)
{
	struct err e = {0};

	ck_assert_int_eq(err_wrap(&e, "ctx"), -EIO);
	ck_assert_int_eq(e.code, EIO);
	ck_assert_str_eq(e.msg, "ctx: ");
}
END_TEST

START_TEST(test_hints)
{
	struct err e = {0};

	err_set(&e, EINVAL, "mount_setattr(IDMAP)");
	err_add_hint(&e);
	ck_assert_str_eq(e.msg,
			 "mount_setattr(IDMAP): Invalid argument (filesystem cannot be idmapped)");
	err_set(&e, ENOSYS, "open_tree");
	err_add_hint(&e);
	ck_assert_str_eq(e.msg, "open_tree: Function not implemented (kernel too old for "
				"idmapped mounts, or the call is filtered)");
	/* No hint for an errno without a known meaning here. */
	err_set(&e, ENOENT, "open /x");
	err_add_hint(&e);
	ck_assert_str_eq(e.msg, "open /x: No such file or directory");
	ck_assert_ptr_null(err_hint(ENOENT));
	/* The hint goes after the context a caller wrapped around it. */
	err_set(&e, EPERM, "mount_setattr(%s)", "IDMAP");
	ck_assert_int_eq(err_wrap(&e, "/data"), -EPERM);
	err_add_hint(&e);
	ck_assert_str_eq(e.msg, "/data: mount_setattr(IDMAP): Operation not permitted (no "
				"privilege, or the mount is already idmapped)");
	/* A step's own hint, or none where err_hint's would be untrue of it. */
	err_set(&e, EINVAL, "move_mount");
	err_set_hint(&e, ERR_STEP_ATTACH_DETACHED);
	err_add_hint(&e);
	ck_assert_str_eq(e.msg, "move_mount: Invalid argument (attaching a mount to a detached "
				"tree needs Linux 6.15)");
	/* A step without a row for this errno: the errno's hint. */
	err_set(&e, EPERM, "open_tree_attr");
	err_set_hint(&e, ERR_STEP_STATMOUNT_MAPS);
	err_add_hint(&e);
	ck_assert_str_eq(e.msg, "open_tree_attr: Operation not permitted (no privilege, or the "
				"mount is already idmapped)");
	err_set(&e, EINVAL, "move_mount");
	err_set_hint(&e, ERR_STEP_NO_HINT);
	err_add_hint(&e);
	ck_assert_str_eq(e.msg, "move_mount: Invalid argument");
}
END_TEST

/* The running kernel's major.minor, for wording only: two leading numbers
 * or nothing. */
START_TEST(test_kernel_version)
{
	static const struct {
		const char *release;
		bool ok;
		unsigned major, minor;
	} cases[] = {
	    {"6.18.44-fc-v782", true, 6, 18},
	    {"6.14.0-37-generic", true, 6, 14},
	    {"5.15.0", true, 5, 15},
	    {"6.15", true, 6, 15},
	    {"4.19.0-27-amd64", true, 4, 19},
	    {"6", false, 0, 0},
	    {"6.", false, 0, 0},
	    {"v6.15", false, 0, 0},
	    {"", false, 0, 0},
	    {"6.999999", false, 0, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned major = 0, minor = 0;

		ck_assert_msg(kver_parse(cases[i].release, &major, &minor) == cases[i].ok, "%s",
			      cases[i].release);
		ck_assert_uint_eq(major, cases[i].major);
		ck_assert_uint_eq(minor, cases[i].minor);
	}
	/* Whatever runs this: never older than 2.6, older than 999.0. */
	ck_assert(!kver_is_older(2, 6));
	ck_assert(kver_is_older(999, 0));
}
END_TEST

START_TEST(test_unsupported)
{
	const int yes[] = {ENOSYS, EINVAL, EPERM, EOPNOTSUPP, ENOSPC};
	const int no[] = {0, ENOENT, EACCES, ENOMEM, ESTALE, EBUSY};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ck_assert_msg(err_is_unsupported(yes[i]), "%s", strerror(yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ck_assert_msg(!err_is_unsupported(no[i]), "%s", strerror(no[i]));
}
END_TEST

/* Long messages are cut to the buffer, never past it; the start is kept. */
START_TEST(test_truncation)
{
	char long_path[ERR_MSG_MAX * 2];
	struct err e = {0};

	memset(long_path, 'p', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	ck_assert_int_eq(err_set(&e, ENOENT, "open /%s", long_path), -ENOENT);
	ck_assert_uint_eq(strlen(e.msg), ERR_MSG_MAX - 1);
	ck_assert_int_eq(strncmp(e.msg, "open /ppp", 9), 0);

	err_set(&e, EINVAL, "mount_setattr(IDMAP)");
	ck_assert_int_eq(err_wrap(&e, "%s", long_path), -EINVAL);
	ck_assert_uint_eq(strlen(e.msg), ERR_MSG_MAX - 1);
	ck_assert_int_eq(e.msg[0], 'p');

	/* A hint on a full message does not write past it. */
	err_set(&e, EINVAL, "%s", long_path);
	err_add_hint(&e);
	ck_assert_uint_eq(strlen(e.msg), ERR_MSG_MAX - 1);

	/* A message just short of full keeps what fits of strerror. */
	err_set(&e, EPERM, "%.*s", ERR_MSG_MAX - 6, long_path);
	ck_assert_uint_eq(strlen(e.msg), ERR_MSG_MAX - 1);
	ck_assert_str_eq(e.msg + ERR_MSG_MAX - 6, ": Ope");
}
END_TEST

/* s's first n bytes, cut as a buffer of n + 1 bytes would, then trimmed. */
static const char *cut(const char *s, size_t n)
{
	static char buf[16];
	size_t len = strnlen(s, n);

	memcpy(buf, s, len);
	buf[len] = '\0';
	err_trim_utf8(buf);
	return buf;
}

/* Cuts fall between characters: "é" is two bytes, "€" three. */
START_TEST(test_trim_utf8)
{
	ck_assert_str_eq(cut("abc", 10), "abc");
	ck_assert_str_eq(cut("abc", 2), "ab");
	ck_assert_str_eq(cut("a\xc3\xa9", 2), "a");	    /* inside é */
	ck_assert_str_eq(cut("a\xc3\xa9", 3), "a\xc3\xa9"); /* all of it */
	ck_assert_str_eq(cut("a\xc3\xa9"
			     "b",
			     3),
			 "a\xc3\xa9"); /* after é */
	ck_assert_str_eq(cut("\xe2\x82\xac\xe2\x82\xac", 5), "\xe2\x82\xac");
	ck_assert_str_eq(cut("\xe2\x82\xac", 1), "");
	ck_assert_str_eq(cut("", 0), "");
}
END_TEST

Suite *err_suite(void)
{
	Suite *s = suite_create("err");
	TCase *tc = tcase_create("err");

	tcase_add_test(tc, test_set_names_the_errno);
	tcase_add_test(tc, test_set_keeps_the_given_errno);
	tcase_add_test(tc, test_msg_has_no_strerror);
	tcase_add_test(tc, test_zero_is_never_success);
	tcase_add_test(tc, test_negative_code_means_that_errno);
	tcase_add_test(tc, test_wrap_prepends_context);
	tcase_add_test(tc, test_wrap_of_nothing_is_a_failure);
	tcase_add_test(tc, test_hints);
	tcase_add_test(tc, test_kernel_version);
	tcase_add_test(tc, test_unsupported);
	tcase_add_test(tc, test_truncation);
	tcase_add_test(tc, test_trim_utf8);
	suite_add_tcase(s, tc);
	return s;
}
