/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The owner rule and what the host knows beyond its account files
 * (lib/owner.h), through the plan: another user namespace's ids as the owner
 * (the host's /etc/subuid and /etc/subgid: tests/fixtures/accounts/host has
 * dockremap 100000 and alice 300000, 65536 each), the owner-only maps of a
 * container with its own user namespace, and groups that NSS may have.
 */
#include <string.h>

#include "owner.h"
#include "plan_fixture.h"

#define TAIL "; handed only to a container whose user namespace maps it"

/* Without a user namespace, a volume of alice's range (the root, or any
 * user, of a container of hers) is left whole; a gid of it is left. */
START_TEST(test_subuid_not_the_containers)
{
	const struct plan_mount *pm;

	add_bind("/their-root", 300000, 300000);
	add_bind("/their-user", 301000, 501);
	add_bind("/their-group", 501, 300000);
	add_bind("/host-user", 501, 501);
	pm = build(NULL, NULL);
	assert_skip(&pm[0], "source is owned by uid 300000 (a subordinate id of alice in "
			    "/etc/subuid)" TAIL);
	ck_assert(!pm[0].fallback);
	assert_skip(&pm[1], "source is owned by uid 301000 (a subordinate id of alice in "
			    "/etc/subuid)" TAIL);
	assert_idmap(&pm[2], 1000, 300000);
	ck_assert(pm[2].gid_left);
	ck_assert_str_eq(pm[2].reason, "group 300000 left: gid 300000 (a subordinate id of alice "
				       "in /etc/subgid): handed only to a container whose user "
				       "namespace maps it");
	assert_idmap(&pm[3], 1000, 1000);
}
END_TEST

/* A container whose user namespace is alice's range: her ids are its own. */
START_TEST(test_subuid_the_containers)
{
	struct id_extent u[] = {{0, 300000, 65536}};
	struct idmap ns = {.n = 1, .big = u};
	const struct plan_mount *pm;

	add_bind("/svc", 300500, 300500);
	add_bind("/root", 300000, 300000);
	add_bind("/other-range", 100500, 100500);
	pm = build(&ns, &ns);
	assert_owner_only(&pm[0], 300500, 301000, 300500, 301000);
	assert_skip(&pm[1], "source is owned by the container's root (host uid 300000)");
	assert_skip(&pm[2], "source is owned by uid 100500 (a subordinate id of dockremap in "
			    "/etc/subuid)" TAIL);
	plan_free(&fx.plan);
	/* Its root is never swapped with one of its own ids (the landed rule). */
	fx.spec.uid = fx.spec.gid = 0;
	pm = build(&ns, &ns);
	assert_skip(&pm[0], "container user is the container's root (host uid 300000)");
}
END_TEST

/* The lines as shadow's tools (or an engine) might take them: a '#' before
 * the owner and blanks around the numbers make a range; a count of 0, a
 * number that is none, a fourth field do not. */
START_TEST(test_subuid_lines)
{
	const struct plan_mount *pm;

	add_bind("/hash", 400005, 400005);
	add_bind("/blanks", 500099, 500099);
	add_bind("/zero", 600000, 600000);
	add_bind("/four", 700000, 700000);
	add_bind("/past-bob", 500100, 500100);
	pm = build(NULL, NULL);
	assert_skip(&pm[0], "source is owned by uid 400005 (a subordinate id in /etc/subuid)");
	assert_skip(&pm[1], "source is owned by uid 500099 (a subordinate id in /etc/subuid)");
	for (int i = 2; i < 5; i++)
		assert_idmap(&pm[i], 1000, 1000);
}
END_TEST

/* Behind an idmapped source, on disk: what the container writes lands as
 * the on-disk owner. */
START_TEST(test_subuid_on_disk)
{
	const struct plan_mount *pm;

	add_idmapped("/view", 300000, 300000);
	pm = build(NULL, NULL);
	assert_skip(&pm[0], "source is owned by uid 300000 (a subordinate id of alice in "
			    "/etc/subuid) on disk, seen as uid 2000 through its idmap" TAIL);
}
END_TEST

/* /etc/subuid that cannot be read: no uid is handed over blind. */
START_TEST(test_subuid_unreadable)
{
	const struct plan_mount *pm;

	fx.accounts.root = ACCOUNTS_FIXTURES "unreadable";
	add_bind("/data", 501, 501);
	pm = build(NULL, NULL);
	assert_skip(&pm[0], "source is owned by uid 501 (a subordinate id or not); the host's "
			    "subordinate ids cannot be read: ");
}
END_TEST

