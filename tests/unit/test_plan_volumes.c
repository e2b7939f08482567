/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plan's trees for one bundle (tests/fixtures/config-volumes.json) as
 * runc and crun really left it at hook time (mountinfo-runc-volumes.txt,
 * mountinfo-crun-volumes.txt): an rbind volume with a submount, a bind
 * read-only volume and a read-only tmpfs nested in it, a plain nosuid bind
 * whose source has a submount on the host, and an rbind,rro volume.  What
 * the user cares about: which mount gets remapped, which stays as the
 * runtime made it, and that every one ends read-only or nosuid as asked,
 * the same under both runtimes whatever each defers past the hooks.
 */
#include <string.h>

#include "cleanup.h"
#include "plan_fixture.h"

/* Every volume's source owned 501:501 (no host account): all swapped. */
static void plan_of(const char *table)
{
	load_table(table);
	load_config("config-volumes.json", 501, 501);
	build_tree();
}

/* The mounts of the rbind /data, in the order the runtime made them. */
static void expect_data_tree(void)
{
	const struct plan_tree *t = tree_of(entry_of("/data"));

	ck_assert_uint_eq(t->n, 4);
	expect_node(t, 0, "/data", PLAN_ROLE_IDMAP, NOSUID);
	expect_node(t, 1, "/data/sub", PLAN_ROLE_IDMAP, NOSUID); /* the rbind's submount */
	ck_assert_str_eq(t->nodes[2].path, "/data/inner");
	ck_assert_int_eq(t->nodes[2].role, PLAN_ROLE_IDMAP);
	/* The nested read-only volume ends read-only and nosuid ... */
	ck_assert_uint_eq(final_flags(&t->nodes[2]), RO | NOSUID);
	/* ... the tmpfs in it is the runtime's: kept, ending read-only. */
	ck_assert_str_eq(t->nodes[3].path, "/data/tmp");
	ck_assert_int_eq(t->nodes[3].role, PLAN_ROLE_KEEP);
	ck_assert_uint_eq(final_flags(&t->nodes[3]), RO | NOSUID);
	/* The nested volume is a node of the outer tree, not a tree of its own. */
	ck_assert_uint_eq(fx.plan.mounts[entry_of("/data/inner")].tree,
			  fx.plan.mounts[entry_of("/data")].tree);
	ck_assert_uint_eq(fx.plan.mounts[entry_of("/data/inner")].node, 2);
	/* A kept mount cannot share the clone of remapped ones. */
	ck_assert(!t->nodes[0].whole);
}

/* The plain bind: its mount alone, nosuid already (nothing to add); the
 * host's submount of its source is nowhere in it. */
static void expect_plain_tree(void)
{
	const struct plan_tree *t = tree_of(entry_of("/plain"));

	ck_assert_uint_eq(t->n, 1);
	expect_node(t, 0, "/plain", PLAN_ROLE_IDMAP, 0);
	ck_assert_uint_eq(final_flags(&t->nodes[0]), NOSUID);
	ck_assert(t->nodes[0].whole);
}

/* rbind,rro: the volume and its submount read-only already, both
 * remapped with one clone, nosuid set on all of it at once. */
static void expect_rro_tree(void)
{
	const struct plan_tree *t = tree_of(entry_of("/rro"));

	ck_assert_uint_eq(t->n, 2);
	expect_node(t, 0, "/rro", PLAN_ROLE_IDMAP, NOSUID);
	expect_node(t, 1, "/rro/sub", PLAN_ROLE_IDMAP, NOSUID);
	ck_assert_uint_eq(final_flags(&t->nodes[1]), RO | NOSUID);
	ck_assert(t->nodes[0].whole);
	ck_assert_uint_eq(t->nodes[0].add_tree, NOSUID);
}

/* Which config.json entries are remapped: every bind volume; never the
 * runtime's own mounts. */
static void expect_actions(void)
{
	static const char *const idmapped[] = {"/data", "/data/inner", "/plain", "/rro"};

	for (size_t i = 0; i < fx.spec.n_mounts; i++) {
		bool want = false;

		for (size_t j = 0; j < ARRAY_SIZE(idmapped); j++)
			want |= strcmp(fx.spec.mounts[i].destination, idmapped[j]) == 0;
		ck_assert_msg((fx.plan.mounts[i].action == PLAN_IDMAP) == want, "%s: %s",
			      fx.spec.mounts[i].destination, fx.plan.mounts[i].reason);
	}
	/* One tree per outermost volume. */
	ck_assert_uint_eq(fx.plan.n_trees, 3);
}

