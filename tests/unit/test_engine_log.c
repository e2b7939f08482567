/* SPDX-License-Identifier: Apache-2.0 */
/* The wrapper's error line in the engine's log: JSON that containerd reads,
 * or logrus-style text. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "engine_log.h"
#include "io.h"
#include "json.h"
#include "tests.h"

#define MSG "b/config.json: \"q\" \\ \x01\t\x7f \xc3\xa9"

/* A new, empty log file's path. */
static void new_log(char path[static PATH_MAX])
{
	int fd;

	snprintf(path, PATH_MAX, "%s/oci-idmap-log.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static char *read_log(const char *path)
{
	char *text = NULL;
	struct err e = {0};

	ck_assert_int_eq(io_read_file(path, 65536, &text, NULL, &e), 0);
	return text;
}

/* One JSON object per line, appended: level, the whole message, a time. */
START_TEST(test_json_line)
{
	_cleanup_json_ json_value *root = NULL;
	_cleanup_free_ char *text = NULL;
	const char *level, *msg, *when;
	char path[PATH_MAX];
	struct err e = {0};

	new_log(path);
	engine_log_error(path, "json", "first");
	engine_log_error(path, "json", MSG);
	text = read_log(path);
	unlink(path);
	ck_assert_int_eq(
	    strncmp(text, "{\"level\":\"error\",\"msg\":\"oci-idmap-runtime: first\"", 48), 0);
	ck_assert_ptr_nonnull(strchr(text, '\n'));
	ck_assert_int_eq(json_parse(strchr(text, '\n') + 1, &root, &e), 0);
	ck_assert_int_eq(json_get_string(root, "", "level", JSON_REQUIRED, &level, &e), 1);
	ck_assert_int_eq(json_get_string(root, "", "msg", JSON_REQUIRED, &msg, &e), 1);
	ck_assert_int_eq(json_get_string(root, "", "time", JSON_REQUIRED, &when, &e), 1);
	ck_assert_str_eq(level, "error");
	ck_assert_str_eq(msg, "oci-idmap-runtime: " MSG);
	ck_assert_uint_eq(strlen(when), strlen("2026-11-30T21:00:00Z"));
	ck_assert_int_eq(when[strlen(when) - 1], 'Z');
}
END_TEST

START_TEST(test_text_line)
{
	_cleanup_free_ char *text = NULL;
	char path[PATH_MAX];
	const char *rest;

	new_log(path);
	engine_log_error(path, NULL, "a \"b\"\nc");
	text = read_log(path);
	unlink(path);
	ck_assert_int_eq(strncmp(text, "time=\"", 6), 0);
	rest = strstr(text, "\" level=error msg=\"");
	ck_assert_ptr_nonnull(rest);
	ck_assert_str_eq(rest, "\" level=error msg=\"oci-idmap-runtime: a \\\"b\\\"\\u000ac\"\n");
}
END_TEST

/* No --log: nothing written anywhere; a log that cannot be opened: ignored. */
START_TEST(test_no_log)
{
	engine_log_error(NULL, "json", "x");
	engine_log_error("", "json", "x");
	engine_log_error("/nonexistent/dir/log.json", "json", "x");
	ck_assert_int_ne(access("/nonexistent/dir/log.json", F_OK), 0);
}
END_TEST

Suite *engine_log_suite(void)
{
	Suite *s = suite_create("engine_log");
	TCase *tc = tcase_create("engine_log");

	tcase_add_test(tc, test_json_line);
	tcase_add_test(tc, test_text_line);
	tcase_add_test(tc, test_no_log);
	suite_add_tcase(s, tc);
	return s;
}
