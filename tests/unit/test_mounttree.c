/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/mounttree.c on a real table (tests/fixtures/mountinfo-runc-volumes.txt,
 * runc at hook time): which mounts are a mount's children, stacked mounts,
 * and where a mount point lies below another, the relations the plan's
 * trees are cut from.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mounttree.h"
#include "tests.h"

static char *text;
static struct mount_table table;
static struct mount_tree tree;

static void setup(void)
{
	struct err e = {0};

	text = fixture_read("mountinfo-runc-volumes.txt");
	ck_assert_int_eq(mountinfo_parse(text, &table, &e), 0);
	ck_assert_int_eq(mounttree_build(&table, &tree), 0);
}

static void teardown(void)
{
	mounttree_free(&tree);
	mountinfo_free(&table);
	free(text);
}

/* The mount points of id's children, in ascending id order, joined by ' '. */
static void children_of(int id, char *buf, size_t size)
{
	size_t k = mounttree_index_of(&tree, (uint64_t)id), first, end;
	int ids[32];
	size_t n = 0;

	ck_assert_uint_ne(k, MOUNTTREE_NONE);
	mounttree_children(&tree, k, &first, &end);
	for (size_t j = first; j < end && n < 32; j++)
		ids[n++] = table.entries[tree.by_parent[j]].id;
	/* Children come grouped, in no promised order: sort them by id. */
	for (size_t a = 1; a < n; a++)
		for (size_t b = a; b > 0 && ids[b - 1] > ids[b]; b--) {
			int x = ids[b];

			ids[b] = ids[b - 1];
			ids[b - 1] = x;
		}
	buf[0] = '\0';
	for (size_t j = 0; j < n; j++) {
		const char *t = mountinfo_find(&table, ids[j])->target;

		strncat(buf, j ? " " : "", size - strlen(buf) - 1);
		strncat(buf, t, size - strlen(buf) - 1);
	}
}

/* The volume's rbind submount and the nested entries made in it are its
 * children; the host's own copy of the submount (/srv/vol/sub) and the
 * sibling volumes are not. */
START_TEST(test_children)
{
	char buf[512];

	children_of(176, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/b/rootfs/data/sub /b/rootfs/data/inner /b/rootfs/data/tmp");
	children_of(140, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/b/rootfs/proc /b/rootfs/dev /b/rootfs/data /b/rootfs/plain "
			      "/b/rootfs/rro");
	children_of(181, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/b/rootfs/rro/sub");
	/* A plain bind brings none of its source's submounts. */
	children_of(179, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	children_of(177, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
}
END_TEST

/* below(a, b) gives want, or -EINVAL when want is NULL (not below). */
static void expect_below(int (*below)(const char *, const char *, const char **), const char *a,
			 const char *b, const char *want)
{
	const char *rel = NULL;
	int r = below(a, b, &rel);

	ck_assert_msg(r == (want ? 0 : -EINVAL), "%s below %s: %d", b, a, r);
	if (want)
		ck_assert_str_eq(rel, want);
}

/* Every mount but the root is exactly one mount's child: the children of
 * all mounts together are the table, less the root. */
START_TEST(test_every_mount_once)
{
	size_t seen = 0, first, end;

	for (size_t k = 0; k < table.n; k++) {
		mounttree_children(&tree, k, &first, &end);
		for (size_t j = first; j < end; j++)
			ck_assert_int_eq(table.entries[tree.by_parent[j]].parent_id,
					 table.entries[k].id);
		seen += end - first;
	}
	ck_assert_uint_eq(seen, table.n - 1);
	ck_assert_uint_eq(mounttree_index_of(&tree, 9999), MOUNTTREE_NONE);
	ck_assert_uint_eq(mounttree_index_of(&tree, 0), MOUNTTREE_NONE);
}
END_TEST

/* A mount stacked on another's root is its child at "" below it; the
 * volumes' places below their parents are what a clone is assembled by. */
START_TEST(test_stacked_and_relative)
{
	struct err e = {0};
	struct mount_table st = {0};
	struct mount_tree smt;
	char *stacked = fixture_read("mountinfo-stacked.txt");
	size_t first, end;

	ck_assert_int_eq(mountinfo_parse(stacked, &st, &e), 0);
	ck_assert_int_eq(mounttree_build(&st, &smt), 0);
	mounttree_children(&smt, mounttree_index_of(&smt, 102), &first, &end);
	ck_assert_uint_eq(end - first, 1);
	ck_assert_int_eq(st.entries[smt.by_parent[first]].id, 103);
	expect_below(mounttree_relative, "/b/rootfs/data/sub", "/b/rootfs/data/sub", "");
	mounttree_free(&smt);
	mountinfo_free(&st);
	free(stacked);

	expect_below(mounttree_relative, "/b/rootfs/data", "/b/rootfs/data/inner", "inner");
	expect_below(mounttree_relative, "/", "/srv/vol/sub", "srv/vol/sub");
	/* A sibling whose name starts alike is not below it. */
	expect_below(mounttree_relative, "/b/rootfs/data", "/b/rootfs/database", NULL);
	expect_below(mounttree_relative, "/b/rootfs/data/sub", "/b/rootfs/data", NULL);
}
END_TEST

/* Where a mount shows in the container: below the rootfs, however the
 * rootfs is spelled; a mount outside it shows nowhere. */
START_TEST(test_in_root)
{
	expect_below(mounttree_in_root, "/b/rootfs", "/b/rootfs/data/inner", "data/inner");
	expect_below(mounttree_in_root, "/b/rootfs//", "/b/rootfs/data", "data");
	expect_below(mounttree_in_root, "/b/rootfs", "/b/rootfs", "");
	expect_below(mounttree_in_root, "/", "/srv/vol", "srv/vol");
	expect_below(mounttree_in_root, "/b/rootfs", "/srv/vol/sub", NULL);
	expect_below(mounttree_in_root, "/b/rootfs", "/b/rootfs2/data", NULL);
}
END_TEST

Suite *mounttree_suite(void)
{
	Suite *s = suite_create("mounttree");
	TCase *tc = tcase_create("tree");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_children);
	tcase_add_test(tc, test_every_mount_once);
	tcase_add_test(tc, test_stacked_and_relative);
	tcase_add_test(tc, test_in_root);
	suite_add_tcase(s, tc);
	return s;
}
