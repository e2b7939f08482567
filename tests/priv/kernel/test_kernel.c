/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel-facing modules (pathres, mnt) against the real kernel, in the
 * style of the kernel's mount_setattr selftests: every test runs in a child
 * of its own (CK_FORK) with a private mount namespace (unshare(CLONE_NEWNS),
 * make-rprivate), on a tmpfs tree built for it.  Support is probed with the
 * call itself: only ENOSYS skips.  After an expected failure the test checks
 * that nothing changed.
 */
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "cleanup.h"
#include "idmap.h"
#include "mnt.h"
#include "pathres.h"
#include "plan.h"
#include "syscalls.h"
#include "userns.h"

static char dir[PATH_MAX]; /* a tmpfs, under $TMPDIR (tests/run.sh removes it) */

static void path_at(char out[static PATH_MAX], const char *rel)
{
	ck_assert(snprintf(out, PATH_MAX, "%s/%s", dir, rel) < PATH_MAX);
}

static void must(int ok, const char *what)
{
	ck_assert_msg(ok, "%s: %s", what, strerror(errno));
}

static void make_dir(const char *rel, uid_t uid, mode_t mode)
{
	char p[PATH_MAX];

	path_at(p, rel);
	must(mkdir(p, mode) == 0 || errno == EEXIST, p);
	must(chown(p, uid, uid) == 0 && chmod(p, mode) == 0, p);
}

static void make_link(const char *rel, const char *target, uid_t uid)
{
	char p[PATH_MAX];

	path_at(p, rel);
	must(symlink(target, p) == 0 && lchown(p, uid, uid) == 0, p);
}

static void mount_tmpfs(const char *rel, uid_t uid)
{
	char p[PATH_MAX], opts[64];

	snprintf(opts, sizeof(opts), "mode=0755,uid=%u,gid=%u", (unsigned)uid, (unsigned)uid);
	path_at(p, rel);
	must(mount("tmpfs", p, "tmpfs", 0, opts) == 0, p);
}

