/* SPDX-License-Identifier: Apache-2.0 */
/* The owner a planned mount's clone must show before it is attached
 * (plan_mount.shows_*, checked by verify.h): the owner the hook read,
 * through the planned maps, an idmapped source's own undone first. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "plan_fixture.h"

static void assert_shows(const struct plan_mount *pm, uint32_t uid, uint32_t gid)
{
	ck_assert_int_eq(pm->action, PLAN_IDMAP);
	ck_assert(pm->shows_known);
	ck_assert_uint_eq(pm->shows_uid, uid);
	ck_assert_uint_eq(pm->shows_gid, gid);
}

START_TEST(test_swap)
{
	add_bind("/data", 501, 501);
	assert_shows(build(NULL, NULL), 1000, 1000);
}
END_TEST

/* The owner rule left the gid (20 is the host's dialout, 501 has no
 * account): the clone shows it as it is. */
START_TEST(test_gid_kept)
{
	add_bind("/data", 501, 20);
	assert_shows(build(NULL, NULL), 1000, 20);
}
END_TEST

/* An idmapped source shows on-disk 501:501 as 2000:2000; its clone's maps
 * (the swap 2000<->1000 composed with the source's) apply to on-disk ids,
 * and the clone must show the container user. */
START_TEST(test_composed)
{
	const struct plan_mount *pm;

	add_idmapped("/data", 501, 501);
	pm = build(NULL, NULL);
	ck_assert(pm->composed);
	assert_shows(pm, 1000, 1000);
}
END_TEST

/* The filesystem goes with it: it says whether to ask as the container user. */
START_TEST(test_fstype)
{
	add_bind("/data", 501, 501);
	snprintf(fx.facts[0].fstype, sizeof(fx.facts[0].fstype), "fuse.idmapfs");
	ck_assert_str_eq(build(NULL, NULL)->fstype, "fuse.idmapfs");
}
END_TEST

/* Nothing to show for a mount that is not idmapped. */
START_TEST(test_skipped)
{
	add_bind("/data", 0, 0);
	ck_assert(!build(NULL, NULL)->shows_known);
}
END_TEST

Suite *verify_suite(void)
{
	Suite *s = suite_create("verify");
	TCase *tc = tcase_create("what the clone must show");

	tcase_add_checked_fixture(tc, plan_fixture_setup, plan_fixture_teardown);
	tcase_add_test(tc, test_swap);
	tcase_add_test(tc, test_gid_kept);
	tcase_add_test(tc, test_composed);
	tcase_add_test(tc, test_fstype);
	tcase_add_test(tc, test_skipped);
	suite_add_tcase(s, tc);
	return s;
}
