/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plan's trees from fixture mount tables (tests/fixtures/mountinfo-*.txt,
 * as libmount reads them): every mount of a volume's tree, its role, the
 * flags it ends with, its propagation, whether it is cloned whole; and
 * where attaching would propagate.  What remount executes is exactly this.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "plan_fixture.h"

/* An idmapped rbind volume with nested read-only entries, as crun leaves
 * them at hook time (not read-only yet): each ends read-only. */
static void nested_ro_volume(void)
{
	load_table("mountinfo-nested-ro.txt");
	add_in_view("/data", "bind", 101, 501, 501)->is_recursive = true;
	add_in_view("/data/match", "bind", 102, 1000, 1000)->flags = RO;
	add_in_view("/data/optout", "bind", 103, 501, 501)->flags = RO;
	add_in_view("/data/own", "bind", 104, 501, 501)->flags = RO;
	add_in_view("/data/tmp", "tmpfs", 105, 0, 0)->flags = RO | NOSUID;
	fx.spec.skip = "/data/optout";
}

START_TEST(test_nested_ro_crun)
{
	const struct plan_tree *t;

	nested_ro_volume();
	build_tree();
	ck_assert_uint_eq(fx.plan.n_trees, 1);
	t = tree_of(0);
	ck_assert_uint_eq(t->n, 6);
	/* The top, then each mount below in the order the runtime mounted it. */
	expect_node(t, 0, "/data", PLAN_ROLE_IDMAP, NOSUID);
	expect_node(t, 1, "/data/match", PLAN_ROLE_KEEP, RO);
	expect_node(t, 2, "/data/optout", PLAN_ROLE_KEEP, RO);
	expect_node(t, 3, "/data/own", PLAN_ROLE_IDMAP, RO | NOSUID);
	expect_node(t, 4, "/data/tmp", PLAN_ROLE_KEEP, RO);
	expect_node(t, 5, "/data/sub", PLAN_ROLE_IDMAP, NOSUID); /* the rbind's own submount */
	ck_assert_uint_eq(final_flags(&t->nodes[5]), NODEV | NOSUID);
	ck_assert_uint_eq(t->nodes[0].size, 6);
	ck_assert_uint_eq(t->nodes[0].mapping, fx.plan.mounts[0].mapping);
	ck_assert_uint_eq(t->nodes[3].mapping, fx.plan.mounts[3].mapping);
	ck_assert_uint_eq(t->nodes[5].mapping, fx.plan.mounts[0].sub_mapping);
	/* Kept mounts inside an idmapped one: assembled, each leaf whole. */
	ck_assert(!t->nodes[0].whole);
	for (size_t j = 1; j < t->n; j++)
		ck_assert(t->nodes[j].whole);
	ck_assert_uint_eq(t->nodes[5].propagation, MOUNT_PROP_SLAVE);
	ck_assert_uint_eq(t->nodes[0].propagation, MOUNT_PROP_SLAVE);
	/* The nested planned mount is a node of the outer tree. */
	ck_assert_uint_eq(fx.plan.mounts[3].tree, fx.plan.mounts[0].tree);
	ck_assert_uint_eq(fx.plan.mounts[3].node, 3);
	ck_assert_uint_eq(fx.plan.mounts[1].tree, PLAN_NO_NODE);
}
END_TEST

/* The same as runc leaves it (read-only already): the same final flags,
 * nothing added but nosuid. */
START_TEST(test_nested_ro_runc)
{
	const struct plan_tree *t;

	nested_ro_volume();
	for (int id = 102; id <= 105; id++)
		((struct mount_entry *)mountinfo_find(&fx.view.table, id))->flags |= RO;
	build_tree();
	t = tree_of(0);
	expect_node(t, 1, "/data/match", PLAN_ROLE_KEEP, 0);
	expect_node(t, 2, "/data/optout", PLAN_ROLE_KEEP, 0);
	expect_node(t, 3, "/data/own", PLAN_ROLE_IDMAP, NOSUID);
	expect_node(t, 4, "/data/tmp", PLAN_ROLE_KEEP, 0);
	for (size_t j = 1; j <= 4; j++)
		ck_assert(final_flags(&t->nodes[j]) & RO);
	ck_assert_uint_eq(final_flags(&t->nodes[4]), RO | NOSUID);
}
END_TEST

