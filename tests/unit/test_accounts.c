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

/* A fixture root in a temporary directory with these two files (NUL bytes
 * allowed: the lengths are given).  Remove it with remove_root(). */
static void write_root(char *dir, const char *passwd, size_t passwd_len, const char *group,
		       size_t group_len)
{
	const char *text[] = {passwd, group}, *name[] = {"passwd", "group"};
	size_t len[] = {passwd_len, group_len};
	char path[128];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/etc", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	for (size_t i = 0; i < 2; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/etc/%s", dir, name[i]);
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fwrite(text[i], 1, len[i], f), len[i]);
		ck_assert_int_eq(fclose(f), 0);
	}
}

static void remove_root(const char *dir)
{
	const char *name[] = {"etc/passwd", "etc/group", "etc", ""};
	char path[128];

	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, name[i]);
		ck_assert_int_eq(remove(path), 0);
	}
}

/*
 * Lines as the C library reads them (glibc 2.36's files module, measured
 * with getent and id -G on these very lines): blanks before an entry are
 * skipped and a '#' after them makes a comment; an id may have blanks and a
 * '+' before its digits; a group's name may be empty; a member's name may
 * have blanks before it (not after); a NUL byte ends its line, not the
 * file.  No entry the C library has is missing here (a group missed would
 * count as "the host has no such group") and no line it skips makes one.
 */
static const char odd_passwd[] = "  #mac:x:7601:20::/:/bin/sh\n" /* a comment: no account */
				 "u7602:x:7602:7602::/:/bin/sh\n"
				 "plus:x:+7603:7603::/:/bin/sh\n"
				 "\tu7604:x:7604:7627::/:/bin/sh\n"
				 ":x:7606:7606::/:/bin/sh\n"
				 "sp:x: 7607:7607::/:/bin/sh";
static const char odd_group[] = "dialout:x:20:\n"
				"  #cmt:x:7621:\n"
				"gplus:x:+7622:\n"
				"gsp:x: 7623:\n"
				":x:7624:\n"
				"gmem:x:7625: u7602\n"
				"gtail:x:7626:u7602 \n"
				"after\0nul:x:7629:u7602\n"
				"gafter:x:7630:u7602\n"
				"gcr:x:7631:u7602\r\n"
				"gempty:x:7638:,,\n"
				"zz:x:7640:u7602"; /* no newline at the end */

START_TEST(test_lines_as_libc_reads_them)
{
	char dir[] = "/tmp/accounts-test.XXXXXX";
	struct accounts a = {0};

	write_root(dir, odd_passwd, sizeof(odd_passwd) - 1, odd_group, sizeof(odd_group) - 1);
	a.root = dir;
	ck_assert_int_eq(accounts_read(&a), 0);
	/* Comments, also after blanks: no account, no group, no membership. */
	ck_assert(!accounts_has_user(&a, 7601));
	ck_assert(!accounts_in_group(&a, 7601, 20));
	ck_assert_ptr_null(accounts_group_name(&a, 7621));
	/* Blanks and a '+' before an id; blanks before an entry; empty names. */
	ck_assert(accounts_has_user(&a, 7603));
	ck_assert(accounts_has_user(&a, 7607));
	ck_assert_str_eq(accounts_user_name(&a, 7604), "u7604");
	ck_assert(accounts_in_group(&a, 7604, 7627));
	ck_assert(accounts_has_user(&a, 7606));
	ck_assert_str_eq(accounts_group_name(&a, 7622), "gplus");
	ck_assert_str_eq(accounts_group_name(&a, 7623), "gsp");
	ck_assert_str_eq(accounts_group_name(&a, 7624), "");
	/* Members: blanks before a name, not after it (nor a CR). */
	ck_assert(accounts_in_group(&a, 7602, 7625));
	ck_assert(!accounts_in_group(&a, 7602, 7626));
	ck_assert(!accounts_in_group(&a, 7602, 7631));
	ck_assert_str_eq(accounts_group_name(&a, 7631), "gcr");
	/* An empty name is nobody's: not listed by empty members. */
	ck_assert(!accounts_in_group(&a, 7606, 7638));
	/* A NUL byte ends its line only. */
	ck_assert_ptr_null(accounts_group_name(&a, 7629));
	ck_assert(!accounts_in_group(&a, 7602, 7629));
	ck_assert_str_eq(accounts_group_name(&a, 7630), "gafter");
	ck_assert(accounts_in_group(&a, 7602, 7630));
	ck_assert(accounts_in_group(&a, 7602, 7640));
	accounts_free(&a);
	remove_root(dir);
}
END_TEST

