/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The owner rule, setuid through another mount (lib/owner.h, plan_suid.c):
 * a volume is left when the container reaches another mount of its
 * filesystem without nosuid whose root overlaps the volume's, unless the
 * hook makes that mount nosuid itself.  The container's table is a fixture;
 * who made each mount and which the container reaches without nosuid
 * (facts_suid.c) are set by hand.
 */
#include <stdlib.h>
#include <string.h>

#include "mountroots.h"
#include "plan_fixture.h"

/* The container's table at hook time: the rootfs (a bind of /b/rootfs),
 * /home (a bind of the disk's /home, without nosuid, as -v /home:/home:ro),
 * /proj (its /home/mac/proj), /srv (nosuid), /all (the disk's root, made by
 * nobody: an image's own mount, say), /data (/vol) with a submount of
 * another disk (0:60, /x), /other (that disk's root), /first (a tmpfs),
 * and /home/mac/proj mounted again inside /home. */
static const char table[] =
    "1 0 254:0 / / rw - ext4 /dev/vda rw\n"
    "100 1 254:0 /b/rootfs /b/rootfs rw - ext4 /dev/vda rw\n"
    "101 100 254:0 /home /b/rootfs/home ro - ext4 /dev/vda rw\n"
    "102 100 254:0 /home/mac/proj /b/rootfs/proj rw - ext4 /dev/vda rw\n"
    "103 100 254:0 /home/mac /b/rootfs/srv rw,nosuid - ext4 /dev/vda rw\n"
    "104 100 254:0 / /b/rootfs/all rw - ext4 /dev/vda rw\n"
    "105 100 254:0 /vol /b/rootfs/data rw - ext4 /dev/vda rw\n"
    "106 105 0:60 /x /b/rootfs/data/x rw - ext4 /dev/vdb rw\n"
    "107 100 0:60 / /b/rootfs/other rw - ext4 /dev/vdb rw\n"
    "108 100 0:61 / /b/rootfs/first rw,nosuid - tmpfs tmpfs rw\n"
    "109 101 254:0 /home/mac/proj /b/rootfs/home/mac/proj rw - ext4 /dev/vda rw\n";

static char *text;
static struct facts_view view;

/* The view of the table; made_by: per table entry, as facts would have it. */
static void setup_view(const size_t made_by[11])
{
	struct err e = {0};

	text = strdup(table);
	ck_assert_ptr_nonnull(text);
	view = (struct facts_view){.root_fd = -EBADF};
	ck_assert_int_eq(mountinfo_parse(text, &view.table, &e), 0);
	ck_assert_uint_eq(view.table.n, 11);
	view.made_by = calloc(11, sizeof(*view.made_by));
	view.suid_reach = calloc(11, sizeof(*view.suid_reach));
	ck_assert(view.made_by && view.suid_reach);
	for (size_t k = 0; k < 11; k++) {
		const struct mount_entry *me = &view.table.entries[k];

		view.made_by[k] = made_by[k];
		/* Reached from the rootfs, not nosuid (the facts' part); the
		 * nested /home/mac/proj only where a test says so. */
		view.suid_reach[k] =
		    me->id >= 100 && me->id != 109 && !(me->flags & MOUNT_FLAG_NOSUID);
	}
}

static void teardown_view(void)
{
	free(view.made_by);
	free(view.suid_reach);
	mountinfo_free(&view.table);
	free(text);
}

/* A bind mount of config.json whose mount is table entry id. */
static void add_seen(const char *dest, int id, uint32_t uid, uint32_t gid)
{
	add_bind(dest, uid, gid);
	fx.facts[fx.spec.n_mounts - 1].mnt_id = (uint64_t)id;
}

static const struct plan_mount *build_seen(void)
{
	struct err e = {0};

	ck_assert_int_eq(
	    plan_build(&fx.spec, NULL, NULL, &fx.host, &fx.accounts, fx.facts, &view, &fx.plan, &e),
	    0);
	return fx.plan.mounts;
}

#define N FACTS_NO_ENTRY
#define REST "a setuid file made here would run there as the owner"

/* -v /home:/home:ro (root's: left) and -v /home/mac/proj:/proj (501's): a
 * setuid file made in /proj would run as 501 from /home/mac/proj. */
START_TEST(test_parent_without_nosuid)
{
	const size_t made_by[11] = {N, N, 0, 1, N, N, N, N, N, N, 0};
	const struct plan_mount *pm;

	setup_view(made_by);
	view.suid_reach[5] = false; /* /all: not reached, for this case */
	add_seen("/home", 101, 0, 0);
	add_seen("/proj", 102, 501, 501);
	pm = build_seen();
	assert_skip(&pm[0], "source is owned by root");
	assert_skip(&pm[1], "/home, another mount of its filesystem without nosuid, shows its "
			    "files: " REST);
	ck_assert(!pm[1].fallback && !pm[1].failed);
	ck_assert_uint_eq(fx.plan.n_mappings, 0); /* the one it had is dropped */
	plan_free(&fx.plan);
	/* config.json asks nosuid for a read-write /home: what the hook sees
	 * is what the container gets (crun under a user namespace even drops
	 * it). */
	fx.mounts[0].flags = MOUNT_FLAG_NOSUID;
	pm = build_seen();
	assert_skip(&pm[1], "/home, another mount of its filesystem without nosuid");
	plan_free(&fx.plan);
	/* ... for a read-only one: crun sets both after the hooks, runc before. */
	fx.mounts[0].flags = MOUNT_FLAG_RDONLY | MOUNT_FLAG_NOSUID;
	pm = build_seen();
	assert_idmap(&pm[1], 1000, 1000);
	teardown_view();
}
END_TEST