/* crun's remount after the hooks carries nosuid, nodev and noexec with ro. */
START_TEST(test_deferred_flags)
{
	load_table("mountinfo-ro-flags.txt");
	add_in_view("/x", "bind", 101, 501, 501)->flags = RO | NOEXEC; /* crun: not yet */
	add_in_view("/d", "bind", 102, 501, 501)->flags = RO | NODEV;  /* runc: done */
	add_in_view("/t", "bind", 103, 501, 501)->is_recursive =
	    true; /* rbind,ro (runc: top only) */
	fx.mounts[2].flags = RO;
	build_tree();
	ck_assert_uint_eq(fx.plan.n_trees, 3);
	expect_node(tree_of(0), 0, "/x", PLAN_ROLE_IDMAP, RO | NOEXEC | NOSUID);
	expect_node(tree_of(1), 0, "/d", PLAN_ROLE_IDMAP, NOSUID);
	ck_assert_uint_eq(final_flags(&tree_of(1)->nodes[0]), RO | NODEV | NOSUID);
	/* rbind,ro: the top read-only, its submounts as they are (one was
	 * nosuid already); one clone, nosuid set on all of it at once. */
	expect_node(tree_of(2), 0, "/t", PLAN_ROLE_IDMAP, NOSUID);
	expect_node(tree_of(2), 1, "/t/sub", PLAN_ROLE_IDMAP, NOSUID);
	expect_node(tree_of(2), 2, "/t/fz", PLAN_ROLE_IDMAP, 0);
	expect_node(tree_of(2), 3, "/t/u", PLAN_ROLE_IDMAP, NOSUID);
	ck_assert(tree_of(2)->nodes[0].whole);
	ck_assert_uint_eq(tree_of(2)->nodes[0].add_tree, NOSUID);
	ck_assert_uint_eq(final_flags(&tree_of(2)->nodes[1]), NOSUID);
	ck_assert_uint_eq(final_flags(&tree_of(2)->nodes[2]), NOSUID | NODEV);
}
END_TEST

/* A nested entry with the volume's own map that crun has not made
 * read-only yet: the read-only is its alone, so the tree is assembled. */
START_TEST(test_assembled_for_flags)
{
	const struct plan_tree *t;

	load_table("mountinfo-ro-flags.txt");
	add_in_view("/t", "bind", 103, 501, 501)->is_recursive = true;
	add_in_view("/t/u", "bind", 106, 501, 501)->flags = RO;
	build_tree();
	t = tree_of(0);
	ck_assert_uint_eq(fx.plan.n_trees, 1);
	expect_node(t, 3, "/t/u", PLAN_ROLE_IDMAP, RO | NOSUID);
	ck_assert_uint_eq(t->nodes[3].mapping, t->nodes[0].mapping);
	ck_assert(!t->nodes[0].whole);
	ck_assert_uint_eq(t->nodes[0].add_tree, 0);
	ck_assert_uint_eq(fx.plan.mounts[1].node, 3);
}
END_TEST

/* The same where the kernel cannot attach a mount to a detached tree (it
 * refused when the hook tried, facts_kernel.c): stacked on the attached
 * tree instead, every mount keeping its role; where it can, assembled. */
START_TEST(test_stacked_without_attach_detached)
{
	const struct plan_tree *t;

	load_table("mountinfo-ro-flags.txt");
	add_in_view("/t", "bind", 103, 501, 501)->is_recursive = true;
	add_in_view("/t/u", "bind", 106, 501, 501)->flags = RO;
	fx.view.kernel.attach_detached =
	    (struct kernel_says){.answer = KERNEL_CANNOT, .code = EINVAL};
	build_tree();
	t = tree_of(0);
	ck_assert(t->stacked);
	ck_assert(!t->nodes[0].whole);
	expect_node(t, 3, "/t/u", PLAN_ROLE_IDMAP, RO | NOSUID);
	ck_assert_int_eq(fx.plan.mounts[1].action, PLAN_IDMAP);
	fx.view.kernel.attach_detached.answer = KERNEL_CAN;
	rebuild_tree();
	ck_assert(!tree_of(0)->stacked);
}
END_TEST

