/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Privileged tests of lib/verify.c (verify before attach) on a plain
 * filesystem, where the only way a clone can disagree with the plan is a map
 * the check disagrees with, or an owner that changed: every test in its own
 * process and mount namespace (unshare(CLONE_NEWNS), / made rprivate), a
 * tmpfs volume owned 501:501 (and one nested in it), detached clones made and
 * idmapped by the hook's own helpers and never attached.  The container user
 * is 1000:1000.
 *
 * Run by tests/priv/21-verify.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "cleanup.h"
#include "idmap.h"
#include "mnt.h"
#include "mountinfo.h"
#include "pathres.h"
#include "plan.h"
#include "userns.h"
#include "verify.h"

#define OWNER 501u /* the volume's owner, uid and gid */
#define USER 1000u /* the container user, uid and gid */

static char base[256]; /* tmpfs on it per test */

static void path_of(char *buf, size_t size, const char *rel)
{
	ck_assert_int_lt(snprintf(buf, size, "%s/%s", base, rel), (int)size);
}

static void tmpfs_at(const char *rel, uid_t owner)
{
	char p[512];

	path_of(p, sizeof(p), rel);
	ck_assert_msg(mkdir(p, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", p, strerror(errno));
	ck_assert_int_eq(mount("none", p, "tmpfs", 0, "mode=0755"), 0);
	ck_assert_int_eq(chown(p, owner, owner), 0);
}

/* A private tree: base (tmpfs) holds vol (tmpfs, 501:501), and vol/inner
 * (tmpfs, 501:501): a volume with a volume nested in it. */
static void setup(void)
{
	ck_assert_msg(unshare(CLONE_NEWNS) == 0, "unshare: %s", strerror(errno));
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	ck_assert_int_eq(mount("none", base, "tmpfs", 0, "mode=0755"), 0);
	tmpfs_at("vol", OWNER);
	tmpfs_at("vol/inner", OWNER);
}

/* A detached recursive clone of base/vol, idmapped with the swap
 * OWNER<->to for uids and gids (to == OWNER: not idmapped). */
static int clone_swapped(uint32_t to)
{
	_cleanup_close_ int clone = -EBADF, userns = -EBADF;
	struct idmap uid, gid;
	struct err e = {0};
	char p[512];

	path_of(p, sizeof(p), "vol");
	ck_assert_msg(mnt_clone(AT_FDCWD, p, true, &clone, &e) == 0, "%s", e.msg);
	if (to != OWNER) {
		idmap_swap(OWNER, to, &uid);
		idmap_swap(OWNER, to, &gid);
		ck_assert_msg(userns_open(&uid, &gid, &userns, &e) == 0, "%s", e.msg);
		ck_assert_msg(mnt_setattr(clone, true, 0, MNT_PROPAGATION_PRIVATE, userns, &e) == 0,
			      "%s", e.msg);
	}
	return TAKE_FD(clone);
}

/* The hook is back to its own ids, file capabilities included: as root it
 * can create a file in a directory only another user may write to. */
static void assert_ids_back(void)
{
	char p[512];
	int fd;

	ck_assert_uint_eq((uint32_t)setfsuid((uid_t)-1), 0);
	ck_assert_uint_eq((uint32_t)setfsgid((gid_t)-1), 0);
	path_of(p, sizeof(p), "vol/private");
	ck_assert_int_eq(mkdir(p, 0700), 0);
	ck_assert_int_eq(chown(p, 777, 777), 0);
	path_of(p, sizeof(p), "vol/private/by-root");
	fd = open(p, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	ck_assert_msg(fd >= 0, "create %s after the check: %s", p, strerror(errno));
	close(fd);
}

/* Asked as the container user (a filesystem not known to answer every
 * caller alike), and as root (tmpfs is): the planned owner either way. */
START_TEST(test_planned_owner_shown)
{
	_cleanup_close_ int clone = clone_swapped(USER);
	struct err e = {0};

	ck_assert_msg(verify_owner(clone, USER, USER, USER, USER, NULL, &e) == 0, "%s", e.msg);
	ck_assert_msg(verify_owner(clone, USER, USER, USER, USER, "tmpfs", &e) == 0, "%s", e.msg);
	assert_ids_back();
}
END_TEST

/* The clone was idmapped with a map the check disagrees with (501<->2000
 * where the plan said 501<->1000): the check says what the container user
 * would see, and gives the hint. */
START_TEST(test_map_disagrees)
{
	_cleanup_close_ int clone = clone_swapped(2000);
	struct err e = {0};

	ck_assert_int_eq(verify_owner(clone, USER, USER, USER, USER, NULL, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "through the idmapped clone, ids 1000:1000 see its root owned by "
				"2000:2000, not 1000:1000");
	err_add_hint(&e);
	ck_assert_msg(strstr(e.msg, "(owners that depend on who asks or do not follow the idmap, "
				    "or that changed meanwhile)"),
		      "%s", e.msg);
	e = (struct err){0};
	ck_assert_int_eq(verify_owner(clone, USER, USER, USER, USER, "tmpfs", &e), -EINVAL);
	assert_ids_back();
}
END_TEST

/* A clone left without its map shows the owner as it is. */
START_TEST(test_not_idmapped)
{
	_cleanup_close_ int clone = clone_swapped(OWNER);
	struct err e = {0};

	ck_assert_int_eq(verify_owner(clone, USER, USER, USER, USER, NULL, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "through the idmapped clone, ids 1000:1000 see its root owned by "
				"501:501, not 1000:1000");
	assert_ids_back();
}
END_TEST

/* The statx itself fails (no such fd): said, and the ids come back. */
START_TEST(test_statx_fails)
{
	struct err e = {0};

	ck_assert_int_eq(verify_owner(9999, USER, USER, USER, USER, NULL, &e), -EBADF);
	ck_assert_str_eq(e.msg, "statx of the idmapped clone as 1000:1000: Bad file descriptor");
	assert_ids_back();
}
END_TEST

/* verify_clone checks the root of every planned mount in the clone: the
 * tree of /vol, with /vol/inner planned too, both to show the container
 * user (the swap 501<->1000).  After inner's owner changed (600:600), the
 * clone is refused for inner, named. */
START_TEST(test_nested)
{
	static struct spec_mount mounts[2] = {{.destination = "/vol"},
					      {.destination = "/vol/inner"}};
	struct plan_mount pms[2];
	struct plan_node nodes[2] = {
	    {.path = "/vol", .size = 2, .entry = 0, .entry_mount = true},
	    {.path = "/vol/inner", .rel = "inner", .size = 1, .entry = 1, .entry_mount = true}};
	struct plan_tree tree = {.mount = 0, .nodes = nodes, .n = 2};
	struct plan p = {.host_uid = USER, .host_gid = USER, .mounts = pms, .n_mounts = 2};
	struct err e = {0};
	long long us = 0;
	char inner[512];
	int clone;

	for (size_t i = 0; i < 2; i++)
		pms[i] = (struct plan_mount){.mount = &mounts[i],
					     .action = PLAN_IDMAP,
					     .has_owner = true,
					     .owner_uid = OWNER,
					     .owner_gid = OWNER,
					     .shows_known = true,
					     .shows_uid = USER,
					     .shows_gid = USER,
					     .fstype = "tmpfs"};

	clone = clone_swapped(USER);
	ck_assert_msg(verify_clone(&p, &tree, clone, &us, &e) == 0, "%s", e.msg);
	ck_assert_int_ge(us, 0);
	close(clone);

	path_of(inner, sizeof(inner), "vol/inner");
	ck_assert_int_eq(chown(inner, 600, 600), 0);
	clone = clone_swapped(USER);
	ck_assert_int_eq(verify_clone(&p, &tree, clone, &us, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "/vol/inner: tmpfs filesystem: through the idmapped clone, ids "
				"1000:1000 see its root owned by 600:600, not 1000:1000");
	close(clone);
	assert_ids_back();
}
END_TEST

static Suite *verify_suite(void)
{
	Suite *s = suite_create("verify");
	TCase *tc = tcase_create("verify");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_planned_owner_shown);
	tcase_add_test(tc, test_map_disagrees);
	tcase_add_test(tc, test_not_idmapped);
	tcase_add_test(tc, test_statx_fails);
	tcase_add_test(tc, test_nested);
	suite_add_tcase(s, tc);
	return s;
}

/* Skip only where the kernel cannot idmap a tmpfs (before Linux 6.3): tried
 * on a clone of a tmpfs of our own, in a mount namespace of our own. */
static void skip_unless_tmpfs_idmaps(void)
{
	_cleanup_close_ int clone = -EBADF, userns = -EBADF;
	struct idmap uid, gid;
	struct err e = {0};
	pid_t pid = fork();
	int status = 0, r;

	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("none", base, "tmpfs", 0, "mode=0755") < 0)
			_exit(1);
		idmap_swap(OWNER, USER, &uid);
		idmap_swap(OWNER, USER, &gid);
		r = mnt_clone(AT_FDCWD, base, false, &clone, &e);
		if (r >= 0)
			r = userns_open(&uid, &gid, &userns, &e);
		if (r >= 0)
			r = mnt_setattr(clone, false, 0, MNT_PROPAGATION_PRIVATE, userns, &e);
		_exit(r == -EINVAL || r == -ENOSYS ? 77 : r < 0 ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) != pid) {
		perror("waitpid");
		exit(1);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		printf("SKIP: this kernel cannot idmap a tmpfs (Linux 6.3)\n");
		exit(77);
	}
}

int main(int argc, char **argv)
{
	SRunner *runner;
	int failed;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	if (geteuid() != 0) {
		printf("SKIP: needs root\n");
		return 77;
	}
	snprintf(base, sizeof(base), "%s", argv[1]);
	skip_unless_tmpfs_idmaps();
	runner = srunner_create(verify_suite());
	srunner_set_fork_status(runner, CK_FORK);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