/* The parent is the owner's too: the hook idmaps it, nosuid, and both go. */
START_TEST(test_parent_idmapped_too)
{
	const size_t made_by[11] = {N, N, 0, 1, N, N, N, N, N, N, 0};
	const struct plan_mount *pm;

	setup_view(made_by);
	view.suid_reach[5] = false;
	add_seen("/home", 101, 501, 501);
	add_seen("/proj", 102, 501, 501);
	pm = build_seen();
	assert_idmap(&pm[0], 1000, 1000);
	assert_idmap(&pm[1], 1000, 1000);
	teardown_view();
}
END_TEST

/* /all (the disk's root, nobody's volume) reaches /home, so /home is left,
 * and then /home reaches /proj: until nothing changes. */
START_TEST(test_left_until_nothing_changes)
{
	const size_t made_by[11] = {N, N, 0, 1, N, N, N, N, N, N, 0};
	const struct plan_mount *pm;

	setup_view(made_by);
	add_seen("/home", 101, 501, 501);
	add_seen("/proj", 102, 501, 501);
	pm = build_seen();
	assert_skip(&pm[0], "/all, another mount of its filesystem without nosuid");
	assert_skip(&pm[1], "/all, another mount of its filesystem without nosuid");
	ck_assert_uint_eq(fx.plan.n_mappings, 0);
	plan_free(&fx.plan);
	view.suid_reach[5] = false;
	view.suid_reach[2] = false; /* /home not reached (covered, say) */
	pm = build_seen();
	assert_idmap(&pm[1], 1000, 1000);
	teardown_view();
}
END_TEST

/* A submount of an rbind volume shows part of another disk that a plain
 * mount shows too; the mappings left are renumbered. */
START_TEST(test_submount_and_renumbering)
{
	const size_t made_by[11] = {N, N, N, N, N, N, 1, 1, N, 0, N};
	const struct plan_mount *pm;

	setup_view(made_by);
	view.suid_reach[5] = false;
	add_seen("/first", 108, 502, 502); /* another mapping, idmapped */
	add_seen("/data", 105, 501, 501);
	fx.mounts[1].is_recursive = true;
	pm = build_seen();
	assert_idmap(&pm[0], 1000, 1000);
	assert_skip(&pm[1], "/other, another mount of the filesystem of submount /data/x without "
			    "nosuid, shows its files: " REST);
	ck_assert_uint_eq(fx.plan.n_mappings, 1);
	ck_assert_uint_eq(pm[0].mapping, 0);
	plan_free(&fx.plan);
	/* In the other order, the one left first: the other's becomes 0. */
	fx.spec.n_mounts = 0;
	add_seen("/data", 105, 501, 501);
	fx.mounts[0].is_recursive = true;
	add_seen("/first", 108, 502, 502);
	view.made_by[6] = view.made_by[7] = 0;
	view.made_by[9] = 1;
	pm = build_seen();
	assert_skip(&pm[0], "/other");
	assert_idmap(&pm[1], 1000, 1000);
	ck_assert_uint_eq(fx.plan.n_mappings, 1);
	ck_assert_uint_eq(pm[1].mapping, 0);
	teardown_view();
}
END_TEST

/* A nested entry in a planned volume's tree that the hook keeps as the
 * runtime made it (root's: left) is a mount of the volume's files without
 * nosuid: the outer volume is left too, and with it the plan's tree. */
START_TEST(test_kept_inside_the_tree)
{
	const size_t made_by[11] = {N, N, 0, N, N, N, N, N, N, N, 1};
	const struct plan_mount *pm;

	setup_view(made_by);
	view.suid_reach[3] = view.suid_reach[5] = false; /* /proj, /all */
	view.suid_reach[10] = true;
	add_seen("/home", 101, 501, 501);
	fx.mounts[0].is_recursive = true;
	add_seen("/home/mac/proj", 109, 0, 0);
	pm = build_seen();
	assert_skip(&pm[1], "source is owned by root");
	assert_skip(&pm[0], "/home/mac/proj, another mount of its filesystem without nosuid, "
			    "shows its files: " REST);
	ck_assert_uint_eq(fx.plan.n_trees, 0);
	plan_free(&fx.plan);
	/* The owner's: planned, nosuid in the tree, and both go. */
	fx.facts[1].uid = fx.facts[1].gid = 501;
	pm = build_seen();
	assert_idmap(&pm[0], 1000, 1000);
	assert_idmap(&pm[1], 1000, 1000);
	ck_assert_uint_eq(fx.plan.n_trees, 1);
	teardown_view();
}
END_TEST

/* Without the container's table (plan --bundle alone): nothing to tell. */
START_TEST(test_no_view)
{
	add_bind("/proj", 501, 501);
	assert_idmap(&build(NULL, NULL)[0], 1000, 1000);
}
END_TEST

Suite *plan_suid_suite(void)
{
	Suite *s = suite_create("plan_suid");
	TCase *tc = tcase_create("siblings");

	tcase_add_checked_fixture(tc, plan_fixture_setup, plan_fixture_teardown);
	tcase_add_test(tc, test_parent_without_nosuid);
	tcase_add_test(tc, test_parent_idmapped_too);
	tcase_add_test(tc, test_left_until_nothing_changes);
	tcase_add_test(tc, test_submount_and_renumbering);
	tcase_add_test(tc, test_kept_inside_the_tree);
	tcase_add_test(tc, test_no_view);
	suite_add_tcase(s, tc);
	return s;
}
