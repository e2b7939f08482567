/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Privileged tests of lib/remount.c: the plan of a real bundle executed on
 * real mounts, without a runtime.  Each test runs in its own process and
 * mount namespace ("the host": / made rprivate, a tmpfs at DIR) holding the
 * sources of tests/fixtures/config-volumes.json (its /srv/ there becomes
 * DIR/, each owned 501:501, the rbind source with a tmpfs submount); a
 * child in a mount namespace of its own ("the container") gets the mounts
 * crun 1.8 leaves at hook time (mountinfo-crun-volumes.txt: read-only
 * deferred, rro done), or runc 1.1 (mountinfo-runc-volumes.txt: the bind's
 * read-only done too).  The hook's own prepare (facts, plan, the kernel's
 * answers) and execute run against the child's pid, as they do from a
 * createRuntime hook; the test then reads what the container sees.
 *
 * Run by tests/priv/23-remount.sh; needs root and a kernel that idmaps
 * tmpfs (the script skips otherwise).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "cleanup.h"
#include "hook.h"
#include "io.h"
#include "mountinfo.h"

#define OWNER 501u /* every source's, on disk: no host account */
#define USER 1000u /* the container user, uid and gid */

static char base[256];	  /* DIR: a tmpfs per test */
static char fixture[512]; /* tests/fixtures/config-volumes.json */
static bool runc_like;	  /* the bind's ro done before the hooks */
static pid_t container = -1;
static int hold = -EBADF; /* the container lives until this closes */

static void path_of(char *buf, size_t size, const char *rel)
{
	ck_assert_int_lt(snprintf(buf, size, "%s/%s", base, rel), (int)size);
}

