/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The owner rule (lib/owner.h): the container user acts as the volume's
 * owner, never as more.  Through the plan, against the fixture host's
 * account files (tests/fixtures/accounts/host): cloud 1000 (also in video
 * 44), alice 1001 (in docker 998), bob 1002 (primary users 100, in staff
 * 50), carol 1003 (in dialout 20 by her second name carol2, not in staff),
 * nobody 65534; no account or group 501.
 */
#include <string.h>

#include "owner.h"
#include "plan_fixture.h"

/* The mount idmaps with the uid swapped and the gid left, saying why. */
static void assert_group_left(const struct plan_mount *pm, const char *reason)
{
	assert_idmap(pm, 1000, pm->owner_gid);
	ck_assert(pm->gid_left);
	ck_assert(idmap_is_identity(&fx.plan.mappings[pm->mapping].gid_map));
	ck_assert_str_eq(pm->reason, reason);
}

/* Root's files are never the container user's: the whole volume is left,
 * uid and gid (docker.sock is 0:docker 0660, /etc/shadow 0:shadow 0640). */
START_TEST(test_root_is_skipped_whole)
{
	const struct plan_mount *pm;

	add_bind("/run/docker.sock", 0, 998);
	add_bind("/etc/shadow", 0, 42);
	add_bind("/team", 0, 20);
	add_bind("/root-mine", 0, 1000);
	pm = build(NULL, NULL);
	for (int i = 0; i < 4; i++) {
		assert_skip(&pm[i], "source is owned by root; never handed to a container user");
		ck_assert(!pm[i].fallback);
	}
	ck_assert_uint_eq(fx.plan.n_mappings, 0);
	ck_assert(!fx.accounts.read); /* no gid was in question */
}
END_TEST

/* Under a user namespace, the container's root is the host id container 0
 * maps to: its uid skips the whole volume, its gid is never handed over. */
START_TEST(test_container_root)
{
	struct id_extent u[] = {{0, 100000, 65536}};
	struct id_extent g[] = {{0, 200000, 65536}};
	struct idmap uid_ns = {.n = 1, .big = u}, gid_ns = {.n = 1, .big = g};
	const struct plan_mount *pm;

	add_bind("/etc/hosts", 100000, 200000);
	add_bind("/uid-root", 100000, 501);
	add_bind("/gid-root", 501, 200000);
	add_bind("/host-root", 0, 0);
	pm = build(&uid_ns, &gid_ns);
	assert_skip(&pm[0], "source is owned by the container's root (host uid 100000); "
			    "never handed to a container user");
	assert_skip(&pm[1], "source is owned by the container's root (host uid 100000)");
	/* Left: the container's own group stays, nothing else of its range. */
	assert_owner_only(&pm[2], 501, 101000, 201000, 201000);
	assert_unmapped(&pm[2], 100000, 200000);
	ck_assert_str_eq(pm[2].reason, "group 200000 left: the container's root's group (host gid "
				       "200000) is never handed to a container user");
	assert_skip(&pm[3], "source is owned by root; never handed to a container user");
}
END_TEST

/* The swap runs both ways: what holds the owner's id in the container acts
 * on disk as the container user's host id.  A container user that is the
 * container's root is never swapped with one of the container's own ids (its
 * processes would make files of the container's root); one whose group is
 * the container root's never gets one of the container's own gids.  An
 * owner the container cannot hold (a host user's 501) is swapped as ever. */
