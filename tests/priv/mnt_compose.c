/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Privileged tests of composing maps on mounts (lib/mntmaps.c reads a
 * mount's maps, idmap_compose() composes, lib/mnt.c clones with them), in
 * the manner of the kernel's mount_setattr selftests: every test runs in its
 * own process and mount namespace (unshare(CLONE_NEWNS), / made rprivate) on a
 * tmpfs tree of files of several owners, with an idmapped bind of it made by
 * the hook's own helpers standing for an idmapped source (on-disk 501:20
 * seen as 2000:2000).  The container user is 1000:1000 on the host.
 *
 * Run by tests/priv/22-mnt-compose.sh; exits 77 with "SKIP: ..." only where
 * open_tree_attr(2) is ENOSYS (or not root).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "cleanup.h"
#include "facts_maps.h"
#include "idmap.h"
#include "io.h"
#include "mnt.h"
#include "mntmaps.h"
#include "plan.h"
#include "syscalls.h"
#include "userns.h"

#define OWNER 501u /* on disk */
#define GROUP 20u  /* on disk */
#define SEEN 2000u /* what the source shows the owner and group as */
#define USER 1000u /* the container user, uid and gid, on the host */
#define OTHER 777u /* some other owner on disk */

static char base[256]; /* a directory reachable by USER; tmpfs on it per test */

static void path_of(char *buf, size_t size, const char *rel)
{
	ck_assert_int_lt(snprintf(buf, size, "%s/%s", base, rel), (int)size);
}

static void make_file(const char *rel, uid_t uid, gid_t gid, mode_t mode, bool dir)
{
	char p[512];
	int fd;

	path_of(p, sizeof(p), rel);
	if (dir) {
		ck_assert_msg(mkdir(p, mode) == 0, "mkdir %s: %s", p, strerror(errno));
	} else {
		fd = open(p, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode);
		ck_assert_msg(fd >= 0, "create %s: %s", p, strerror(errno));
		ck_assert_int_eq(write(fd, "data\n", 5), 5);
		close(fd);
	}
	ck_assert_int_eq(chown(p, uid, gid), 0);
	ck_assert_int_eq(chmod(p, mode), 0);
}

/* "uid:gid" of base/rel, or the errno's name. */
static const char *owner_of(const char *rel)
{
	static char out[64];
	char p[512];
	struct stat st;

	path_of(p, sizeof(p), rel);
	if (stat(p, &st) < 0)
		snprintf(out, sizeof(out), "%s", strerror(errno));
	else
		snprintf(out, sizeof(out), "%u:%u", st.st_uid, st.st_gid);
	return out;
}

static int open_path(const char *rel)
{
	char p[512];
	int fd;

	path_of(p, sizeof(p), rel);
	fd = open(p, O_PATH | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "open %s: %s", p, strerror(errno));
	return fd;
}

/* A user namespace fd carrying m: the one call of userns_open here. */
static int make_userns(const struct plan_mapping *m, int *ret_fd, struct err *e)
{
	return userns_open(&m->uid_map, &m->gid_map, ret_fd, e);
}

/* An idmapped bind of base/from at base/to whose maps are m (hook helpers). */
static void idmapped_bind(const char *from, const char *to, const struct plan_mapping *m,
			  bool compose)
{
	_cleanup_close_ int src = open_path(from), dst = open_path(to), userns = -EBADF,
			    clone = -EBADF;
	struct err e = {0};

	ck_assert_msg(make_userns(m, &userns, &e) == 0, "userns: %s", e.msg);
	if (compose) {
		ck_assert_msg(mnt_clone_idmapped(src, "", false, userns, &clone, &e) == 0, "%s",
			      e.msg);
	} else {
		ck_assert_msg(mnt_clone(src, "", false, &clone, &e) == 0, "%s", e.msg);
		ck_assert_msg(mnt_setattr(clone, false, 0, MNT_PROPAGATION_PRIVATE, userns, &e) ==
				  0,
			      "%s", e.msg);
	}
	ck_assert_msg(mnt_attach(clone, dst, &e) == 0, "%s", e.msg);
}

