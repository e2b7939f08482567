/* SPDX-License-Identifier: Apache-2.0 */
/* The wrapper's edit of a bundle's config.json: added once, the file replaced
 * whole (mode kept), or left exactly as it was with nothing beside it. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "cleanup.h"
#include "io.h"
#include "tests.h"

static const char *const hook_args[] = {"oci-idmap-hook", NULL};
#define WITH_HOOK                                                                                  \
	"{\"a\":1.50,\"hooks\":{\"createRuntime\":[{\"path\":\"/"                                  \
	"h\",\"args\":[\"oci-idmap-hook\"]}]}}"

/* A new bundle directory holding config.json with text (mode 0640). */
static void make_bundle(char dir[static PATH_MAX], const char *text)
{
	char path[PATH_MAX + 16];
	FILE *f;

	snprintf(dir, PATH_MAX, "%s/oci-idmap-bundle.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config.json", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, 0640), 0);
}

/* The config.json of dir (freed by the caller), and the number of entries
 * in dir: no temporary file may be left beside it. */
static char *config_of(const char *dir, size_t *ret_entries)
{
	char path[PATH_MAX + 16], *text = NULL;
	struct err e = {0};
	struct dirent *d;
	DIR *dh = opendir(dir);

	ck_assert_ptr_nonnull(dh);
	*ret_entries = 0;
	while ((d = readdir(dh)))
		*ret_entries += strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0;
	closedir(dh);
	snprintf(path, sizeof(path), "%s/config.json", dir);
	ck_assert_int_eq(io_read_file(path, IO_CONFIG_MAX, &text, NULL, &e), 0);
	return text;
}

static void remove_bundle(const char *dir)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/config.json", dir);
	unlink(path);
	ck_assert_int_eq(rmdir(dir), 0);
}

START_TEST(test_added_once_mode_kept)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	struct err e = {0};
	struct stat first, second;
	size_t entries;
	char *text;

	make_bundle(dir, "{\"a\":1.50}");
	ck_assert_int_eq(bundle_add_hook(dir, "/h", hook_args, &e), 1);
	text = config_of(dir, &entries);
	ck_assert_str_eq(text, WITH_HOOK);
	ck_assert_uint_eq(entries, 1);
	free(text);
	snprintf(path, sizeof(path), "%s/config.json", dir);
	ck_assert_int_eq(stat(path, &first), 0);
	ck_assert_int_eq(first.st_mode & 07777, 0640);
	/* Already there: the file is not even rewritten. */
	ck_assert_int_eq(bundle_add_hook(dir, "/h", hook_args, &e), 0);
	ck_assert_int_eq(stat(path, &second), 0);
	ck_assert_uint_eq(first.st_ino, second.st_ino);
	remove_bundle(dir);
}
END_TEST

START_TEST(test_bad_config_unchanged)
{
	char dir[PATH_MAX], want[PATH_MAX + 128];
	struct err e = {0};
	size_t entries;
	char *text;

	make_bundle(dir, "{\"hooks\": {\"createRuntime\": {}}}");
	ck_assert_int_eq(bundle_add_hook(dir, "/h", hook_args, &e), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s/config.json: hooks.createRuntime: must be an array, not an object", dir);
	ck_assert_str_eq(e.msg, want);
	text = config_of(dir, &entries);
	ck_assert_str_eq(text, "{\"hooks\": {\"createRuntime\": {}}}");
	ck_assert_uint_eq(entries, 1);
	free(text);
	remove_bundle(dir);
	ck_assert_int_eq(bundle_add_hook(dir, "/h", hook_args, &e), -ENOENT);
	snprintf(want, sizeof(want), "open %s/config.json: No such file or directory", dir);
	ck_assert_str_eq(e.msg, want);
}
END_TEST

/* bundle_add_hook() with the size of files this process may write limited
 * (as test_io.c: no assertion while the limit holds). */
static int add_limited(const char *dir, rlim_t limit, struct err *e)
{
	struct rlimit old, r;
	int ret;

	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	r = (struct rlimit){.rlim_cur = limit, .rlim_max = old.rlim_max};
	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &r) < 0)
		return 1;
	ret = bundle_add_hook(dir, "/h", hook_args, e);
	setrlimit(RLIMIT_FSIZE, &old);
	return ret;
}

/* A write that fails halfway leaves config.json whole and nothing beside it. */
START_TEST(test_failed_write_leaves_file)
{
	char dir[PATH_MAX];
	struct err e = {0};
	size_t entries;
	char *text;

	make_bundle(dir, "{\"a\":1.50}");
	ck_assert_int_eq(add_limited(dir, 20, &e), -EFBIG);
	ck_assert_msg(strstr(e.msg, "/config.json.oci-idmap.") && strstr(e.msg, ": File too large"),
		      "%s", e.msg);
	text = config_of(dir, &entries);
	ck_assert_str_eq(text, "{\"a\":1.50}");
	ck_assert_uint_eq(entries, 1);
	free(text);
	remove_bundle(dir);
}
END_TEST

START_TEST(test_bundle_path_too_long)
{
	char dir[PATH_MAX + 8];
	struct err e = {0};

	memset(dir, 'd', sizeof(dir) - 1);
	dir[0] = '/';
	dir[sizeof(dir) - 1] = '\0';
	ck_assert_int_eq(bundle_add_hook(dir, "/h", hook_args, &e), -ENAMETOOLONG);
	/* The reason first: the message is cut at ERR_MSG_MAX. */
	ck_assert_int_eq(strncmp(e.msg, "bundle path too long: /ddd", 26), 0);
}
END_TEST

Suite *bundle_suite(void)
{
	Suite *s = suite_create("bundle");
	TCase *tc = tcase_create("bundle");

	tcase_add_test(tc, test_added_once_mode_kept);
	tcase_add_test(tc, test_bad_config_unchanged);
	tcase_add_test(tc, test_failed_write_leaves_file);
	tcase_add_test(tc, test_bundle_path_too_long);
	suite_add_tcase(s, tc);
	return s;
}