/* A filesystem the kernel refused to idmap (a tmpfs before Linux 6.3):
 * a volume whose rbind brought a submount of it is left as the runtime
 * made it, in the kernel's words and naming the submount, as a failed
 * step; the nested volume on another filesystem is a tree of its own. */
START_TEST(test_kernel_refused_fs)
{
	static struct fs_answer no_tmpfs = {
	    .idmap = {.answer = KERNEL_CANNOT,
		      .code = EINVAL,
		      .why = "tmpfs filesystem: mount_setattr(IDMAP): Invalid argument"}};
	const struct plan_mount *pm;

	load_table("mountinfo-ro-flags.txt");
	add_in_view("/t", "bind", 103, 501, 501)->is_recursive = true;
	add_in_view("/t/u", "bind", 106, 502, 502);
	no_tmpfs.dev = makedev(0, 43);
	fx.view.kernel.fs = &no_tmpfs;
	fx.view.kernel.n_fs = 1;
	build_tree();
	pm = &fx.plan.mounts[0];
	ck_assert_int_eq(pm->action, PLAN_SKIP);
	ck_assert(pm->fallback);
	ck_assert_int_eq(pm->failed, -EINVAL);
	ck_assert_str_eq(pm->reason, "/srv/x (rbind, with its submounts): submount /t/sub: tmpfs "
				     "filesystem: mount_setattr(IDMAP): Invalid argument");
	ck_assert_int_eq(fx.plan.mounts[1].action, PLAN_IDMAP);
	ck_assert_uint_eq(tree_of(1)->n, 1);
	fx.view.kernel = (struct kernel_facts){0};
}
END_TEST

/* The same rbind,ro as crun leaves it: still one clone, the top's extra
 * flag set on the top alone.  rro the runtimes apply to the whole tree
 * before the hooks: nothing to add below. */
START_TEST(test_whole_with_extra_top_flags)
{
	const struct plan_tree *t;

	load_table("mountinfo-ro-flags.txt");
	((struct mount_entry *)mountinfo_find(&fx.view.table, 103))->flags = 0;
	add_in_view("/t", "bind", 103, 501, 501)->is_recursive = true;
	fx.mounts[0].flags = RO;
	build_tree();
	t = tree_of(0);
	expect_node(t, 0, "/t", PLAN_ROLE_IDMAP, RO | NOSUID);
	expect_node(t, 1, "/t/sub", PLAN_ROLE_IDMAP, NOSUID);
	ck_assert(t->nodes[0].whole);
	ck_assert_uint_eq(t->nodes[0].add_tree, NOSUID);
	fx.mounts[0].flags = 0;
	fx.mounts[0].flags_tree = RO; /* rro */
	for (int id = 103; id <= 106; id++)
		((struct mount_entry *)mountinfo_find(&fx.view.table, id))->flags |= RO;
	rebuild_tree();
	t = tree_of(0);
	expect_node(t, 0, "/t", PLAN_ROLE_IDMAP, NOSUID);
	expect_node(t, 1, "/t/sub", PLAN_ROLE_IDMAP, NOSUID);
	ck_assert_uint_eq(final_flags(&t->nodes[1]), RO | NOSUID);
	ck_assert(t->nodes[0].whole);
	/* rro with noexec: crun remounts the mount itself read-only after the
	 * hooks, and noexec with it. */
	fx.mounts[0].flags = NOEXEC;
	rebuild_tree();
	t = tree_of(0);
	expect_node(t, 0, "/t", PLAN_ROLE_IDMAP, NOEXEC | NOSUID);
	expect_node(t, 1, "/t/sub", PLAN_ROLE_IDMAP, NOSUID);
}
END_TEST

/* A read-write entry's flags are the runtime's when the hook runs: crun
 * 1.8 under a user namespace drops a read-write bind's nodev and noexec,
 * and the hook adds none of them back (it ends as the runtime does). */
START_TEST(test_rw_entry_adds_nothing)
{
	load_table("mountinfo-ro-flags.txt");
	add_in_view("/x", "bind", 101, 501, 501)->flags = NODEV | NOEXEC;
	build_tree();
	expect_node(tree_of(0), 0, "/x", PLAN_ROLE_IDMAP, NOSUID);
	ck_assert_uint_eq(final_flags(&tree_of(0)->nodes[0]), NOSUID);
}
END_TEST

