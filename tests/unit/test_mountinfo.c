/* SPDX-License-Identifier: Apache-2.0 */
/* The mount table reader: the kernel's format, escapes, optional fields, junk;
 * and the kernel's option map. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "mountinfo.h"
#include "mountroots.h"
#include "mounttree.h"
#include "tests.h"

static const char table[] =
    "22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
    "1 0 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
    "40 1 254:0 /srv/v /data rw,relatime,idmapped master:1 shared:7 - ext4 /dev/vda rw\n"
    "44 40 254:0 /srv/w\\040x /data rw,nosuid shared:8 - ext4 /dev/vda rw,idmapped\n"
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
	ck_assert_uint_eq(t.n, 6); /* the three junk lines are skipped */
	m = mountinfo_find(&t, 40);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->parent_id, 1);
	ck_assert_str_eq(m->target, "/data");
	ck_assert_str_eq(m->fstype, "ext4");
	ck_assert_str_eq(m->root, "/srv/v");
	ck_assert_str_eq(m->source, "/dev/vda");
	ck_assert(m->idmapped);
	ck_assert_str_eq(mountinfo_find(&t, 22)->source, "proc");
	/* "idmapped" is a VFS option: among the superblock's it means nothing. */
	ck_assert(!mountinfo_find(&t, 44)->idmapped);
	ck_assert_str_eq(mountinfo_find(&t, 44)->root, "/srv/w x");
	ck_assert_str_eq(mountinfo_find(&t, 1)->root, "/");
	ck_assert(!mountinfo_find(&t, 22)->idmapped);
	/* The device is its filesystem's. */
	ck_assert_uint_eq(mountinfo_find(&t, 40)->dev, makedev(254, 0));
	ck_assert_uint_eq(mountinfo_find(&t, 41)->dev, makedev(0, 50));
	ck_assert_str_eq(mountinfo_find(&t, 22)->fstype, "proc");
	ck_assert_str_eq(mountinfo_find(&t, 41)->target, "/data/my dir\tx\\");
	ck_assert_ptr_null(mountinfo_find(&t, 43));
	ck_assert_ptr_null(mountinfo_find(&t, 99));
	mountinfo_free(&t);
	free(text);
}
END_TEST

