/* SPDX-License-Identifier: Apache-2.0 */
/* The mount table reader: the kernel's format, escapes, optional fields, junk. */
#include <stdlib.h>
#include <string.h>

#include "mountinfo.h"
#include "tests.h"

static const char table[] =
    "22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
    "1 0 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
    "40 1 254:0 /srv/v /data rw,relatime,idmapped master:1 shared:7 - ext4 /dev/vda rw\n"
    "41 40 0:50 / /data/my\\040dir\\011x\\134 rw - tmpfs tmpfs rw\n"
    "42 41 0:51 / /data/my\\040dir\\011x\\134/deep rw - tmpfs tmpfs rw\n"
    "this is not a mountinfo line\n"
    "43 40 0:52 / /short rw\n"
    "x 40 0:53 / /bad-id rw - tmpfs tmpfs rw\n";

START_TEST(test_parse)
{
	char *text = strdup(table);
	struct mount_table t = {0};
	const struct mount_entry *m;
	struct err e = {0};

	ck_assert_int_eq(mountinfo_parse(text, &t, &e), 0);
	ck_assert_uint_eq(t.n, 5); /* the three junk lines are skipped */
	m = mountinfo_find(&t, 40);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->parent_id, 1);
	ck_assert_str_eq(m->target, "/data");
	ck_assert_str_eq(m->fstype, "ext4");
	ck_assert_str_eq(m->root, "/srv/v");
	ck_assert_str_eq(m->source, "/dev/vda");
	ck_assert(m->idmapped);
	ck_assert_str_eq(mountinfo_find(&t, 22)->source, "proc");
	ck_assert(!mountinfo_find(&t, 22)->idmapped);
	ck_assert_str_eq(mountinfo_find(&t, 22)->fstype, "proc");
	ck_assert_str_eq(mountinfo_find(&t, 41)->target, "/data/my dir\tx\\");
	ck_assert_ptr_null(mountinfo_find(&t, 43));
	ck_assert_ptr_null(mountinfo_find(&t, 99));
	mountinfo_free(&t);
	free(text);
}
END_TEST

START_TEST(test_is_below)
{
	char *text = strdup(table);
	struct mount_table t = {0};
	struct err e = {0};

	ck_assert_int_eq(mountinfo_parse(text, &t, &e), 0);
	ck_assert(mountinfo_is_below(&t, 42, 40));
	ck_assert(mountinfo_is_below(&t, 41, 40));
	ck_assert(mountinfo_is_below(&t, 40, 1));
	ck_assert(!mountinfo_is_below(&t, 40, 40));
	ck_assert(!mountinfo_is_below(&t, 40, 41));
	ck_assert(!mountinfo_is_below(&t, 22, 40));
	ck_assert(!mountinfo_is_below(&t, 99, 1));
	mountinfo_free(&t);
	free(text);
}
END_TEST

START_TEST(test_read_self)
{
	struct mount_table t = {0};
	struct err e = {0};

	/* Every real table has a root mount and /proc. */
	ck_assert_int_eq(mountinfo_read("/proc/self/mountinfo", &t, &e), 0);
	ck_assert_uint_gt(t.n, 1);
	mountinfo_free(&t);
	ck_assert_int_eq(mountinfo_read("/nonexistent/mountinfo", &t, &e), -ENOENT);
}
END_TEST

Suite *mountinfo_suite(void)
{
	Suite *s = suite_create("mountinfo");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_is_below);
	tcase_add_test(tc, test_read_self);
	suite_add_tcase(s, tc);
	return s;
}