/* runc made /data/inner read-only before the hooks; the hook adds nosuid. */
START_TEST(test_runc)
{
	plan_of("mountinfo-runc-volumes.txt");
	expect_actions();
	expect_data_tree();
	ck_assert_uint_eq(tree_of(entry_of("/data"))->nodes[2].add, NOSUID);
	expect_plain_tree();
	expect_rro_tree();
}
END_TEST

/* crun makes /data/inner read-only only after the hooks: the plan makes
 * its clone read-only, to end as runc's does. */
START_TEST(test_crun)
{
	plan_of("mountinfo-crun-volumes.txt");
	expect_actions();
	expect_data_tree();
	ck_assert_uint_eq(tree_of(entry_of("/data"))->nodes[2].add, RO | NOSUID);
	expect_plain_tree();
	expect_rro_tree();
}
END_TEST

/* A nested volume the container user owns already stays as the runtime
 * made it, read-only, inside the remapped volume around it. */
START_TEST(test_nested_owned_by_user)
{
	const struct plan_tree *t;
	size_t inner;

	load_table("mountinfo-crun-volumes.txt");
	load_config("config-volumes.json", 501, 501);
	inner = entry_of("/data/inner");
	fx.facts[inner].uid = fx.facts[inner].walk.end.uid = 1000;
	fx.facts[inner].gid = fx.facts[inner].walk.end.gid = 1000;
	build_tree();
	ck_assert_int_eq(fx.plan.mounts[inner].action, PLAN_SKIP);
	t = tree_of(entry_of("/data"));
	expect_node(t, 2, "/data/inner", PLAN_ROLE_KEEP, RO);
	expect_node(t, 1, "/data/sub", PLAN_ROLE_IDMAP, NOSUID);
}
END_TEST

/* The volume the user asked to be left alone (the skip annotation) is
 * kept, and so is everything the rbind brought with it; a volume nested
 * in it is a tree of its own. */
START_TEST(test_outer_skipped)
{
	char skip[] = "/data";

	load_table("mountinfo-runc-volumes.txt");
	load_config("config-volumes.json", 501, 501);
	fx.spec.skip = skip;
	build_tree();
	ck_assert_int_eq(fx.plan.mounts[entry_of("/data")].action, PLAN_SKIP);
	ck_assert_int_eq(fx.plan.mounts[entry_of("/data/inner")].action, PLAN_IDMAP);
	ck_assert_uint_eq(tree_of(entry_of("/data/inner"))->n, 1);
	expect_node(tree_of(entry_of("/data/inner")), 0, "/data/inner", PLAN_ROLE_IDMAP, NOSUID);
	fx.spec.skip = NULL;
}
END_TEST

/* The rbind's submount a peer of a host mount (shared:5, the host's
 * /srv/vol): the clone is attached onto the rootfs's private mount, so
 * nothing the hook attaches propagates out; the volume is remapped and the
 * submount's clone keeps the runtime's shared propagation. */
START_TEST(test_submount_shared_with_host)
{
	const struct plan_tree *t;

	load_table("mountinfo-runc-volumes.txt");
	load_host_table("mountinfo-shared-host.txt");
	((struct mount_entry *)mountinfo_find(&fx.view.table, 177))->shared = 5;
	load_config("config-volumes.json", 501, 501);
	build_tree();
	ck_assert_int_eq(fx.facts[entry_of("/data")].reach, REACH_NONE);
	t = tree_of(entry_of("/data"));
	expect_node(t, 1, "/data/sub", PLAN_ROLE_IDMAP, NOSUID);
	ck_assert_uint_eq(t->nodes[1].propagation, MOUNT_PROP_SHARED);
	ck_assert_uint_eq(t->nodes[0].propagation, 0);
	/* The volume itself a peer of the host's: left as the runtime made it. */
	((struct mount_entry *)mountinfo_find(&fx.view.table, 176))->shared = 5;
	rebuild_tree();
	ck_assert_int_eq(fx.facts[entry_of("/data")].reach, REACH_HOST);
	ck_assert_int_eq(fx.plan.mounts[entry_of("/data")].action, PLAN_SKIP);
	ck_assert(fx.plan.mounts[entry_of("/data")].fallback);
}
END_TEST

Suite *plan_volumes_suite(void)
{
	Suite *s = suite_create("plan_volumes");
	TCase *tc = tcase_create("volumes");

	tcase_add_checked_fixture(tc, plan_fixture_setup, plan_fixture_teardown);
	tcase_add_test(tc, test_runc);
	tcase_add_test(tc, test_crun);
	tcase_add_test(tc, test_nested_owned_by_user);
	tcase_add_test(tc, test_outer_skipped);
	tcase_add_test(tc, test_submount_shared_with_host);
	suite_add_tcase(s, tc);
	return s;
}