/* A private tree: base (tmpfs) holds disk (tmpfs, the volume), src (an
 * idmapped bind of disk: the source) and ctr (where a test attaches). */
static void setup(void)
{
	struct plan_mapping m;
	char p[512];

	ck_assert_msg(unshare(CLONE_NEWNS) == 0, "unshare: %s", strerror(errno));
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	ck_assert_int_eq(mount("none", base, "tmpfs", 0, "mode=0755"), 0);
	make_file("disk", 0, 0, 0755, true);
	make_file("src", 0, 0, 0755, true);
	make_file("ctr", 0, 0, 0755, true);
	path_of(p, sizeof(p), "disk");
	ck_assert_int_eq(mount("none", p, "tmpfs", 0, "mode=0755"), 0);
	ck_assert_int_eq(chown(p, OWNER, GROUP), 0); /* the volume's owner */
	make_file("disk/owned", OWNER, GROUP, 0644, false);
	make_file("disk/dir", OWNER, GROUP, 0755, true);
	make_file("disk/user", USER, USER, 0644, false);
	make_file("disk/other", OTHER, OTHER, 0644, false);
	make_file("disk/root", 0, 0, 0644, false);
	idmap_swap(OWNER, SEEN, &m.uid_map);
	idmap_swap(GROUP, SEEN, &m.gid_map);
	idmapped_bind("disk", "src", &m, false);
	ck_assert_str_eq(owner_of("src"), "2000:2000");
	ck_assert_str_eq(owner_of("src/owned"), "2000:2000");
}

/* The source's maps, composed with the swap of the container user and the
 * volume's owner as the source shows it (the owner of its root). */
static void composed_maps(const char *rel, struct plan_mapping *ret)
{
	_cleanup_close_ int fd = open_path(rel);
	struct idmap uid, gid;
	struct err e = {0};
	char p[512];
	struct stat st;

	ck_assert_msg(mntmaps_of_fd(fd, NULL, &uid, &gid, &e) == 0, "%s", e.msg);
	path_of(p, sizeof(p), rel);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_msg(idmap_compose(&uid, st.st_uid, USER, &ret->uid_map, &e) == 0, "%s", e.msg);
	ck_assert_msg(idmap_compose(&gid, st.st_gid, USER, &ret->gid_map, &e) == 0, "%s", e.msg);
	idmap_free(&uid);
	idmap_free(&gid);
}

