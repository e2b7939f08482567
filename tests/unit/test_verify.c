/* SPDX-License-Identifier: Apache-2.0 */
/* The owner a planned mount's clone must show (verify.h): the owner the hook
 * read, through the planned maps, an idmapped source's own undone first. */
#include <stdint.h>
#include <string.h>

#include "idmap.h"
#include "plan.h"
#include "tests.h"
#include "verify.h"

static struct spec_mount mount = {.destination = "/data"};

/* A plan of one mount, its maps and its facts. */
struct one {
	struct plan p;
	struct plan_mount pm;
	struct plan_mapping m;
	struct mount_facts f;
};

/* Mount /data owned uid:gid, planned with the swaps uid<->to_uid and
 * gid<->to_gid, for the container user 1000:1000. */
static void one_mount(struct one *o, uint32_t uid, uint32_t gid, uint32_t to_uid, uint32_t to_gid)
{
	*o = (struct one){0};
	idmap_swap(uid, to_uid, &o->m.uid_map);
	idmap_swap(gid, to_gid, &o->m.gid_map);
	o->pm = (struct plan_mount){.mount = &mount,
				    .action = PLAN_IDMAP,
				    .has_owner = true,
				    .owner_uid = uid,
				    .owner_gid = gid};
	o->p = (struct plan){.host_uid = 1000,
			     .host_gid = 1000,
			     .mounts = &o->pm,
			     .n_mounts = 1,
			     .mappings = &o->m,
			     .n_mappings = 1};
}

static void expect_owner(const struct one *o, uint32_t uid, uint32_t gid)
{
	struct err e = {0};
	uint32_t got_uid = 0, got_gid = 0;

	ck_assert_msg(verify_planned_owner(&o->p, &o->f, 0, &got_uid, &got_gid, &e) == 0, "%s",
		      e.msg);
	ck_assert_uint_eq(got_uid, uid);
	ck_assert_uint_eq(got_gid, gid);
}

START_TEST(test_swap)
{
	struct one o;

	one_mount(&o, 501, 501, 1000, 1000);
	expect_owner(&o, 1000, 1000);
}
END_TEST

/* owner_decide left the gid alone (an identity map): it stays. */
START_TEST(test_gid_kept)
{
	struct one o;

	one_mount(&o, 501, 20, 1000, 20);
	expect_owner(&o, 1000, 20);
}
END_TEST

/* An idmapped source shows on-disk 501:20 as 2000:2000; its clone's maps
 * (the swap 2000<->1000 composed with the source's) apply to on-disk ids. */
START_TEST(test_composed)
{
	struct one o;
	struct err e = {0};

	one_mount(&o, 2000, 2000, 2000, 2000);
	idmap_swap(501, 2000, &o.f.src_uid_map);
	idmap_swap(20, 2000, &o.f.src_gid_map);
	ck_assert_int_eq(idmap_compose(&o.f.src_uid_map, 2000, 1000, &o.m.uid_map, &e), 0);
	ck_assert_int_eq(idmap_compose(&o.f.src_gid_map, 2000, 1000, &o.m.gid_map, &e), 0);
	o.pm.composed = true;
	expect_owner(&o, 1000, 1000);
	/* Taken for an on-disk owner, 2000:2000 would go elsewhere (501:20). */
	o.pm.composed = false;
	expect_owner(&o, 501, 20);
	idmap_free(&o.m.uid_map);
	idmap_free(&o.m.gid_map);
}
END_TEST

START_TEST(test_no_planned_owner)
{
	struct one o;
	struct err e = {0};
	uint32_t uid, gid;

	one_mount(&o, 501, 501, 1000, 1000);
	o.pm.action = PLAN_SKIP;
	ck_assert_int_eq(verify_planned_owner(&o.p, &o.f, 0, &uid, &gid, &e), -EINVAL);
	o.pm.action = PLAN_IDMAP;
	o.pm.has_owner = false;
	ck_assert_int_eq(verify_planned_owner(&o.p, &o.f, 0, &uid, &gid, &e), -EINVAL);
	/* A composed owner the source's map does not show (an empty map). */
	o.pm.has_owner = true;
	o.pm.composed = true;
	ck_assert_int_eq(verify_planned_owner(&o.p, &o.f, 0, &uid, &gid, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "the planned maps do not cover the owner 501:501");
}
END_TEST

Suite *verify_suite(void)
{
	Suite *s = suite_create("verify");
	TCase *tc = tcase_create("planned owner");

	tcase_add_test(tc, test_swap);
	tcase_add_test(tc, test_gid_kept);
	tcase_add_test(tc, test_composed);
	tcase_add_test(tc, test_no_planned_owner);
	suite_add_tcase(s, tc);
	return s;
}