/* A shared volume (option shared, not rshared) whose submount the runtime
 * left private: the kernel makes every mount of a tree attached onto a
 * shared mount shared, so the submount is a clone of its own, to get its
 * type back after the attach. */
START_TEST(test_shared_top_private_submount)
{
	const struct plan_tree *t;

	load_table("mountinfo-ro-flags.txt");
	((struct mount_entry *)mountinfo_find(&fx.view.table, 103))->shared = 9;
	add_in_view("/t", "bind", 103, 501, 501)->is_recursive = true;
	build_tree();
	t = tree_of(0);
	ck_assert_uint_eq(t->nodes[0].propagation, MOUNT_PROP_SHARED);
	ck_assert_uint_eq(t->nodes[1].propagation, 0);
	ck_assert(!t->nodes[0].whole);
	ck_assert(t->nodes[1].whole);
	/* All shared below it: one clone again. */
	for (int id = 104; id <= 106; id++)
		((struct mount_entry *)mountinfo_find(&fx.view.table, id))->shared = id;
	rebuild_tree();
	ck_assert(tree_of(0)->nodes[0].whole);
}
END_TEST

/* A tmpfs of config.json stacked on a submount the rbind brought: kept on
 * a remapped mount, it has no place in the submount's clone; the volume is
 * left as the runtime made it, saying why. */
START_TEST(test_stacked_cannot_be_assembled)
{
	load_table("mountinfo-stacked.txt");
	add_in_view("/data", "bind", 101, 501, 501)->is_recursive = true;
	add_in_view("/data/sub", "tmpfs", 103, 0, 0);
	build_tree();
	ck_assert_int_eq(fx.plan.mounts[0].action, PLAN_SKIP);
	ck_assert(fx.plan.mounts[0].fallback);
	ck_assert_str_eq(fx.plan.mounts[0].reason, "its tree cannot be assembled: /data/sub is "
						   "stacked on another mount inside it");
	ck_assert_uint_eq(fx.plan.n_trees, 0);
}
END_TEST

static void shared_tables(void)
{
	load_table("mountinfo-shared.txt");
	load_host_table("mountinfo-shared-host.txt");
	add_in_view("/data", "bind", 101, 501, 501)->is_recursive = true;
	add_in_view("/data/inner", "bind", 102, 501, 501);
	add_in_view("/other", "bind", 103, 501, 501);
	add_in_view("/twice", "bind", 104, 501, 501);
	add_in_view("/slave", "bind", 106, 501, 501);
}

/* Nothing the hook attaches propagates out of the container. */
START_TEST(test_reach)
{
	const struct plan_mount *pm;

	shared_tables();
	build_tree();
	pm = fx.plan.mounts;
	/* A peer of the host's /srv/vol. */
	ck_assert_int_eq(fx.facts[0].reach, REACH_HOST);
	ck_assert_int_eq(pm[0].action, PLAN_SKIP);
	ck_assert(pm[0].fallback);
	ck_assert_str_eq(pm[0].reason,
			 "attaching here would propagate out of the container: the mount at the "
			 "destination is a peer (shared:5) of the host's mount at /srv/vol");
	/* Through a slave's peer group to a slave of that: its own tree now. */
	ck_assert_int_eq(fx.facts[1].reach, REACH_HOST);
	ck_assert_int_eq(pm[1].action, PLAN_SKIP);
	ck_assert_msg(strstr(pm[1].reason, "host's mount at /mnt/y"), "%s", pm[1].reason);
	/* A peer group of its own (shared, and a slave of the host's). */
	ck_assert_int_eq(fx.facts[2].reach, REACH_NONE);
	ck_assert_uint_eq(tree_of(2)->nodes[0].propagation, MOUNT_PROP_SHARED | MOUNT_PROP_SLAVE);
	/* A peer in the container whose root holds this one's. */
	ck_assert_int_eq(fx.facts[3].reach, REACH_CONTAINER);
	ck_assert_str_eq(pm[3].reason, "attaching here would propagate to /srv in the container, "
				       "whose mount shares its peer group (shared:8)");
	/* Its only other peer is the runtime's old root, gone at pivot_root. */
	ck_assert_int_eq(fx.facts[4].reach, REACH_NONE);
	ck_assert_int_eq(pm[4].action, PLAN_IDMAP);
	ck_assert_uint_eq(fx.plan.n_trees, 2);
}
END_TEST