static void make(const char *rel, bool dir)
{
	char p[512];
	int fd;

	path_of(p, sizeof(p), rel);
	if (dir) {
		ck_assert_msg(mkdir(p, 0755) == 0, "mkdir %s: %s", p, strerror(errno));
	} else {
		fd = open(p, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
		ck_assert_msg(fd >= 0, "create %s: %s", p, strerror(errno));
		close(fd);
	}
	ck_assert_int_eq(chown(p, OWNER, OWNER), 0);
}

static void mount_tmpfs(const char *rel, unsigned long flags)
{
	char p[512];

	path_of(p, sizeof(p), rel);
	ck_assert_msg(mount("tmpfs", p, "tmpfs", flags, "mode=0755") == 0, "tmpfs %s: %s", p,
		      strerror(errno));
}

/* The fixture's config.json, its /srv/ sources moved to base. */
static void write_config(void)
{
	_cleanup_free_ char *json = NULL;
	struct err e = {0};
	char p[512], *at, *rest;
	FILE *f;

	ck_assert_msg(io_read_file(fixture, IO_CONFIG_MAX, &json, NULL, &e) == 0, "%s", e.msg);
	path_of(p, sizeof(p), "bundle/config.json");
	f = fopen(p, "we");
	ck_assert_ptr_nonnull(f);
	for (rest = json; (at = strstr(rest, "\"/srv/")); rest = at + strlen("\"/srv/"))
		fprintf(f, "%.*s\"%s/", (int)(at - rest), rest, base);
	fputs(rest, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* The host's side: the sources, the rbind one and the plain one each with
 * a tmpfs submount of their own, and the bundle. */
static void setup_host(void)
{
	ck_assert_msg(unshare(CLONE_NEWNS) == 0, "unshare: %s", strerror(errno));
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	ck_assert_int_eq(mount("none", base, "tmpfs", 0, "mode=0755"), 0);
	make("vol", true);
	make("vol/hello", false);
	make("vol/sub", true);
	make("vol/inner", true);
	make("vol/tmp", true);
	mount_tmpfs("vol/sub", 0);
	make("vol/sub/s", false);
	make("inner", true);
	make("inner/x", false);
	make("plain", true);
	make("plain/sub", true);
	mount_tmpfs("plain/sub", 0);
	make("plain/sub/hidden", false);
	make("bundle", true);
	write_config();
}

static void bind(const char *from, const char *to, unsigned long flags)
{
	char src[512], dst[512];

	path_of(src, sizeof(src), from);
	path_of(dst, sizeof(dst), to);
	ck_assert_msg(mount(src, dst, NULL, MS_BIND | flags, NULL) == 0, "bind %s %s: %s", src, dst,
		      strerror(errno));
}

/* In the container's namespace: the mounts of config-volumes.json as crun
 * (or runc) leaves them when the createRuntime hooks run. */
static void container_mounts(void)
{
	static const char *const dirs[] = {"bundle/rootfs", "bundle/rootfs/data",
					   "bundle/rootfs/plain", "bundle/rootfs/rro"};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		make(dirs[i], true);
	bind("bundle/rootfs", "bundle/rootfs", 0);
	bind("vol", "bundle/rootfs/data", MS_REC);
	bind("inner", "bundle/rootfs/data/inner", 0); /* bind,ro: crun defers ro */
	if (runc_like)
		bind("inner", "bundle/rootfs/data/inner", MS_REMOUNT | MS_RDONLY);
	bind("plain", "bundle/rootfs/plain", 0);
	bind("plain", "bundle/rootfs/plain", MS_REMOUNT | MS_NOSUID);
	mount_tmpfs("bundle/rootfs/data/tmp", MS_NOSUID); /* ro,nosuid: both defer ro */
	bind("vol", "bundle/rootfs/rro", MS_REC);
	bind("bundle/rootfs/rro", "bundle/rootfs/rro", MS_REMOUNT | MS_RDONLY);
	bind("bundle/rootfs/rro/sub", "bundle/rootfs/rro/sub", MS_REMOUNT | MS_RDONLY);
}

/* A child in a mount namespace of its own, with the container's mounts;
 * it stays until the test ends (hold closed, or the test dies). */
static void start_container(void)
{
	int ready[2], wait_fd[2];
	char c;

	ck_assert_int_eq(pipe2(ready, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(wait_fd, O_CLOEXEC), 0);
	container = fork();
	ck_assert_int_ge(container, 0);
	if (container == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ready[0]);
		close(wait_fd[1]);
		if (unshare(CLONE_NEWNS) < 0)
			_exit(1);
		container_mounts();
		(void)!write(ready[1], "1", 1);
		(void)!read(wait_fd[0], &c, 1);
		_exit(0);
	}
	close(ready[1]);
	close(wait_fd[0]);
	hold = wait_fd[1];
	ck_assert_msg(read(ready[0], &c, 1) == 1, "the container did not start");
	close(ready[0]);
}

static void stop_container(void)
{
	close_fdp(&hold);
	if (container > 0)
		waitpid(container, NULL, 0);
	container = -1;
}

/* The hook's prepare and execute, as from a createRuntime hook. */
static void run_hook(struct hook_ctx *ctx)
{
	struct remount_timing timing = {0};
	struct err e = {0};
	char bundle[512];

	path_of(bundle, sizeof(bundle), "bundle");
	hook_open_ns(ctx, container);
	ck_assert_msg(hook_prepare(ctx, bundle, container, &e) == 0, "prepare: %s", e.msg);
	ck_assert_msg(hook_execute(ctx, true, &timing, &e) == 0, "execute: %s", e.msg);
}

/* What the container sees at rel (below its rootfs). */
static void in_container(char *buf, size_t size, const char *rel)
{
	ck_assert_int_lt(
	    snprintf(buf, size, "/proc/%d/root%s/bundle/rootfs/%s", (int)container, base, rel),
	    (int)size);
}

static void expect_owner(const char *rel, uid_t uid)
{
	char p[600];
	struct stat st;

	in_container(p, sizeof(p), rel);
	ck_assert_msg(stat(p, &st) == 0, "%s: %s", rel, strerror(errno));
	ck_assert_msg(st.st_uid == uid && st.st_gid == uid, "%s: %u:%u, not %u:%u", rel, st.st_uid,
		      st.st_gid, uid, uid);
}

/* The mount at rel (the top one) has exactly these of ro and nosuid. */
static void expect_flags(const char *rel, unsigned long want)
{
	char p[600];
	struct statvfs sv;

	in_container(p, sizeof(p), rel);
	ck_assert_msg(statvfs(p, &sv) == 0, "%s: %s", rel, strerror(errno));
	ck_assert_msg((sv.f_flag & (ST_RDONLY | ST_NOSUID)) == want, "%s: flags %#lx, not %#lx",
		      rel, sv.f_flag & (ST_RDONLY | ST_NOSUID), want);
}

/* Is the mount the container sees at rel idmapped (its table)? */
static bool is_idmapped(const char *rel)
{
	struct mount_table t = {0};
	struct err e = {0};
	char p[600];
	const struct mount_entry *me;
	struct statx stx;
	bool idmapped;

	in_container(p, sizeof(p), rel);
	ck_assert_msg(statx(AT_FDCWD, p, 0, STATX_MNT_ID, &stx) == 0, "%s: %s", p, strerror(errno));
	ck_assert(stx.stx_mask & STATX_MNT_ID);
	snprintf(p, sizeof(p), "/proc/%d/mountinfo", (int)container);
	ck_assert_msg(mountinfo_read(p, &t, &e) == 0, "%s", e.msg);
	me = mountinfo_find(&t, (int)stx.stx_mnt_id);
	ck_assert_msg(me, "%s: mount %llu not in the table", rel,
		      (unsigned long long)stx.stx_mnt_id);
	idmapped = me->idmapped;
	mountinfo_free(&t);
	return idmapped;
}

/* The host's mount table (this test's namespace). */
static char *host_table(void)
{
	struct err e = {0};
	char *text = NULL;

	ck_assert_msg(io_read_file("/proc/self/mountinfo", MOUNTINFO_MAX, &text, NULL, &e) == 0,
		      "%s", e.msg);
	return text;
}

/* Every volume remapped, every mount of its tree ending as config.json
 * asks (ro and nosuid as runc would leave them after its remounts), the
 * runtime's tmpfs kept; the host's sources and mount table untouched. */
static void expect_volumes(void)
{
	static const char *const remapped[] = {"data",	"data/sub", "data/inner",
					       "plain", "rro",	    "rro/sub"};
	_cleanup_free_ char *host_before = NULL, *host_after = NULL;
	struct hook_ctx ctx = HOOK_CTX_INIT;
	const char *why = NULL;
	struct stat st;
	char p[512];

	start_container();
	/* As the runtime left it: read-only done or deferred. */
	expect_flags("data/inner", runc_like ? ST_RDONLY : 0);
	host_before = host_table();
	run_hook(&ctx);
	host_after = host_table();
	for (size_t i = 0; i < ctx.spec.n_mounts; i++)
		if (ctx.plan.mounts[i].action == PLAN_IDMAP)
			ck_assert_msg(remount_is_done(&ctx.result, &ctx.plan, i, &why), "%s: %s",
				      ctx.spec.mounts[i].destination, why);
	/* What the container user sees: its own files, in every volume. */
	expect_owner("data/hello", USER);
	expect_owner("data/sub/s", USER); /* the rbind's submount */
	expect_owner("data/inner/x", USER);
	expect_owner("plain", USER);
	expect_owner("rro/hello", USER);
	expect_owner("rro/sub/s", USER);
	for (size_t i = 0; i < ARRAY_SIZE(remapped); i++)
		ck_assert_msg(is_idmapped(remapped[i]), "%s: not idmapped", remapped[i]);
	/* The runtime's tmpfs: its own, kept, ending read-only. */
	ck_assert(!is_idmapped("data/tmp"));
	expect_owner("data/tmp", 0);
	/* Read-only where config.json says so, nosuid on every remapped mount. */
	expect_flags("data", ST_NOSUID);
	expect_flags("data/sub", ST_NOSUID);
	expect_flags("data/inner", ST_RDONLY | ST_NOSUID);
	expect_flags("data/tmp", ST_RDONLY | ST_NOSUID);
	expect_flags("plain", ST_NOSUID);
	expect_flags("rro", ST_RDONLY | ST_NOSUID);
	expect_flags("rro/sub", ST_RDONLY | ST_NOSUID);
	/* A plain bind brings none of its source's submounts. */
	in_container(p, sizeof(p), "plain/sub/hidden");
	ck_assert_int_eq(stat(p, &st), -1);
	/* The host keeps its sources and its mounts as they were. */
	path_of(p, sizeof(p), "vol/hello");
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_uid, OWNER);
	ck_assert_str_eq(host_after, host_before);
	hook_ctx_free(&ctx);
	stop_container();
}

START_TEST(test_crun_volumes)
{
	expect_volumes();
}
END_TEST

/* runc made the bind read-only already: the same end. */
START_TEST(test_runc_volumes)
{
	runc_like = true;
	expect_volumes();
}
END_TEST

static Suite *remount_suite(void)
{
	Suite *s = suite_create("remount");
	TCase *tc = tcase_create("execute");

	tcase_add_checked_fixture(tc, setup_host, stop_container);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_crun_volumes);
	tcase_add_test(tc, test_runc_volumes);
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	SRunner *runner;
	int failed;

	if (argc != 3) {
		fprintf(stderr, "usage: %s DIR FIXTURE (config-volumes.json)\n", argv[0]);
		return 2;
	}
	snprintf(base, sizeof(base), "%s", argv[1]);
	snprintf(fixture, sizeof(fixture), "%s", argv[2]);
	runner = srunner_create(remount_suite());
	srunner_set_fork_status(runner, CK_FORK);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