/* Where nsswitch.conf lists systemd: a group of its userdb drop-ins, by
 * <gid>.group in any of its directories, or in a range it makes groups for;
 * nothing else.  The file is read once, at the first question. */
START_TEST(test_nss_systemd)
{
	struct accounts a = {.root = FIXTURES "nss-systemd"};
	char why[ERR_MSG_MAX] = "";

	ck_assert(accounts_group_may_exist(&a, 47777, why, sizeof(why)));
	ck_assert_str_eq(why, "/etc/userdb/47777.group, systemd's userdb");
	ck_assert(accounts_group_may_exist(&a, 47778, why, sizeof(why)));
	ck_assert_str_eq(why, "/usr/lib/userdb/47778.group, systemd's userdb");
	ck_assert(accounts_group_may_exist(&a, 61184, why, sizeof(why)));
	ck_assert_str_eq(why, "the range of systemd's dynamic users (61184..65519)");
	ck_assert(accounts_group_may_exist(&a, 60001, why, sizeof(why)));
	ck_assert(accounts_group_may_exist(&a, 1879048191, why, sizeof(why)));
	/* By name only: nss-systemd finds no gid 47779 either. */
	ck_assert(!accounts_group_may_exist(&a, 47779, why, sizeof(why)));
	ck_assert(!accounts_group_may_exist(&a, 501, why, sizeof(why)));
	ck_assert(!accounts_group_may_exist(&a, 65520, why, sizeof(why)));
	ck_assert(!accounts_group_may_exist(&a, 1879048192, why, sizeof(why)));
	ck_assert(a.nss_read && a.nss_systemd);
	accounts_free(&a);
}
END_TEST

/* Any other source is not asked: any group may exist there. */
START_TEST(test_nss_other_source)
{
	struct accounts a = {.root = FIXTURES "nss-sss"};
	char why[ERR_MSG_MAX] = "";

	ck_assert(accounts_group_may_exist(&a, 501, why, sizeof(why)));
	ck_assert_str_eq(why, "/etc/nsswitch.conf's group line lists sss, which is not read");
	accounts_free(&a);
}
END_TEST

/* Files only: comments, other databases ("groupx", "group_compat"), compat,
 * and no nsswitch.conf at all (the C library's default, files). */
START_TEST(test_nss_files_only)
{
	struct accounts a = {.root = FIXTURES "nss-files"};
	struct accounts none = {.root = FIXTURES "host"};
	char why[ERR_MSG_MAX] = "";

	ck_assert(!accounts_group_may_exist(&a, 501, why, sizeof(why)));
	ck_assert(!accounts_group_may_exist(&a, 61184, why, sizeof(why)));
	ck_assert(!accounts_group_may_exist(&none, 61184, why, sizeof(why)));
	ck_assert(none.nss_read && !none.nss_systemd && !none.nss_other[0]);
	accounts_free(&a);
	accounts_free(&none);
}
END_TEST

/* An nsswitch.conf that cannot be read: nothing can be told. */
START_TEST(test_nss_unreadable)
{
	struct accounts a = {.root = FIXTURES "unreadable"}; /* a directory there */
	char why[ERR_MSG_MAX] = "";

	ck_assert(accounts_group_may_exist(&a, 501, why, sizeof(why)));
	ck_assert_msg(strncmp(why, "the sources cannot be told: ", 28) == 0, "%s", why);
	accounts_free(&a);
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
	tcase_add_test(tc, test_lines_as_libc_reads_them);
	tcase_add_test(tc, test_nss_systemd);
	tcase_add_test(tc, test_nss_other_source);
	tcase_add_test(tc, test_nss_files_only);
	tcase_add_test(tc, test_nss_unreadable);
	suite_add_tcase(s, tc);
	return s;
}