START_TEST(test_container_root_user)
{
	struct id_extent u[] = {{0, 100000, 65536}};
	struct id_extent g[] = {{0, 200000, 65536}};
	struct idmap uid_ns = {.n = 1, .big = u}, gid_ns = {.n = 1, .big = g};
	const struct plan_mount *pm;

	fx.spec.uid = fx.spec.gid = 0;
	add_bind("/svc-data", 100500, 200500);
	add_bind("/host-user", 501, 501);
	pm = build(&uid_ns, &gid_ns);
	assert_skip(&pm[0],
		    "container user is the container's root (host uid 100000) and the "
		    "owner, host uid 100500, is the container's uid 500: that uid would act "
		    "as the container's root on disk; never swapped");
	assert_idmap(&pm[1], 100000, 200000);
	plan_free(&fx.plan);

	fx.spec.uid = 1000;
	fx.spec.n_mounts = 0;
	add_bind("/svc-group", 501, 200500);
	add_bind("/host-group", 501, 501);
	pm = build(&uid_ns, &gid_ns);
	assert_owner_only(&pm[0], 501, 101000, 200000, 200000);
	assert_unmapped(&pm[0], 100000, 200500);
	ck_assert(pm[0].gid_left);
	ck_assert_str_eq(pm[0].reason, "group 200500 left: the container user's own group is the "
				       "container root's (host gid 200000) and group 200500 is the "
				       "container's gid 500, which would act as it on disk");
	assert_idmap(&pm[1], 101000, 200000);
}
END_TEST

/* The overflow id is what an id not mapped where the hook runs reads as
 * (rootless), or nobody: its real owner is unknown. */
START_TEST(test_overflow_id)
{
	const struct plan_mount *pm;

	fx.host.overflow_uid = 4000;
	fx.host.overflow_gid = 4001;
	add_bind("/unmapped", 4000, 4001);
	add_bind("/unmapped-uid", 4000, 501);
	add_bind("/unmapped-gid", 501, 4001);
	add_bind("/nobody", 65534, 65534);
	pm = build(NULL, NULL);
	assert_skip(&pm[0], "source is owned by the overflow uid 4000 (an id not mapped where "
			    "the hook runs); never handed to a container user");
	assert_skip(&pm[1], "source is owned by the overflow uid 4000");
	assert_group_left(&pm[2], "group 4001 left: the overflow gid 4001 (an id not mapped where "
				  "the hook runs) is never handed to a container user");
	assert_idmap(&pm[3], 1000, 1000); /* nobody's own group: hers to give */
	plan_free(&fx.plan);
	fx.host = HOSTINFO_INITIAL;
	pm = build(NULL, NULL);
	assert_skip(&pm[3], "source is owned by the overflow uid 65534");
}
END_TEST

START_TEST(test_root_group_is_left)
{
	add_bind("/data", 501, 0);
	assert_group_left(&build(NULL, NULL)[0],
			  "group 0 left: root's group is never handed to a container user");
}
END_TEST

/* The owner's primary group, or a group that lists one of its names. */
START_TEST(test_member_gets_the_group)
{
	const struct plan_mount *pm;

	add_bind("/alice", 1001, 1001);
	add_bind("/alice-docker", 1001, 998);
	add_bind("/bob-staff", 1002, 50);
	add_bind("/carol-dialout", 1003, 20);
	pm = build(NULL, NULL);
	for (int i = 0; i < 4; i++) {
		assert_idmap(&pm[i], 1000, 1000);
		ck_assert(!pm[i].gid_left);
		ck_assert_str_eq(pm[i].reason, "");
	}
}
END_TEST

START_TEST(test_non_member_keeps_the_group)
{
	const struct plan_mount *pm;

	add_bind("/carol-staff", 1003, 50);
	add_bind("/alice-dialout", 1001, 20);
	pm = build(NULL, NULL);
	assert_group_left(&pm[0], "group 50 left: owner 1003 (carol) is not in group 50 (staff)");
	assert_group_left(&pm[1], "group 20 left: owner 1001 (alice) is not in group 20 (dialout)");
}
END_TEST

/* An owner with no account here (a macOS volume's 501) gets its group
 * handed over only where the host has no such group. */
START_TEST(test_foreign_owner)
{
	const struct plan_mount *pm;

	add_bind("/foreign", 501, 501);
	add_bind("/foreign-7777", 501, 7777);
	add_bind("/macos", 501, 20);
	pm = build(NULL, NULL);
	assert_idmap(&pm[0], 1000, 1000);
	assert_idmap(&pm[1], 1000, 1000);
	assert_group_left(&pm[2], "group 20 left: owner 501 has no account here and the host has "
				  "a group 20 (dialout)");
}
END_TEST