/* As the container user (1000:1000, no groups): create base/rel; 0 or errno. */
static int create_as_user(const char *rel)
{
	char p[512];
	int status;
	pid_t pid;

	path_of(p, sizeof(p), rel);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd;

		if (setgroups(0, NULL) < 0 || setresgid(USER, USER, USER) < 0 ||
		    setresuid(USER, USER, USER) < 0)
			_exit(100);
		fd = open(p, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
		if (fd < 0)
			_exit(errno);
		_exit(write(fd, "new\n", 4) == 4 ? 0 : 101);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

START_TEST(test_read_maps)
{
	_cleanup_close_ int src = open_path("src"), disk = open_path("disk");
	struct idmap uid, gid, want;
	struct err e = {0};

	/* What statmount reports is the map the source was made with. */
	ck_assert_msg(mntmaps_of_fd(src, NULL, &uid, &gid, &e) == 0, "%s", e.msg);
	idmap_swap(OWNER, SEEN, &want);
	ck_assert(idmap_equal(&uid, &want));
	idmap_swap(GROUP, SEEN, &want);
	ck_assert(idmap_equal(&gid, &want));
	/* A mount that is not idmapped: the identity, so composing is the plain swap. */
	ck_assert_msg(mntmaps_of_fd(disk, NULL, &uid, &gid, &e) == 0, "%s", e.msg);
	ck_assert(idmap_is_identity(&uid) && uid.n == 1);
	ck_assert(idmap_is_identity(&gid) && gid.n == 1);
}
END_TEST

/* The facts read a submount's maps only through the very mount the table
 * showed: its own id, they are kept; another id (a mount stacked there
 * since, or a table that does not match) is refused with ESTALE, naming
 * both ids, and nothing is kept; a mount point that cannot be opened says
 * so with its errno. */
START_TEST(test_read_maps_checks_the_mount)
{
	_cleanup_close_ int src = open_path("src");
	struct idmap uid = {0}, gid = {0}, want;
	struct submount_facts sub = {.idmapped = true};
	struct mount_facts f = {.subs = &sub, .n_subs = 1};
	char err[PLAN_REASON_MAX] = "", p[512], expect[PLAN_REASON_MAX];
	bool known = false;
	struct err e = {0};
	int id = -1, code = 0;

	ck_assert_msg(mntmaps_of_fd(src, &id, &uid, &gid, &e) == 0, "%s", e.msg);
	idmap_free(&uid);
	idmap_free(&gid);
	facts_read_maps(src, id, &known, &uid, &gid, &code, err);
	ck_assert_msg(known, "%s", err);
	idmap_swap(OWNER, SEEN, &want);
	ck_assert(idmap_equal(&uid, &want));
	idmap_free(&uid);
	idmap_free(&gid);

	known = false;
	facts_read_maps(src, id + 1000, &known, &uid, &gid, &code, err);
	ck_assert(!known);
	ck_assert_int_eq(code, ESTALE);
	snprintf(expect, sizeof(expect), "mount %d is there, not mount %d the table showed: %s", id,
		 id + 1000, strerror(ESTALE));
	ck_assert_str_eq(err, expect);
	ck_assert_uint_eq(uid.n, 0);
	ck_assert_uint_eq(gid.n, 0);

	/* A tmpfs stacked on the submount since the table was read. */
	path_of(p, sizeof(p), "src");
	sub.target = p;
	sub.id = id;
	ck_assert_int_eq(mount("none", p, "tmpfs", 0, "mode=0755"), 0);
	facts_read_subs_maps(&f);
	ck_assert(!sub.maps_known);
	ck_assert_int_eq(sub.maps_errno, ESTALE);
	ck_assert_msg(strstr(sub.maps_err, "the table showed: Stale file handle"), "%s",
		      sub.maps_err);
	ck_assert_int_eq(umount2(p, MNT_DETACH), 0);
	facts_read_subs_maps(&f);
	ck_assert_msg(sub.maps_known, "%s", sub.maps_err);
	idmap_free(&sub.uid_map);
	idmap_free(&sub.gid_map);

	sub = (struct submount_facts){.target = "/nonexistent/oih", .id = id, .idmapped = true};
	facts_read_subs_maps(&f);
	ck_assert(!sub.maps_known);
	ck_assert_int_eq(sub.maps_errno, ENOENT);
	ck_assert_str_eq(sub.maps_err, "cannot open it: No such file or directory");
}
END_TEST

START_TEST(test_composed_clone)
{
	_cleanup_close_ int ctr = -EBADF;
	struct plan_mapping m;
	struct idmap uid, gid;
	struct err e = {0};
	char text[IDMAP_TEXT_MAX];

	composed_maps("src", &m);
	idmap_format(&m.uid_map, text);
	ck_assert_str_eq(text, "0 0 501\n501 1000 1\n502 502 498\n1000 2000 1\n1001 1001 999\n"
			       "2000 501 1\n2001 2001 4294965294\n");
	idmapped_bind("src", "ctr", &m, true);
	/* The kernel holds exactly the composed maps (7 lines each). */
	ctr = open_path("ctr");
	ck_assert_msg(mntmaps_of_fd(ctr, NULL, &uid, &gid, &e) == 0, "%s", e.msg);
	ck_assert(idmap_equal(&uid, &m.uid_map));
	ck_assert(idmap_equal(&gid, &m.gid_map));
	/* Through the clone the container user sees the volume as its own ... */
	ck_assert_str_eq(owner_of("ctr/owned"), "1000:1000");
	ck_assert_str_eq(owner_of("ctr/dir"), "1000:1000");
	/* ... what on disk is 1000 takes the owner's place, the rest is as before. */
	ck_assert_str_eq(owner_of("ctr/user"), "2000:2000");
	ck_assert_str_eq(owner_of("ctr/other"), "777:777");
	ck_assert_str_eq(owner_of("ctr/root"), "0:0");
	/* The source and the disk are unchanged. */
	ck_assert_str_eq(owner_of("src/owned"), "2000:2000");
	ck_assert_str_eq(owner_of("src/user"), "1000:1000");
	ck_assert_str_eq(owner_of("disk/owned"), "501:20");
	/* The container user writes through the clone, not through the source;
	 * its file lands with the on-disk owner and shows through the source
	 * as the source's other files do. */
	ck_assert_int_eq(create_as_user("src/dir/through-source"), EACCES);
	ck_assert_int_eq(create_as_user("ctr/dir/new"), 0);
	ck_assert_str_eq(owner_of("ctr/dir/new"), "1000:1000");
	ck_assert_str_eq(owner_of("disk/dir/new"), "501:20");
	ck_assert_str_eq(owner_of("src/dir/new"), "2000:2000");
	idmap_free(&uid);
	idmap_free(&gid);
	idmap_free(&m.uid_map);
	idmap_free(&m.gid_map);
}
END_TEST

/* ro, nosuid and propagation go on the composed clone with mount_setattr
 * (no new map): the way the hook sets config.json's options on it. */
START_TEST(test_composed_clone_flags)
{
	_cleanup_close_ int src = open_path("src"), dst = open_path("ctr"), userns = -EBADF,
			    clone = -EBADF;
	struct plan_mapping m;
	struct err e = {0};

	composed_maps("src", &m);
	ck_assert_msg(make_userns(&m, &userns, &e) == 0, "%s", e.msg);
	ck_assert_msg(mnt_clone_idmapped(src, "", false, userns, &clone, &e) == 0, "%s", e.msg);
	ck_assert_msg(mnt_setattr(clone, false, MOUNT_FLAG_RDONLY | MOUNT_FLAG_NOSUID,
				  MNT_PROPAGATION_PRIVATE, -1, &e) == 0,
		      "%s", e.msg);
	ck_assert_msg(mnt_attach(clone, dst, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(owner_of("ctr/owned"), "1000:1000");
	ck_assert_int_eq(create_as_user("ctr/dir/new"), EROFS);
	/* A second map on the clone with mount_setattr stays refused. */
	ck_assert_int_eq(mnt_setattr(clone, false, 0, MNT_PROPAGATION_KEEP, userns, &e), -EPERM);
	idmap_free(&m.uid_map);
	idmap_free(&m.gid_map);
}
END_TEST

/* Recursive: one map for every mount of the tree, submounts included. */
START_TEST(test_composed_clone_recursive)
{
	char p[512];
	struct plan_mapping m;

	path_of(p, sizeof(p), "src/dir");
	ck_assert_int_eq(mount("none", p, "tmpfs", 0, "mode=0755"), 0);
	make_file("src/dir/owned", OWNER, GROUP, 0644, false);
	ck_assert_str_eq(owner_of("src/dir/owned"), "501:20"); /* that tmpfs is not idmapped */
	composed_maps("src", &m);
	{
		_cleanup_close_ int src = open_path("src"), dst = open_path("ctr"), userns = -EBADF,
				    clone = -EBADF;
		struct err e = {0};

		ck_assert_msg(make_userns(&m, &userns, &e) == 0, "%s", e.msg);
		ck_assert_msg(mnt_clone_idmapped(src, "", true, userns, &clone, &e) == 0, "%s",
			      e.msg);
		ck_assert_msg(mnt_attach(clone, dst, &e) == 0, "%s", e.msg);
	}
	ck_assert_str_eq(owner_of("ctr/owned"), "1000:1000");
	/* The submount got the same map: 501 on disk shows as 1000 there too. */
	ck_assert_str_eq(owner_of("ctr/dir/owned"), "1000:1000");
	idmap_free(&m.uid_map);
	idmap_free(&m.gid_map);
}
END_TEST

/* A source that is not idmapped: its maps read as the identity, composing
 * gives the plain swap, and open_tree_attr applies it as open_tree and
 * mount_setattr would: one path for both kinds of source. */
START_TEST(test_plain_source)
{
	struct plan_mapping m, swap;

	composed_maps("disk", &m);
	idmap_swap(OWNER, USER, &swap.uid_map);
	idmap_swap(GROUP, USER, &swap.gid_map);
	ck_assert(idmap_equal(&m.uid_map, &swap.uid_map));
	ck_assert(idmap_equal(&m.gid_map, &swap.gid_map));
	idmapped_bind("disk", "ctr", &m, true);
	ck_assert_str_eq(owner_of("ctr/owned"), "1000:1000");
	ck_assert_str_eq(owner_of("ctr/user"), "501:20");
	ck_assert_int_eq(create_as_user("ctr/dir/new"), 0);
	ck_assert_str_eq(owner_of("disk/dir/new"), "501:20");
}
END_TEST

/* Recursive, a tree with a mount that cannot be idmapped fails whole and
 * mounts nothing: an rbind tree needs a clone per mount. */
START_TEST(test_recursive_unidmappable)
{
	_cleanup_free_ char *before = NULL, *after = NULL;
	_cleanup_close_ int src = -EBADF, userns = -EBADF, clone = -EBADF;
	struct plan_mapping m;
	struct err e = {0};
	char p[512];

	path_of(p, sizeof(p), "src/dir");
	ck_assert_int_eq(mount("proc", p, "proc", 0, NULL), 0);
	composed_maps("src", &m);
	ck_assert_msg(make_userns(&m, &userns, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(io_read_file("/proc/self/mountinfo", 1 << 20, &before, NULL, &e), 0);
	src = open_path("src");
	ck_assert_int_eq(mnt_clone_idmapped(src, "", true, userns, &clone, &e), -EINVAL);
	ck_assert_int_eq(io_read_file("/proc/self/mountinfo", 1 << 20, &after, NULL, &e), 0);
	ck_assert_str_eq(after, before);
	/* Without its submounts the same source clones. */
	ck_assert_msg(mnt_clone_idmapped(src, "", false, userns, &clone, &e) == 0, "%s", e.msg);
	idmap_free(&m.uid_map);
	idmap_free(&m.gid_map);
}
END_TEST

/* A failure names the call and gets its own hint, and mounts nothing. */
START_TEST(test_clone_failure)
{
	_cleanup_free_ char *before = NULL, *after = NULL;
	_cleanup_close_ int userns = -EBADF, clone = -EBADF;
	struct plan_mapping m;
	struct err e = {0};

	ck_assert_int_eq(io_read_file("/proc/self/mountinfo", 1 << 20, &before, NULL, &e), 0);
	idmap_swap(OWNER, USER, &m.uid_map);
	idmap_swap(GROUP, USER, &m.gid_map);
	ck_assert_msg(make_userns(&m, &userns, &e) == 0, "%s", e.msg);
	/* proc cannot be idmapped. */
	ck_assert_int_eq(mnt_clone_idmapped(AT_FDCWD, "/proc", false, userns, &clone, &e), -EINVAL);
	err_add_hint(&e);
	ck_assert_str_eq(e.msg, "open_tree_attr(CLONE, IDMAP): Invalid argument (a filesystem "
				"in it cannot be idmapped, or the kernel is older than 6.15 "
				"(open_tree_attr))");
	ck_assert_int_eq(clone, -EBADF);
	/* No such path: no hint. */
	ck_assert_int_eq(mnt_clone_idmapped(AT_FDCWD, "/nonexistent", true, userns, &clone, &e),
			 -ENOENT);
	err_add_hint(&e);
	ck_assert_str_eq(e.msg,
			 "open_tree_attr(CLONE|RECURSIVE, IDMAP): No such file or directory");
	ck_assert_int_eq(io_read_file("/proc/self/mountinfo", 1 << 20, &after, NULL, &e), 0);
	ck_assert_str_eq(after, before);
}
END_TEST

/* A map of 340 lines, the kernel's limit, reaches the kernel in its one
 * write; one whose text is a page or more is refused before the write. */
START_TEST(test_userns_340_lines)
{
	static char text[IDMAP_MAX_EXTENTS * IDMAP_LINE_MAX];
	struct id_extent *long_lines = calloc(200, sizeof(*long_lines));
	_cleanup_close_ int userns = -EBADF;
	struct plan_mapping m;
	struct idmap too_long;
	struct err e = {0};
	size_t len = 0;

	for (unsigned k = 0; k < IDMAP_MAX_EXTENTS; k++) /* even ids only: 0..678 */
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%u %u 1\n", 2 * k, 2 * k);
	ck_assert_msg(idmap_parse(text, len, &m.uid_map, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(m.uid_map.n, IDMAP_MAX_EXTENTS);
	idmap_swap(0, 0, &m.gid_map);
	make_file("disk/even", 678, 0, 0644, false);
	make_file("disk/odd", 679, 0, 0644, false);
	idmapped_bind("disk", "ctr", &m, false);
	ck_assert_str_eq(owner_of("ctr/even"), "678:0");  /* the 340th line */
	ck_assert_str_eq(owner_of("ctr/odd"), "65534:0"); /* no line: the overflow id */
	idmap_free(&m.uid_map);
	/* 200 lines of 24 bytes: 4800. */
	ck_assert_ptr_nonnull(long_lines);
	for (uint32_t k = 0; k < 200; k++)
		long_lines[k] = (struct id_extent){4000000000u + 2 * k, 4100000000u + 2 * k, 1};
	too_long = (struct idmap){.n = 200, .big = long_lines};
	m.uid_map = too_long;
	ck_assert_int_eq(make_userns(&m, &userns, &e), -E2BIG);
	ck_assert_msg(strstr(e.msg, "/uid_map: the map does not fit one write of 4095 bytes"), "%s",
		      e.msg);
	idmap_free(&too_long);
}
END_TEST

static Suite *mnt_compose_suite(void)
{
	Suite *s = suite_create("mnt_compose");
	TCase *tc = tcase_create("idmapped source");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60); /* check's 4 s is short on a loaded 2-core machine */
	tcase_add_test(tc, test_read_maps);
	tcase_add_test(tc, test_read_maps_checks_the_mount);
	tcase_add_test(tc, test_composed_clone);
	tcase_add_test(tc, test_composed_clone_flags);
	tcase_add_test(tc, test_composed_clone_recursive);
	tcase_add_test(tc, test_plain_source);
	tcase_add_test(tc, test_recursive_unidmappable);
	tcase_add_test(tc, test_clone_failure);
	tcase_add_test(tc, test_userns_340_lines);
	suite_add_tcase(s, tc);
	return s;
}

/* Skip only where the call does not exist: an open_tree_attr clone of "/"
 * without attributes, as open_tree would make it. */
static void skip_unless_supported(void)
{
	int fd;

	if (geteuid() != 0) {
		printf("SKIP: needs root\n");
		exit(77);
	}
	fd = sys_open_tree_attr(AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC, NULL);
	if (fd < 0 && errno == ENOSYS) {
		printf("SKIP: open_tree_attr(2) is ENOSYS here (needs Linux 6.15)\n");
		exit(77);
	}
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	SRunner *runner;
	int failed;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR (a directory uid 1000 can traverse)\n", argv[0]);
		return 2;
	}
	skip_unless_supported();
	snprintf(base, sizeof(base), "%s", argv[1]);
	runner = srunner_create(mnt_compose_suite());
	srunner_set_fork_status(runner, CK_FORK);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
