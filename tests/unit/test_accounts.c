/* SPDX-License-Identifier: Apache-2.0 */
/* The host's account files, read from fixture directories (tests/fixtures/accounts). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accounts.h"
#include "tests.h"

#define FIXTURES "tests/fixtures/accounts/"

static struct accounts read_fixture(const char *root)
{
	struct accounts a = {.root = root};

	ck_assert_int_eq(accounts_read(&a), 0);
	return a;
}

/* Nothing is read before the first question, and then once. */
START_TEST(test_read_once)
{
	struct accounts a = {.root = FIXTURES "host"};

	ck_assert(!a.read);
	ck_assert_uint_eq(a.n_users, 0);
	ck_assert_int_eq(accounts_read(&a), 0);
	ck_assert(a.read);
	a.root = FIXTURES "nowhere"; /* not looked at again */
	ck_assert_int_eq(accounts_read(&a), 0);
	ck_assert(accounts_has_user(&a, 1001));
	accounts_free(&a);
}
END_TEST

START_TEST(test_users_and_groups)
{
	struct accounts a = read_fixture(FIXTURES "host");

	ck_assert_str_eq(accounts_user_name(&a, 1001), "alice");
	ck_assert_str_eq(accounts_group_name(&a, 20), "dialout");
	ck_assert(accounts_has_user(&a, 0));
	ck_assert(!accounts_has_user(&a, 501));
	ck_assert_ptr_null(accounts_group_name(&a, 501));
	/* A comment, an NIS line, an id that is no number or out of range,
	 * too few fields: no entry. */
	ck_assert(!accounts_has_user(&a, 2001));
	ck_assert(!accounts_has_user(&a, 3000));
	ck_assert(!accounts_has_user(&a, 12));
	ck_assert_ptr_null(accounts_group_name(&a, 7));
	accounts_free(&a);
}
END_TEST

/* In a group: its primary group, or listed by one of its names. */
START_TEST(test_membership)
{
	struct accounts a = read_fixture(FIXTURES "host");

	ck_assert(accounts_in_group(&a, 1001, 1001)); /* alice: primary */
	ck_assert(accounts_in_group(&a, 1001, 998));  /* alice: listed in docker */
	ck_assert(accounts_in_group(&a, 1002, 50));   /* bob: listed first in staff */
	ck_assert(accounts_in_group(&a, 1002, 100));  /* bob: primary, a group with no list */
	ck_assert(accounts_in_group(&a, 1003, 20));   /* carol, listed by her second name */
	ck_assert(!accounts_in_group(&a, 1003, 50));
	ck_assert(!accounts_in_group(&a, 1001, 20));
	ck_assert(!accounts_in_group(&a, 501, 20)); /* no account */
	/* "dave" is listed in staff, has no account: no uid is in it by him. */
	ck_assert(!accounts_in_group(&a, 1000, 50));
	accounts_free(&a);
}
END_TEST

/* Hosts that keep system accounts in /usr/lib (Fedora CoreOS) have both. */
START_TEST(test_usr_lib)
{
	struct accounts a = read_fixture(FIXTURES "split");

	ck_assert_str_eq(accounts_group_name(&a, 18), "dialout");
	ck_assert_str_eq(accounts_group_name(&a, 10), "wheel");
	ck_assert(accounts_in_group(&a, 81, 81));
	ck_assert(accounts_in_group(&a, 1000, 10));
	accounts_free(&a);
}
END_TEST

START_TEST(test_missing_file_says_which)
{
	struct accounts a = {.root = FIXTURES "no-group"};

	ck_assert_int_eq(accounts_read(&a), -ENOENT);
	ck_assert_str_eq(a.msg, "open " FIXTURES "no-group/etc/group: No such file or directory");
	ck_assert(!accounts_has_user(&a, 0)); /* nothing kept */
	ck_assert_int_eq(accounts_read(&a), -ENOENT);
	accounts_free(&a);
}
END_TEST

/* A file past ACCOUNTS_FILE_MAX is not read (a sparse one: no disk used). */
START_TEST(test_oversized_file)
{
	char dir[] = "/tmp/accounts-test.XXXXXX", path[128];
	struct accounts a = {0};
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/etc", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/etc/passwd", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, ACCOUNTS_FILE_MAX + 1), 0);
	close(fd);
	a.root = dir;
	ck_assert_int_eq(accounts_read(&a), -EFBIG);
	ck_assert_msg(strstr(a.msg, "/etc/passwd: input larger than"), "%s", a.msg);
	accounts_free(&a);
	unlink(path);
	snprintf(path, sizeof(path), "%s/etc", dir);
	rmdir(path);
	rmdir(dir);
}
END_TEST

Suite *accounts_suite(void)
{
	Suite *s = suite_create("accounts");
	TCase *tc = tcase_create("files");

	tcase_add_test(tc, test_read_once);
	tcase_add_test(tc, test_users_and_groups);
	tcase_add_test(tc, test_membership);
	tcase_add_test(tc, test_usr_lib);
	tcase_add_test(tc, test_missing_file_says_which);
	tcase_add_test(tc, test_oversized_file);
	suite_add_tcase(s, tc);
	return s;
}
