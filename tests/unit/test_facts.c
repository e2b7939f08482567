/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pure part of lib/facts.c (facts_assign: which entry of config.json
 * made each mount of the container's table, and an rbind's own submounts)
 * and lib/facts_suid.c (which mounts a setuid file of a volume could run
 * through), from config-volumes.json and the tables runc and crun left at
 * hook time (mountinfo-{runc,crun}-volumes.txt).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "plan_fixture.h"

/* The table entry index of mount id. */
static size_t k_of(int id)
{
	const struct mount_entry *me = mountinfo_find(&fx.view.table, id);

	ck_assert_ptr_nonnull(me);
	return (size_t)(me - fx.view.table.entries);
}

static void assign(const char *table)
{
	load_table(table);
	load_config("config-volumes.json", 501, 501);
	ck_assert_int_eq(facts_assign(&fx.spec, fx.facts, &fx.view), 0);
}

/* Each entry made the mount at its destination; the rbind volume's own
 * submount is its, the entries nested in it are theirs, and a plain bind
 * has none (the host's submount of its source stays on the host). */
static void check_volumes(int data, int sub, int inner, int tmp, int rro, int rro_sub)
{
	const struct mount_facts *f = &fx.facts[entry_of("/data")];
	const struct mount_facts *r = &fx.facts[entry_of("/rro")];

	for (size_t i = 0; i < fx.spec.n_mounts; i++)
		ck_assert_msg(fx.facts[i].made_by == i, "%s made by %zu",
			      fx.spec.mounts[i].destination, fx.facts[i].made_by);
	ck_assert_uint_eq(f->n_subs, 1);
	ck_assert_int_eq(f->subs[0].id, sub);
	ck_assert_str_eq(f->subs[0].rel, "sub");
	ck_assert_str_eq(f->subs[0].fstype, "tmpfs");
	ck_assert_uint_eq(f->subs[0].dev, makedev(0, 47));
	ck_assert_uint_eq(r->n_subs, 1);
	ck_assert_int_eq(r->subs[0].id, rro_sub);
	ck_assert_uint_eq(fx.facts[entry_of("/plain")].n_subs, 0);
	ck_assert_uint_eq(fx.facts[entry_of("/data/inner")].n_subs, 0);
	/* Per table entry: the entry whose mount is nearest above it. */
	ck_assert_uint_eq(fx.view.made_by[k_of(data)], entry_of("/data"));
	ck_assert_uint_eq(fx.view.made_by[k_of(sub)], entry_of("/data"));
	ck_assert_uint_eq(fx.view.made_by[k_of(inner)], entry_of("/data/inner"));
	ck_assert_uint_eq(fx.view.made_by[k_of(tmp)], entry_of("/data/tmp"));
	ck_assert_uint_eq(fx.view.made_by[k_of(rro)], entry_of("/rro"));
	ck_assert_uint_eq(fx.view.made_by[k_of(rro_sub)], entry_of("/rro"));
}

START_TEST(test_assign_runc)
{
	assign("mountinfo-runc-volumes.txt");
	check_volumes(176, 177, 178, 180, 181, 182);
	/* The rootfs, the host's root and its copy of the submount were made
	 * by no entry. */
	ck_assert_uint_eq(fx.view.made_by[k_of(140)], FACTS_NO_ENTRY);
	ck_assert_uint_eq(fx.view.made_by[k_of(137)], FACTS_NO_ENTRY);
	ck_assert_uint_eq(fx.view.made_by[k_of(116)], FACTS_NO_ENTRY);
}
END_TEST

START_TEST(test_assign_crun)
{
	assign("mountinfo-crun-volumes.txt");
	check_volumes(106, 107, 108, 110, 111, 112);
	ck_assert_uint_eq(fx.view.made_by[k_of(95)], FACTS_NO_ENTRY);
}
END_TEST

/* Of entries that resolve to one mount the last made it (the runtimes
 * mount in config.json's order), and the submounts are its alone.  An
 * entry whose destination resolves to a directory inside a mount shows
 * that mount: its maker's, or nobody's for a submount an rbind brought. */
START_TEST(test_last_entry_wins)
{
	load_table("mountinfo-runc-volumes.txt");
	add_in_view("/data", "bind", 176, 501, 501)->is_recursive = true;
	add_in_view("/data", "bind", 176, 501, 501)->is_recursive = true;
	add_in_view("/data/dir", "bind", 176, 501, 501);
	add_in_view("/data/sub/dir", "bind", 177, 501, 501);
	fx.facts[2].at_mount_root = false;
	fx.facts[3].at_mount_root = false;
	ck_assert_int_eq(facts_assign(&fx.spec, fx.facts, &fx.view), 0);
	ck_assert_uint_eq(fx.facts[0].made_by, 1);
	ck_assert_uint_eq(fx.facts[1].made_by, 1);
	ck_assert_uint_eq(fx.facts[0].n_subs, 0);
	/* /data/sub, /data/inner, /data/tmp: listed by nobody here. */
	ck_assert_uint_eq(fx.facts[1].n_subs, 3);
	ck_assert_uint_eq(fx.facts[2].made_by, 1);
	ck_assert_uint_eq(fx.facts[3].made_by, FACTS_NO_ENTRY);
	ck_assert_uint_eq(fx.view.made_by[k_of(177)], 1);
}
END_TEST

/* Where the container's rootfs cannot be told, every mount showing part of
 * a bind volume's filesystem that is not nosuid counts as reached: the
 * volume's own mounts, and the host's root above it; never a nosuid one,
 * another filesystem, or a mount beside the volumes. */
START_TEST(test_suid_reach_unknown_rootfs)
{
	assign("mountinfo-runc-volumes.txt");
	ck_assert_int_eq(facts_suid_reach(&fx.spec, fx.facts, &fx.view), 0);
	ck_assert_ptr_nonnull(fx.view.suid_reach);
	ck_assert(fx.view.suid_reach[k_of(176)]);  /* /data */
	ck_assert(fx.view.suid_reach[k_of(181)]);  /* /rro: the same directory */
	ck_assert(fx.view.suid_reach[k_of(116)]);  /* /: its ancestor */
	ck_assert(!fx.view.suid_reach[k_of(179)]); /* /plain: nosuid */
	ck_assert(!fx.view.suid_reach[k_of(177)]); /* /data/sub: a tmpfs */
	ck_assert(!fx.view.suid_reach[k_of(140)]); /* the rootfs: beside /srv */
}
END_TEST

Suite *facts_suite(void)
{
	Suite *s = suite_create("facts");
	TCase *tc = tcase_create("assign");

	tcase_add_checked_fixture(tc, plan_fixture_setup, plan_fixture_teardown);
	tcase_add_test(tc, test_assign_runc);
	tcase_add_test(tc, test_assign_crun);
	tcase_add_test(tc, test_last_entry_wins);
	tcase_add_test(tc, test_suid_reach_unknown_rootfs);
	suite_add_tcase(s, tc);
	return s;
}