/* The uid already matches, only the gid differs: the same rule. */
START_TEST(test_uid_matches_gid_differs)
{
	const struct plan_mount *pm;

	add_bind("/video", 1000, 44);
	add_bind("/dialout", 1000, 20);
	add_bind("/mine", 1000, 1000);
	pm = build(NULL, NULL);
	assert_idmap(&pm[0], 1000, 1000);
	ck_assert(idmap_is_identity(&fx.plan.mappings[pm[0].mapping].uid_map));
	assert_skip(&pm[1], "owner 1000:20: uid already matches the container user; group 20 "
			    "left: owner 1000 (cloud) is not in group 20 (dialout)");
	ck_assert(!pm[1].fallback);
	assert_skip(&pm[2], "owner 1000:1000 already matches the container user");
}
END_TEST

START_TEST(test_container_user_in_root_group)
{
	fx.spec.gid = 0;
	add_bind("/data", 501, 501);
	assert_group_left(&build(NULL, NULL)[0],
			  "group 501 left: the container user's own group is root's");
}
END_TEST

/* Account files that cannot be read: the safe side, the gid is left. */
START_TEST(test_unreadable_accounts)
{
	const struct plan_mount *pm;

	fx.accounts.root = ACCOUNTS_FIXTURES "no-group";
	add_bind("/foreign", 501, 501);
	add_bind("/mine-but-group", 1000, 44);
	pm = build(NULL, NULL);
	assert_group_left(&pm[0], "group 501 left: the host's accounts cannot be read: open "
				  "tests/fixtures/accounts/no-group/etc/group: No such file or "
				  "directory");
	assert_skip(&pm[1], "uid already matches the container user; group 44 left: the host's "
			    "accounts cannot be read");
}
END_TEST

/* The files are read only when a gid is in question: never for a root
 * container, a root-owned source, a matching owner or gid, a mount skipped
 * for another reason. */
START_TEST(test_accounts_read_only_when_needed)
{
	const struct plan_mount *pm;

	fx.spec.uid = 0;
	fx.spec.gid = 0;
	add_bind("/data", 501, 20);
	build(NULL, NULL);
	ck_assert(!fx.accounts.read);
	plan_free(&fx.plan);
	fx.spec.uid = fx.spec.gid = 1000;
	fx.spec.n_mounts = 0;
	add_bind("/root", 0, 20);
	add_bind("/mine", 1000, 1000);
	add_bind("/gid-matches", 501, 1000);
	add_bind("/proc", 501, 20);
	strcpy(fx.facts[3].fstype, "proc");
	pm = build(NULL, NULL);
	ck_assert(!fx.accounts.read);
	assert_idmap(&pm[2], 1000, 1000);
	plan_free(&fx.plan);
	add_bind("/macos", 501, 20);
	build(NULL, NULL);
	ck_assert(fx.accounts.read);
}
END_TEST

/* An idmapped source: judged on the ids it shows and on those on disk. */
START_TEST(test_idmapped_source_on_disk)
{
	const struct plan_mount *pm;

	add_idmapped("/root-on-disk", 0, 0);
	add_idmapped("/root-group-on-disk", 501, 0);
	add_idmapped("/carol-staff-on-disk", 1003, 50);
	add_idmapped("/alice-on-disk", 1001, 998);
	pm = build(NULL, NULL);
	assert_skip(&pm[0], "source is owned by root on disk, seen as uid 2000 through its idmap; "
			    "never handed to a container user");
	ck_assert(!pm[0].fallback);
	ck_assert_int_eq(pm[0].failed, 0);
	ck_assert_str_eq(pm[1].reason,
			 "group 2000 left: root's group is never handed to a container user (on "
			 "disk behind the source's idmap); maps composed with the source's own "
			 "idmap");
	ck_assert_str_eq(pm[2].reason,
			 "group 2000 left: owner 1003 (carol) is not in group 50 (staff) (on disk "
			 "behind the source's idmap); maps composed with the source's own idmap");
	for (int i = 1; i < 3; i++) {
		ck_assert_int_eq(pm[i].action, PLAN_IDMAP);
		/* the gid map stays the source's own: disk gid -> 2000 */
		ck_assert(idmap_equal(&fx.plan.mappings[pm[i].mapping].gid_map,
				      &fx.facts[i].src_gid_map));
	}
	assert_sends(pm[3].mapping, 1001, 1000, 998, 1000);
}
END_TEST