/* Read at the first uid in question only: not for a volume skipped before. */
START_TEST(test_subuid_lazy)
{
	add_bind("/mine", 1000, 1000);
	add_bind("/root", 0, 0);
	build(NULL, NULL);
	ck_assert(!fx.accounts.subids_read);
	plan_free(&fx.plan);
	add_bind("/data", 501, 501);
	build(NULL, NULL);
	ck_assert(fx.accounts.subids_read);
}
END_TEST

/* Under a user namespace the mount's maps are owner-only: the owner is the
 * container user, no other id of the container's is mapped, ids outside its
 * ranges are themselves; without one, the swap. */
START_TEST(test_owner_only_maps)
{
	struct id_extent u[] = {{0, 100000, 65536}};
	struct id_extent g[] = {{0, 200000, 65536}};
	struct idmap uid_ns = {.n = 1, .big = u}, gid_ns = {.n = 1, .big = g};
	const struct plan_mount *pm;

	add_bind("/data", 501, 501);
	pm = build(&uid_ns, &gid_ns);
	assert_owner_only(&pm[0], 501, 101000, 501, 201000);
	assert_unmapped(&pm[0], 100000, 200000); /* the container's root */
	assert_unmapped(&pm[0], 101000, 201000); /* no way back */
	assert_unmapped(&pm[0], 165535, 265535);
	assert_sends(pm[0].mapping, 0, 0, 0, 0); /* outside: as ever */
	assert_sends(pm[0].mapping, 165536, 165536, 265536, 265536);
	ck_assert_uint_eq(fx.plan.mappings[pm[0].mapping].uid_map.n, 4);
	plan_free(&fx.plan);
	pm = build(NULL, NULL);
	assert_sends(pm[0].mapping, 1000, 501, 1000, 501);
}
END_TEST

/* An idmapped source (disk 501 shown as 2000) under a user namespace: the
 * owner-only maps after its own. */
START_TEST(test_owner_only_composed)
{
	struct id_extent u[] = {{0, 100000, 65536}};
	struct idmap ns = {.n = 1, .big = u};
	const struct plan_mount *pm;

	add_idmapped("/view", 501, 501);
	pm = build(&ns, &ns);
	ck_assert(pm[0].composed);
	assert_owner_only(&pm[0], 501, 101000, 501, 101000);
	assert_unmapped(&pm[0], 100005, 100005);
	assert_unmapped(&pm[0], 101000, 101000);
	assert_sends(pm[0].mapping, 2000, 501, 2000, 501); /* seen as 501 before, as ever */
}
END_TEST

/* "group: files systemd" (Debian 12's): a group of systemd's userdb or of
 * its dynamic users may exist, so it is left for an owner with no account;
 * a gid that neither has is handed over (the tests' 501:501). */
START_TEST(test_nss_groups)
{
	const struct plan_mount *pm;

	fx.accounts.root = ACCOUNTS_FIXTURES "nss-systemd";
	add_bind("/userdb", 7601, 47777);
	add_bind("/dynamic", 7601, 61200);
	add_bind("/foreign", 501, 501);
	pm = build(NULL, NULL);
	ck_assert_str_eq(pm[0].reason, "group 47777 left: owner 7601 has no account here and the "
				       "host may have a group 47777: /etc/userdb/47777.group, "
				       "systemd's userdb");
	ck_assert(pm[0].gid_left);
	ck_assert_str_eq(pm[1].reason, "group 61200 left: owner 7601 has no account here and the "
				       "host may have a group 61200: the range of systemd's "
				       "dynamic users (61184..65519)");
	assert_idmap(&pm[2], 1000, 1000);
	ck_assert(!pm[2].gid_left);
	plan_free(&fx.plan);
	accounts_free(&fx.accounts);
	/* Any other source: any gid may be a group there. */
	fx.accounts = (struct accounts){.root = ACCOUNTS_FIXTURES "nss-sss"};
	pm = build(NULL, NULL);
	ck_assert_str_eq(pm[2].reason,
			 "group 501 left: owner 501 has no account here and the host "
			 "may have a group 501: /etc/nsswitch.conf's group line lists "
			 "sss, which is not read");
}
END_TEST

Suite *owner_ns_suite(void)
{
	Suite *s = suite_create("owner_ns");
	TCase *tc = tcase_create("rule");

	tcase_add_checked_fixture(tc, plan_fixture_setup, plan_fixture_teardown);
	tcase_add_test(tc, test_subuid_not_the_containers);
	tcase_add_test(tc, test_subuid_the_containers);
	tcase_add_test(tc, test_subuid_lines);
	tcase_add_test(tc, test_subuid_on_disk);
	tcase_add_test(tc, test_subuid_unreadable);
	tcase_add_test(tc, test_subuid_lazy);
	tcase_add_test(tc, test_owner_only_maps);
	tcase_add_test(tc, test_owner_only_composed);
	tcase_add_test(tc, test_nss_groups);
	suite_add_tcase(s, tc);
	return s;
}