/* Nor below such a mount: a copy the runtime makes of /data after the hooks
 * (readonlyPaths) would carry a clone on /data/inner to the host's /srv/vol,
 * however private /data/inner's own mount is. */
START_TEST(test_reach_above)
{
	const struct plan_mount *pm;

	shared_tables();
	((struct mount_entry *)mountinfo_find(&fx.view.table, 102))->shared = 0;
	build_tree();
	pm = fx.plan.mounts;
	ck_assert_int_eq(fx.facts[1].reach, REACH_NONE);
	ck_assert_int_eq(pm[1].action, PLAN_SKIP);
	ck_assert(pm[1].fallback);
	ck_assert_str_eq(
	    pm[1].reason,
	    "attaching here would propagate out of the container: /data above it, which a "
	    "runtime may copy after the hooks, is a peer (shared:5) of the host's mount at "
	    "/srv/vol");
	/* /other, a peer group of its own above nothing shared: still remapped. */
	ck_assert_int_eq(pm[2].action, PLAN_IDMAP);
}
END_TEST

/* Without the host's table nothing can be told: left alone, saying why. */
START_TEST(test_reach_unknown)
{
	struct err host_err = {0};
	struct err e = {0};

	shared_tables();
	ck_assert_int_eq(facts_assign(&fx.spec, fx.facts, &fx.view), 0);
	err_set(&host_err, EACCES, "mount table /proc/self/mountinfo");
	facts_reach(&fx.spec, fx.facts, &fx.view, NULL, &host_err);
	ck_assert_int_eq(plan_build(&fx.spec, NULL, NULL, &fx.host, &fx.accounts, fx.facts,
				    &fx.view, &fx.plan, &e),
			 0);
	ck_assert_int_eq(fx.plan.mounts[0].action, PLAN_SKIP);
	ck_assert_str_eq(fx.plan.mounts[0].reason,
			 "cannot tell where attaching here would propagate (its peer group "
			 "shared:5): mount table /proc/self/mountinfo: Permission denied");
	ck_assert_int_eq(fx.plan.mounts[2].action, PLAN_SKIP); /* shared too */
	ck_assert_int_eq(fx.facts[4].reach, REACH_UNKNOWN);
}
END_TEST

/* Not looked at in a container: no trees, nothing to execute. */
START_TEST(test_no_view_no_trees)
{
	struct err e = {0};

	add_in_view("/data", "bind", 101, 501, 501)->is_recursive = true;
	fx.facts[0].seen_in_container = false;
	ck_assert_int_eq(plan_build(&fx.spec, NULL, NULL, &fx.host, &fx.accounts, fx.facts,
				    &fx.view, &fx.plan, &e),
			 0);
	ck_assert_int_eq(fx.plan.mounts[0].action, PLAN_IDMAP);
	ck_assert_uint_eq(fx.plan.n_trees, 0);
	ck_assert_uint_eq(fx.plan.mounts[0].tree, PLAN_NO_NODE);
}
END_TEST

Suite *plan_tree_suite(void)
{
	Suite *s = suite_create("plan_tree");
	TCase *tc = tcase_create("trees");

	tcase_add_checked_fixture(tc, plan_fixture_setup, plan_fixture_teardown);
	tcase_add_test(tc, test_nested_ro_crun);
	tcase_add_test(tc, test_nested_ro_runc);
	tcase_add_test(tc, test_deferred_flags);
	tcase_add_test(tc, test_whole_with_extra_top_flags);
	tcase_add_test(tc, test_rw_entry_adds_nothing);
	tcase_add_test(tc, test_shared_top_private_submount);
	tcase_add_test(tc, test_assembled_for_flags);
	tcase_add_test(tc, test_stacked_without_attach_detached);
	tcase_add_test(tc, test_kernel_refused_fs);
	tcase_add_test(tc, test_stacked_cannot_be_assembled);
	tcase_add_test(tc, test_reach);
	tcase_add_test(tc, test_reach_above);
	tcase_add_test(tc, test_reach_unknown);
	tcase_add_test(tc, test_no_view_no_trees);
	suite_add_tcase(s, tc);
	return s;
}