/* A private mount namespace and a tmpfs at dir: nothing reaches the host. */
static void setup(void)
{
	if (getuid() != 0) {
		fprintf(stderr, "SKIP: needs root\n");
		exit(77);
	}
	must(unshare(CLONE_NEWNS) == 0, "unshare(CLONE_NEWNS)");
	must(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0, "make-rprivate /");
	snprintf(dir, sizeof(dir), "%s/oci-idmap-kernel.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	must(mkdtemp(dir) != NULL, "mkdtemp");
	must(mount("tmpfs", dir, "tmpfs", 0, "mode=0755") == 0, "mount tmpfs");
}

/* The mount table of this namespace, as text, to compare before and after. */
static char *mount_table(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *text = calloc(1, 1 << 20);
	size_t n;

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(text);
	n = fread(text, 1, (1 << 20) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static int open_path(const char *rel)
{
	char p[PATH_MAX];
	int fd;

	path_at(p, rel);
	fd = open(p, O_PATH | O_CLOEXEC);
	must(fd >= 0, p);
	return fd;
}

/* --- pathres ------------------------------------------------------------------ */

START_TEST(test_in_root_stays_in_root)
{
	_cleanup_close_ int root = -EBADF, fd = -EBADF, etc = -EBADF;
	struct path_info a, b;
	struct err e = {0};

	make_dir("root", 0, 0755);
	make_dir("root/etc", 0, 0755);
	make_link("root/data", "/etc", 0);
	make_link("root/up", "../../../../etc", 0);
	root = open_path("root");
	etc = open_path("root/etc");
	ck_assert_int_eq(pathres_info(etc, &b, &e), 0);
	ck_assert_int_eq(pathres_open_in_root(root, "/data", &fd, &e), 0);
	ck_assert_int_eq(pathres_info(fd, &a, &e), 0);
	ck_assert(a.ino == b.ino && a.dev == b.dev); /* root/etc, never the host's /etc */
	close_fdp(&fd);
	ck_assert_int_eq(pathres_open_in_root(root, "/up", &fd, &e), 0);
	ck_assert_int_eq(pathres_info(fd, &a, &e), 0);
	ck_assert(a.ino == b.ino);
}
END_TEST

START_TEST(test_beneath_refuses_symlinks_and_mounts)
{
	_cleanup_close_ int top = -EBADF, fd = -EBADF;
	struct err e = {0};

	make_dir("t", 0, 0755);
	make_dir("t/d", 0, 0755);
	make_dir("t/m", 0, 0755);
	make_link("t/l", "d", 0);
	mount_tmpfs("t/m", 0);
	top = open_path("t");
	ck_assert_int_eq(pathres_open_beneath(top, "d", true, &fd, &e), 0);
	close_fdp(&fd);
	fd = -EBADF;
	ck_assert_int_eq(pathres_open_beneath(top, "l", false, &fd, &e), -ELOOP);
	ck_assert_int_eq(pathres_open_beneath(top, "../t/d", false, &fd, &e), -EXDEV);
	/* Into a mount: allowed, unless the same mount is asked for. */
	ck_assert_int_eq(pathres_open_beneath(top, "m", false, &fd, &e), 0);
	close_fdp(&fd);
	fd = -EBADF;
	ck_assert_int_eq(pathres_open_beneath(top, "m", true, &fd, &e), -EXDEV);
	ck_assert_ptr_nonnull(strstr(e.msg, "resolve m beneath the mount"));
}
END_TEST

START_TEST(test_walk_records_who_could_change_the_path)
{
	_cleanup_close_ int host = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char p[PATH_MAX], vol[PATH_MAX];
	struct path_walk w;
	struct stat st;

	make_dir("a", 502, 0755);	  /* user A's directory */
	make_dir("b", 501, 0755);	  /* user B's */
	make_dir("b/private", 501, 0700); /* the volume */
	make_dir("open", 0, 0777);	  /* anyone may replace entries */
	make_dir("sticky", 0, 01777);	  /* like /tmp */
	make_dir("sticky/v", 501, 0755);
	path_at(vol, "b/private");
	make_link("a/link", vol, 502);
	path_at(p, "a/link");
	pathres_walk(host, p, &w);
	ck_assert_int_eq(w.err, 0);
	ck_assert(stat(vol, &st) == 0 && w.end.ino == st.st_ino && w.end.uid == 501);
	ck_assert_uint_eq(w.n_owners, 2); /* A's directory and link, B's directory */
	ck_assert_uint_eq(w.owners[0], 502);
	path_at(p, "a");
	ck_assert_str_eq(w.owner_at[0], p);
	ck_assert_uint_eq(w.owners[1], 501);
	ck_assert_str_eq(w.open_dir, "");

	make_dir("open/v", 501, 0755);
	path_at(p, "open/v");
	pathres_walk(host, p, &w);
	path_at(p, "open");
	ck_assert_str_eq(w.open_dir, p);
	/* A sticky directory (like /tmp) is fine; the volume itself is not on
	 * the way to itself. */
	path_at(p, "sticky/v/.");
	pathres_walk(host, p, &w);
	ck_assert_int_eq(w.err, 0);
	ck_assert_str_eq(w.open_dir, "");
	ck_assert_uint_eq(w.n_owners, 0);
}
END_TEST

/* What a walk ends on is what the path is, whatever it is: its statx by
 * name (the last component has no fd of its own). */
START_TEST(test_walk_ends_on_what_is_there)
{
	static const char *const rel[] = {"end/file",	"end/dir",  "end/mnt",	"end/to-file",
					  "end/to-mnt", "end/dir/", "end/mnt/."};
	_cleanup_close_ int host = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char p[PATH_MAX], target[PATH_MAX];
	struct path_walk w;
	struct statx stx;

	make_dir("end", 0, 0755);
	path_at(p, "end/file");
	must(creat(p, 0644) >= 0, p);
	must(chown(p, 501, 502) == 0, p);
	make_dir("end/dir", 503, 0700);
	make_dir("end/mnt", 0, 0755);
	mount_tmpfs("end/mnt", 504);
	path_at(target, "end/file");
	make_link("end/to-file", target, 505);
	path_at(target, "end/mnt");
	make_link("end/to-mnt", target, 0);
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		path_at(p, rel[i]);
		pathres_walk(host, p, &w);
		ck_assert_msg(w.err == 0, "%s: %s", p, strerror(w.err));
		must(statx(AT_FDCWD, p, 0, STATX_BASIC_STATS | STATX_MNT_ID, &stx) == 0, p);
		ck_assert_msg(w.end.ino == stx.stx_ino && w.end.uid == stx.stx_uid &&
				  w.end.gid == stx.stx_gid && w.end.mnt_id == stx.stx_mnt_id,
			      "%s: the walk ended elsewhere", p);
		ck_assert_msg(w.end.is_mount_root == !!(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT),
			      "%s: mount root", p);
		ck_assert_msg(w.end.is_dir == S_ISDIR(stx.stx_mode), "%s: is_dir", p);
	}
	/* A link at the end is on the way: who could change it is recorded. */
	path_at(p, "end/to-file");
	pathres_walk(host, p, &w);
	ck_assert_uint_eq(w.n_owners, 1);
	ck_assert_uint_eq(w.owners[0], 505);
}
END_TEST

START_TEST(test_walk_bounds_symlinks)
{
	_cleanup_close_ int host = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char p[PATH_MAX];
	struct path_walk w;

	make_link("loop", "loop", 0);
	path_at(p, "loop");
	pathres_walk(host, p, &w);
	ck_assert_int_eq(w.err, ELOOP);
	path_at(p, "missing/x");
	pathres_walk(host, p, &w);
	ck_assert_int_eq(w.err, ENOENT);
	path_at(p, "missing");
	ck_assert_str_eq(w.at, p);
}
END_TEST

static void assert_same_walk(const struct path_walk *a, const struct path_walk *b, const char *p)
{
	ck_assert_msg(a->err == b->err, "%s: err %d, cached %d", p, a->err, b->err);
	ck_assert_msg(strcmp(a->at, b->at) == 0, "%s: at '%s', cached '%s'", p, a->at, b->at);
	ck_assert_msg(strcmp(a->open_dir, b->open_dir) == 0, "%s: open_dir '%s', cached '%s'", p,
		      a->open_dir, b->open_dir);
	ck_assert_msg(a->n_owners == b->n_owners, "%s: %zu owners, cached %zu", p, a->n_owners,
		      b->n_owners);
	for (size_t i = 0; i < a->n_owners; i++) {
		ck_assert_uint_eq(a->owners[i], b->owners[i]);
		ck_assert_str_eq(a->owner_at[i], b->owner_at[i]);
	}
	ck_assert(memcmp(&a->end, &b->end, sizeof(a->end)) == 0);
}

/* Walks through the cache (sources sharing directories, in any order, with
 * symlinks, "..", open and owned directories on the way) report exactly what
 * walks from the root report. */
START_TEST(test_walk_cache_changes_nothing)
{
	static const char *const rel[] = {
	    "share/a/v1",  "share/a/v2",    "share/a/v1/.",    "share/b/v3",	"share/a",
	    "share/a/v2",  "share/l/v1",    "share/a/../b/v3", "share/open/v4", "share/open/v4",
	    "share/b/v3/", "share/missing", "share/a/v1/x",    "share/open/v4", "share/b//v3",
	    "share/a/v1",  "share/a/x",	    "share/a/file/x",  "share/a/file",	"share/a/x",
	};
	_cleanup_close_ int host = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct pathres_cache cache;
	struct path_walk alone, cached;
	char p[PATH_MAX];

	make_dir("share", 0, 0755);
	make_dir("share/a", 501, 0755);
	make_dir("share/a/v1", 501, 0755);
	make_dir("share/a/v2", 502, 0755);
	make_dir("share/b", 502, 0755);
	make_dir("share/b/v3", 503, 0755);
	make_dir("share/open", 0, 0777);
	make_dir("share/open/v4", 501, 0755);
	make_dir("share/a/x", 505, 0755);
	path_at(p, "share/a/file");
	must(creat(p, 0644) >= 0, p);
	make_link("share/l", "a", 504);
	pathres_cache_init(&cache, host);
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			path_at(p, rel[i]);
			pathres_walk(host, p, &alone);
			pathres_walk_cached(&cache, p, &cached);
			assert_same_walk(&alone, &cached, p);
		}
	pathres_cache_free(&cache);
}
END_TEST

/* Deeper than PATH_MAX: the walk's own path (for messages) is cut there, and
 * the cache must not take the cut path for another directory's. */
START_TEST(test_walk_cache_beyond_path_max)
{
	_cleanup_close_ int host = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int at = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	static char deep[2 * PATH_MAX], a[2 * PATH_MAX], b[2 * PATH_MAX];
	char name[251];
	struct pathres_cache cache;
	struct path_walk alone, cached;
	size_t len = strlen(dir);

	memcpy(deep, dir, len + 1);
	/* Levels until at most 200 bytes are left below PATH_MAX - 1. */
	while (PATH_MAX - 2 - len > 200) {
		size_t n = PATH_MAX - 2 - len - 101;
		int next;

		n = n > 250 ? 250 : n;
		memset(name, 'd', n);
		name[n] = '\0';
		must(mkdirat(at, name, 0755) == 0, name);
		next = openat(at, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
		must(next >= 0, name);
		close(at);
		at = next;
		len += (size_t)snprintf(deep + len, sizeof(deep) - len, "/%s", name);
	}
	/* Siblings: "A...A", ending exactly at PATH_MAX - 1, and "A...AXYZ",
	 * whose path is cut to the other's. */
	memset(name, 'A', PATH_MAX - 2 - len);
	name[PATH_MAX - 2 - len] = '\0';
	must(mkdirat(at, name, 0755) == 0 && fchownat(at, name, 601, 601, 0) == 0, name);
	snprintf(a, sizeof(a), "%s/%s", deep, name);
	strcat(name, "XYZ");
	must(mkdirat(at, name, 0755) == 0 && fchownat(at, name, 602, 602, 0) == 0, name);
	snprintf(b, sizeof(b), "%s/%s", deep, name);
	close(at);
	pathres_cache_init(&cache, host);
	pathres_walk_cached(&cache, b, &cached);
	pathres_walk_cached(&cache, a, &cached);
	pathres_walk(host, a, &alone);
	ck_assert_int_eq(alone.err, 0);
	ck_assert_uint_eq(alone.end.uid, 601);
	assert_same_walk(&alone, &cached, "the shorter sibling");
	pathres_cache_free(&cache);
}
END_TEST

/* --- mnt ---------------------------------------------------------------------- */

/* A user namespace swapping 501 and 1000 (uids and gids). */
static int swap_userns(void)
{
	struct plan_mapping m;
	struct err e = {0};
	int fd = -EBADF;

	idmap_swap(501, 1000, &m.uid_map);
	idmap_swap(501, 1000, &m.gid_map);
	ck_assert_msg(userns_open(&m.uid_map, &m.gid_map, &fd, &e) == 0, "userns: %s", e.msg);
	return fd;
}

/* The kernel idmaps only the root of a detached tree; the hook relies on it
 * and assembles trees from clones instead.  Nothing changes on failure. */
START_TEST(test_idmap_only_at_the_root_of_a_detached_tree)
{
	_cleanup_close_ int clone = -EBADF, sub = -EBADF, userns = -EBADF, target = -EBADF;
	_cleanup_free_ char *before = NULL, *after = NULL;
	struct err e = {0};
	struct stat st;
	char p[PATH_MAX];
	int r;

	make_dir("v", 0, 0755);
	mount_tmpfs("v", 501);
	make_dir("v/s", 501, 0755);
	mount_tmpfs("v/s", 501);
	make_dir("target", 0, 0755);
	r = mnt_clone(AT_FDCWD, strcat(strcpy(p, dir), "/v"), true, &clone, &e);
	if (r == -ENOSYS) {
		fprintf(stderr, "SKIP: open_tree: ENOSYS\n");
		return;
	}
	ck_assert_msg(r == 0, "%s", e.msg);
	userns = swap_userns();
	ck_assert_int_eq(pathres_open_beneath(clone, "s", false, &sub, &e), 0);
	before = mount_table();
	r = mnt_setattr(sub, false, MOUNT_FLAG_NOSUID, MNT_PROPAGATION_KEEP, userns, &e);
	if (r == -ENOSYS) {
		fprintf(stderr, "SKIP: mount_setattr: ENOSYS\n");
		return;
	}
	ck_assert_int_eq(r, -EINVAL);
	after = mount_table();
	ck_assert_str_eq(before, after);
	ck_assert(fstatat(sub, "", &st, AT_EMPTY_PATH) == 0 && st.st_uid == 501);
	/* At the root it works, and attaching puts it on top of the target. */
	ck_assert_int_eq(
	    mnt_setattr(clone, false, MOUNT_FLAG_NOSUID, MNT_PROPAGATION_KEEP, userns, &e), 0);
	target = open_path("target");
	ck_assert_int_eq(mnt_attach(clone, target, &e), 0);
	path_at(p, "target");
	ck_assert(stat(p, &st) == 0 && st.st_uid == 1000);
	path_at(p, "target/s");
	ck_assert(stat(p, &st) == 0 && st.st_uid == 501); /* the submount kept its own */
}
END_TEST

/* A clone moved into a detached tree (6.15+) lands there, not on the
 * runtime's mounts the copies came from, once the tree is a slave. */
START_TEST(test_assembly_does_not_propagate)
{
	_cleanup_close_ int top = -EBADF, part = -EBADF, at = -EBADF;
	struct err e = {0};
	char p[PATH_MAX], mark[PATH_MAX];
	int r;

	make_dir("v", 0, 0755);
	mount_tmpfs("v", 501);
	make_dir("v/s", 501, 0755);
	make_dir("w", 0, 0755);
	mount_tmpfs("w", 0);
	path_at(mark, "w/MARK");
	must(close(open(mark, O_CREAT | O_WRONLY | O_CLOEXEC, 0644)) == 0, mark);
	path_at(p, "v");
	must(mount(NULL, p, NULL, MS_SHARED, NULL) == 0, "make-shared");
	ck_assert_int_eq(mnt_clone(AT_FDCWD, p, false, &top, &e), 0);
	ck_assert_int_eq(mnt_setattr(top, false, 0, MNT_PROPAGATION_SLAVE, -EBADF, &e), 0);
	path_at(p, "w");
	ck_assert_int_eq(mnt_clone(AT_FDCWD, p, false, &part, &e), 0);
	ck_assert_int_eq(pathres_open_beneath(top, "s", true, &at, &e), 0);
	r = mnt_attach(part, at, &e);
	if (r == -EINVAL) {
		fprintf(stderr, "SKIP: no move_mount into a detached tree before 6.15\n");
		return;
	}
	ck_assert_msg(r == 0, "%s", e.msg);
	ck_assert(faccessat(top, "s/MARK", F_OK, 0) == 0);
	path_at(p, "v/s/MARK");
	ck_assert_int_eq(access(p, F_OK), -1); /* the shared original saw nothing */
}
END_TEST

static void teardown(void)
{
	umount2(dir, MNT_DETACH);
	rmdir(dir);
}

static Suite *kernel_suite(void)
{
	Suite *s = suite_create("kernel");
	TCase *tc = tcase_create("kernel");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_in_root_stays_in_root);
	tcase_add_test(tc, test_beneath_refuses_symlinks_and_mounts);
	tcase_add_test(tc, test_walk_records_who_could_change_the_path);
	tcase_add_test(tc, test_walk_ends_on_what_is_there);
	tcase_add_test(tc, test_walk_bounds_symlinks);
	tcase_add_test(tc, test_walk_cache_changes_nothing);
	tcase_add_test(tc, test_walk_cache_beyond_path_max);
	tcase_add_test(tc, test_idmap_only_at_the_root_of_a_detached_tree);
	tcase_add_test(tc, test_assembly_does_not_propagate);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(kernel_suite());
	int failed;

	srunner_set_fork_status(runner, CK_FORK);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? 1 : 0;
}