/* A mount's own flags and its propagation, as libmount reads them. */
START_TEST(test_flags_and_propagation)
{
	char text[] =
	    "22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
	    "40 1 254:0 /v /data ro,relatime,idmapped master:1 shared:7 - ext4 /dev/vda rw\n"
	    "41 40 0:50 / /data/u rw,nosymfollow unbindable - tmpfs tmpfs ro\n"
	    "42 40 0:51 / /data/s rw master:3 propagate_from:2 - tmpfs tmpfs rw\n"
	    "43 40 0:52 / /data/p rw,nosuid - tmpfs tmpfs ro,nodev\n";
	struct mount_table t = {0};
	const struct mount_entry *m;
	struct err e = {0};

	ck_assert_int_eq(mountinfo_parse(text, &t, &e), 0);
	ck_assert_uint_eq(t.n, 5);
	m = mountinfo_find(&t, 22);
	ck_assert_uint_eq(m->flags, MOUNT_FLAG_NOSUID | MOUNT_FLAG_NODEV | MOUNT_FLAG_NOEXEC);
	ck_assert_int_eq(m->shared, 12);
	ck_assert_int_eq(m->master, 0);
	ck_assert_uint_eq(mountinfo_prop(m), MOUNT_PROP_SHARED);
	m = mountinfo_find(&t, 40);
	ck_assert_uint_eq(m->flags, MOUNT_FLAG_RDONLY);
	ck_assert_int_eq(m->shared, 7);
	ck_assert_int_eq(m->master, 1);
	ck_assert_uint_eq(mountinfo_prop(m), MOUNT_PROP_SHARED | MOUNT_PROP_SLAVE);
	m = mountinfo_find(&t, 41);
	ck_assert_uint_eq(m->flags, MOUNT_FLAG_NOSYMFOLLOW);
	ck_assert_uint_eq(mountinfo_prop(m), MOUNT_PROP_UNBINDABLE);
	m = mountinfo_find(&t, 42);
	ck_assert_int_eq(m->master, 3);
	ck_assert_uint_eq(mountinfo_prop(m), MOUNT_PROP_SLAVE);
	/* The superblock's options are not the mount's. */
	m = mountinfo_find(&t, 43);
	ck_assert_uint_eq(m->flags, MOUNT_FLAG_NOSUID);
	ck_assert_uint_eq(mountinfo_prop(m), 0);
	mountinfo_free(&t);
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

START_TEST(test_find_target)
{
	char *text = strdup(table);
	struct mount_table t = {0};
	struct mount_tree mt = {0};
	struct err e = {0};

	ck_assert_int_eq(mountinfo_parse(text, &t, &e), 0);
	ck_assert_int_eq(mounttree_build(&t, &mt), 0);
	/* Two mounts at /data: 44 is stacked on 40, so it is the one seen. */
	ck_assert_int_eq(mounttree_find_target(&mt, "/data")->id, 44);
	ck_assert(mounttree_is_covered(&mt, (size_t)(mountinfo_find(&t, 40) - t.entries)));
	ck_assert(!mounttree_is_covered(&mt, (size_t)(mountinfo_find(&t, 44) - t.entries)));
	ck_assert_int_eq(mounttree_find_target(&mt, "/")->id, 1);
	ck_assert_int_eq(mounttree_find_target(&mt, "/data/my dir\tx\\/deep")->id, 42);
	ck_assert_ptr_null(mounttree_find_target(&mt, "/data/"));
	ck_assert_ptr_null(mounttree_find_target(&mt, "/short"));
	mounttree_free(&mt);
	mountinfo_free(&t);
	free(text);
}
END_TEST

/* A mount listed as its own parent (a namespace's root) is not covered by
 * itself; a mount stacked on it at "/" covers it. */
START_TEST(test_covered_own_parent)
{
	char one[] = "7 7 0:1 / / rw - tmpfs t rw\n";
	char two[] = "7 7 0:1 / / rw - tmpfs t rw\n8 7 0:2 / / rw - tmpfs u rw\n";
	struct mount_table t = {0};
	struct mount_tree mt;
	struct err e = {0};

	ck_assert_int_eq(mountinfo_parse(one, &t, &e), 0);
	ck_assert_int_eq(mounttree_build(&t, &mt), 0);
	ck_assert(!mounttree_is_covered(&mt, 0));
	mounttree_free(&mt);
	mountinfo_free(&t);
	ck_assert_int_eq(mountinfo_parse(two, &t, &e), 0);
	ck_assert_int_eq(mounttree_build(&t, &mt), 0);
	ck_assert(mounttree_is_covered(&mt, (size_t)(mountinfo_find(&t, 7) - t.entries)));
	ck_assert_int_eq(mounttree_find_target(&mt, "/")->id, 8);
	mounttree_free(&mt);
	mountinfo_free(&t);
}
END_TEST

/* The mount the kernel says a path is on, by id: target and type agree. */
static void expect_mount_of(const struct mount_table *t, const char *path, const char *fstype)
{
	const struct mount_entry *m;
	struct mount_tree mt;
	struct statx stx;

	ck_assert_int_eq(statx(AT_FDCWD, path, 0, STATX_MNT_ID, &stx), 0);
	ck_assert(stx.stx_mask & STATX_MNT_ID);
	m = mountinfo_find(t, (int)stx.stx_mnt_id);
	ck_assert_msg(m, "%s: mount %llu not in the table", path,
		      (unsigned long long)stx.stx_mnt_id);
	ck_assert_str_eq(m->target, path);
	if (fstype)
		ck_assert_str_eq(m->fstype, fstype);
	/* ... and it is the one on top there. */
	ck_assert_int_eq(mounttree_build(t, &mt), 0);
	ck_assert_int_eq(mounttree_find_target(&mt, path)->id, (int)stx.stx_mnt_id);
	mounttree_free(&mt);
}

START_TEST(test_read_self)
{
	struct mount_table t = {0};
	struct err e = {0};

	ck_assert_int_eq(mountinfo_read("/proc/self/mountinfo", &t, &e), 0);
	expect_mount_of(&t, "/", NULL);
	expect_mount_of(&t, "/proc", "proc");
	mountinfo_free(&t);
	ck_assert_int_eq(mountinfo_read("/nonexistent/mountinfo", &t, &e), -ENOENT);
	ck_assert_ptr_null(t.entries);
}
END_TEST

START_TEST(test_parse_other_formats)
{
	char fstab[] = "/dev/vda / ext4 rw 0 1\nproc /proc proc rw 0 0\n", empty[] = "";
	struct mount_table t = {0};
	struct mount_tree mt;
	struct err e = {0};

	/* fstab lines are no mountinfo lines: nothing is guessed from them. */
	ck_assert_int_eq(mountinfo_parse(fstab, &t, &e), 0);
	ck_assert_uint_eq(t.n, 0);
	mountinfo_free(&t);
	ck_assert_int_eq(mountinfo_parse(empty, &t, &e), 0);
	ck_assert_uint_eq(t.n, 0);
	ck_assert_ptr_null(mountinfo_find(&t, 1));
	ck_assert_int_eq(mounttree_build(&t, &mt), 0);
	ck_assert_ptr_null(mounttree_find_target(&mt, "/"));
	mounttree_free(&mt);
	mountinfo_free(&t);
}
END_TEST

/* 1 known (flags in ms), 0 not a kernel option; libmount loads here. */
static int kernel_option(const char *name, unsigned long *ms, bool *clears)
{
	struct err e = {0};
	int r = mountinfo_kernel_option(name, ms, clears, &e);

	ck_assert_msg(r >= 0, "%s", e.msg);
	return r;
}

START_TEST(test_kernel_option)
{
	unsigned long ms = 0;
	bool clears = true;

	ck_assert_int_eq(kernel_option("ro", &ms, &clears), 1);
	ck_assert(ms == MS_RDONLY && !clears);
	ck_assert_int_eq(kernel_option("rw", &ms, &clears), 1);
	ck_assert(ms == MS_RDONLY && clears);
	ck_assert_int_eq(kernel_option("nosymfollow", &ms, &clears), 1);
	ck_assert(ms == 256 && !clears);
	ck_assert_int_eq(kernel_option("rbind", &ms, &clears), 1);
	ck_assert(ms == (MS_BIND | MS_REC) && !clears);
	ck_assert_int_eq(kernel_option("bind", &ms, &clears), 1);
	ck_assert(ms == MS_BIND && !clears);
	ck_assert_int_eq(kernel_option("rslave", &ms, &clears), 1);
	ck_assert(ms == (MS_SLAVE | MS_REC));
	ms = 7;
	ck_assert_int_eq(kernel_option("rro", &ms, &clears), 0);
	ck_assert_int_eq(kernel_option("idmap", &ms, &clears), 0);
	ck_assert_int_eq(kernel_option("ro=1", &ms, &clears), 0);
	ck_assert_int_eq(kernel_option("", &ms, &clears), 0);
	ck_assert_uint_eq(ms, 7); /* untouched when not found */
}
END_TEST

/* Roots that overlap a path of one filesystem: itself, an ancestor, a
 * descendant; not a sibling that merely shares a prefix, not another
 * filesystem's. */
START_TEST(test_mountroots_overlap)
{
	static const char *const roots[] = {
	    "/home/mac", "/home/mac-old", "/srv", "/home/mac/proj/x", "/", "/home/ma"};
	static const dev_t devs[] = {1, 1, 1, 2, 3, 1};
	struct mountroot *refs = calloc(6, sizeof(*refs));
	struct mountroots x;

	ck_assert_ptr_nonnull(refs);
	for (size_t i = 0; i < 6; i++)
		refs[i] = (struct mountroot){.dev = devs[i], .root = roots[i], .k = i};
	mountroots_take(&x, refs, 6);
	ck_assert_uint_eq(mountroots_overlap(&x, 1, "/home/mac/proj"), 0); /* an ancestor */
	ck_assert_uint_eq(mountroots_overlap(&x, 1, "/home/mac"), 0);	   /* itself */
	ck_assert_uint_eq(mountroots_overlap(&x, 1, "/home"), 5); /* a descendant: the first */
	ck_assert_uint_eq(mountroots_overlap(&x, 1, "/"), 5);
	ck_assert_uint_eq(mountroots_overlap(&x, 1, "/home/mac-old/a"), 1);
	ck_assert_uint_eq(mountroots_overlap(&x, 1, "/home/m"),
			  MOUNTROOTS_NONE); /* a prefix only */
	ck_assert_uint_eq(mountroots_overlap(&x, 1, "/var"), MOUNTROOTS_NONE);
	ck_assert_uint_eq(mountroots_overlap(&x, 2, "/home/mac/proj"), 3);
	ck_assert_uint_eq(mountroots_overlap(&x, 2, "/home/mac/proj/y"), MOUNTROOTS_NONE);
	ck_assert_uint_eq(mountroots_overlap(&x, 3, "/anything"), 4); /* its whole filesystem */
	ck_assert_uint_eq(mountroots_overlap(&x, 4, "/"), MOUNTROOTS_NONE);
	mountroots_free(&x);
}
END_TEST

Suite *mountinfo_suite(void)
{
	Suite *s = suite_create("mountinfo");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_flags_and_propagation);
	tcase_add_test(tc, test_is_below);
	tcase_add_test(tc, test_find_target);
	tcase_add_test(tc, test_covered_own_parent);
	tcase_add_test(tc, test_read_self);
	tcase_add_test(tc, test_parse_other_formats);
	tcase_add_test(tc, test_kernel_option);
	tcase_add_test(tc, test_mountroots_overlap);
	suite_add_tcase(s, tc);
	return s;
}