/* An rbind's idmapped submount is judged like the top: one that shows
 * root's files as the owner's leaves the whole volume as it was. */
START_TEST(test_idmapped_submount_on_disk)
{
	const struct plan_mount *pm;

	add_bind("/data", 501, 501);
	add_idmapped_sub(0, "idm", 0, 0, 501, 501);
	add_bind("/team", 501, 501);
	add_idmapped_sub(1, "a/b", 1003, 50, 501, 501);
	add_bind("/ok", 501, 501);
	add_idmapped_sub(2, "s", 777, 777, 501, 501);
	pm = build(NULL, NULL);
	assert_skip(&pm[0], "submount /data/idm shows files of root on disk as the owner's uid "
			    "501; never handed to a container user");
	ck_assert(!pm[0].fallback);
	ck_assert_int_eq(pm[1].action, PLAN_IDMAP);
	ck_assert_str_eq(pm[1].reason, "group 501 left: owner 1003 (carol) is not in group 50 "
				       "(staff) (on disk behind submount /team/a/b)");
	assert_sends(pm[1].mapping, 501, 1000, 501, 501);
	assert_sends(pm[1].subs[0].mapping, 1003, 1000, 50, 501);
	assert_idmap(&pm[2], 1000, 1000);
	assert_sends(pm[2].subs[0].mapping, 777, 1000, 777, 1000);
}
END_TEST

/* Behind a submount where no uid shows as the owner's, the owner of a gid
 * that does is unknown: the gid is left. */
START_TEST(test_no_owner_behind_a_view)
{
	struct owner_rules o = owner_rules(NULL, NULL, &fx.host);
	struct owner_view v[] = {
	    {.seen = OWNER_SEEN_SOURCE, .has_uid = true, .has_gid = true, .uid = 501, .gid = 501},
	    {.seen = OWNER_ON_DISK_SUB, .sub = "/data/s", .has_gid = true, .gid = 777},
	};
	struct idmap uid_map, gid_map;
	char why[200];

	ck_assert(!owner_skip(&o, v, 2, 1000, 1000, why, sizeof(why)));
	ck_assert(
	    !owner_swap(&o, &fx.accounts, v, 2, 1000, 1000, &uid_map, &gid_map, why, sizeof(why)));
	ck_assert_str_eq(why, "group 501 left: no uid there is seen as the owner's (on disk "
			      "behind submount /data/s)");
	ck_assert(idmap_is_identity(&gid_map));
	ck_assert(!idmap_is_identity(&uid_map));
}
END_TEST

Suite *owner_suite(void)
{
	Suite *s = suite_create("owner");
	TCase *tc = tcase_create("rule");

	tcase_add_checked_fixture(tc, plan_fixture_setup, plan_fixture_teardown);
	tcase_add_test(tc, test_root_is_skipped_whole);
	tcase_add_test(tc, test_container_root);
	tcase_add_test(tc, test_container_root_user);
	tcase_add_test(tc, test_overflow_id);
	tcase_add_test(tc, test_root_group_is_left);
	tcase_add_test(tc, test_member_gets_the_group);
	tcase_add_test(tc, test_non_member_keeps_the_group);
	tcase_add_test(tc, test_foreign_owner);
	tcase_add_test(tc, test_uid_matches_gid_differs);
	tcase_add_test(tc, test_container_user_in_root_group);
	tcase_add_test(tc, test_unreadable_accounts);
	tcase_add_test(tc, test_accounts_read_only_when_needed);
	tcase_add_test(tc, test_idmapped_source_on_disk);
	tcase_add_test(tc, test_idmapped_submount_on_disk);
	tcase_add_test(tc, test_no_owner_behind_a_view);
	suite_add_tcase(s, tc);
	return s;
}
