/* SPDX-License-Identifier: Apache-2.0 */
/* The OCI state on stdin: what runc and crun send, and what we refuse. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "state.h"
#include "tests.h"

#define PID_RANGE "must be an integer in 0..2147483647"

/* Parse text, expect failure with exactly msg, and ret untouched. */
static void expect_error(const char *text, const char *msg)
{
	struct oci_state s = {.pid = 77};
	struct err e = {0};
	int r;

	r = state_parse(text, &s, &e);
	ck_assert_int_eq(r, -EINVAL);
	ck_assert_int_eq(e.code, EINVAL);
	ck_assert_str_eq(e.msg, msg);
	ck_assert_ptr_null(s.id);
	ck_assert_int_eq(s.pid, 77);
}

/* The same, comparing only the start of the message. */
static void expect_error_prefix(const char *text, const char *prefix)
{
	struct oci_state s = {0};
	struct err e = {0};

	ck_assert_int_eq(state_parse(text, &s, &e), -EINVAL);
	ck_assert_msg(strncmp(e.msg, prefix, strlen(prefix)) == 0,
		      "message \"%s\" does not start with \"%s\"", e.msg, prefix);
	ck_assert_ptr_null(strchr(e.msg, '\n'));
}

/* A valid state document with one member replaced by "key":value. */
static void expect_field_error(const char *key, const char *value, const char *msg)
{
	const char *fields[][2] = {
	    {"ociVersion", "\"1.0.2\""}, {"id", "\"c1\""},
	    {"status", "\"creating\""},	 {"pid", "42"},
	    {"bundle", "\"/b\""},
	};
	char text[512] = "{";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		const char *v = strcmp(fields[i][0], key) == 0 ? value : fields[i][1];

		if (!v)
			continue;
		if (text[1])
			strcat(text, ",");
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "\"%s\":%s",
			 fields[i][0], v);
	}
	strcat(text, "}");
	expect_error(text, msg);
}

START_TEST(test_runc_state)
{
	char *text = fixture_read("state-runc.json");
	struct oci_state s = {0};
	struct err e = {0};

	ck_assert_int_eq(state_parse(text, &s, &e), 0);
	ck_assert_str_eq(s.id, "web-1");
	ck_assert_str_eq(s.status, "creating");
	ck_assert_int_eq(s.pid, 4242);
	ck_assert_str_eq(s.bundle, "/run/bundles/web-1");
	state_free(&s);
	ck_assert_ptr_null(s.id);
	free(text);
}
END_TEST

START_TEST(test_crun_state)
{
	char *text = fixture_read("state-crun.json");
	struct oci_state s = {0};
	struct err e = {0};

	ck_assert_int_eq(state_parse(text, &s, &e), 0);
	ck_assert_str_eq(s.id, "web-2");
	ck_assert_str_eq(s.status, "created");
	ck_assert_int_eq(s.pid, 5151);
	ck_assert_str_eq(s.bundle, "/var/lib/bundles/web-2");
	state_free(&s);
	free(text);
}
END_TEST

START_TEST(test_pid_optional_and_bounds)
{
	struct oci_state s = {0};
	struct err e = {0};

	ck_assert_int_eq(state_parse("{\"ociVersion\":\"1\",\"id\":\"x\",\"status\":\"\","
				     "\"bundle\":\"/b\"}",
				     &s, &e),
			 0);
	ck_assert_int_eq(s.pid, 0);
	ck_assert_str_eq(s.status, "");
	state_free(&s);
	ck_assert_int_eq(state_parse("{\"ociVersion\":\"1\",\"id\":\"x\",\"status\":\"s\","
				     "\"bundle\":\"/b\",\"pid\":2147483647}",
				     &s, &e),
			 0);
	ck_assert_int_eq(s.pid, 2147483647);
	state_free(&s);
}
END_TEST

START_TEST(test_pid_invalid)
{
	expect_field_error("pid", "-1", "state: pid: " PID_RANGE);
	expect_field_error("pid", "1.5", "state: pid: " PID_RANGE);
	expect_field_error("pid", "1e99", "state: pid: " PID_RANGE);
	expect_field_error("pid", "1099511627776", "state: pid: " PID_RANGE);
	expect_field_error("pid", "2147483648", "state: pid: " PID_RANGE);
	expect_field_error("pid", "99999999999999999999", "state: pid: " PID_RANGE);
	expect_field_error("pid", "\"42\"", "state: pid: " PID_RANGE);
	expect_field_error("pid", "null", "state: pid: " PID_RANGE);
}
END_TEST

START_TEST(test_wrong_types)
{
	expect_field_error("ociVersion", "true",
			   "state: ociVersion: must be a string, not a boolean");
	expect_field_error("id", "5", "state: id: must be a string, not a number");
	expect_field_error("status", "null", "state: status: must be a string, not null");
	expect_field_error("bundle", "[\"/b\"]", "state: bundle: must be a string, not an array");
	expect_field_error("id", "{}", "state: id: must be a string, not an object");
	expect_error("[]", "state: document: must be an object, not an array");
	expect_error("\"x\"", "state: document: must be an object, not a string");
}
END_TEST

START_TEST(test_missing_and_empty)
{
	expect_field_error("id", NULL, "state: id: missing");
	expect_field_error("bundle", NULL, "state: bundle: missing");
	expect_field_error("ociVersion", NULL, "state: ociVersion: missing");
	expect_field_error("status", NULL, "state: status: missing");
	expect_field_error("id", "\"\"", "state: id: must not be empty");
	expect_field_error("bundle", "\"\"", "state: bundle: must not be empty");
	expect_field_error("bundle", "\"run/b\"", "state: bundle: must be an absolute path");
}
END_TEST

START_TEST(test_empty_input)
{
	const char *msg = "state: empty input (expected the OCI state JSON on stdin)";

	expect_error("", msg);
	expect_error(" \n\t\r\n", msg);
}
END_TEST

START_TEST(test_not_json)
{
	expect_error("hello", "state: lexical error: invalid char in json text (near: hello)");
	expect_error_prefix("{\"ociVersion\":\"1.0.2\",\"id\":\"x\"",
			    "state: parse error: premature EOF (near: {\"ociVersion\"");
	/* Only the first value is read, as runc's decoder does: the rest is not. */
	expect_error("{\"id\":\"x\"} {}", "state: ociVersion: missing");
	expect_error("{\"id\":\"x\" /* c */}", "state: comments are not allowed in JSON");
	expect_error("{'id':1}",
		     "state: lexical error: invalid char in json text (near: {'id':1})");
	expect_error_prefix("{1:2}", "state: parse error: invalid object key");
}
END_TEST

/* A key given twice is refused only where the hook reads it. */
START_TEST(test_duplicate_keys)
{
	struct oci_state st = {0};
	struct err e = {0};

	expect_error("{\"ociVersion\":\"1\",\"id\":\"a\",\"status\":\"s\",\"bundle\":\"/b\","
		     "\"id\":\"b\"}",
		     "state: id: given 2 times (runc reads the last, crun the first)");
	expect_error("{\"ociVersion\":\"1\",\"id\":\"a\",\"status\":\"s\",\"bundle\":\"/b\","
		     "\"Pid\":1}",
		     "state: pid: spelled \"Pid\" (runc reads it as pid, crun does not)");
	ck_assert_int_eq(state_parse("{\"ociVersion\":\"1\",\"id\":\"a\",\"status\":\"s\","
				     "\"bundle\":\"/b\",\"annotations\":{\"k\":\"1\",\"k\":\"2\"},"
				     "\"x\":[0,{\"g\":0,\"g\":1}]} trailing",
				     &st, &e),
			 0);
	ck_assert_str_eq(st.id, "a");
	state_free(&st);
}
END_TEST

START_TEST(test_deep_nesting)
{
	size_t depth = 10000, i, len = 0;
	char *text = malloc(2 * depth + 64);

	ck_assert_ptr_nonnull(text);
	len += (size_t)sprintf(text, "{\"id\":");
	for (i = 0; i < depth; i++)
		text[len++] = '[';
	for (i = 0; i < depth; i++)
		text[len++] = ']';
	strcpy(text + len, "}");
	expect_error(text, "state: nesting deeper than 10000 levels");
	free(text);
}
END_TEST

/* A valid state whose member "x" nests `arrays` arrays (level 1 is the root). */
static char *nested_state(size_t arrays)
{
	const char *head = "{\"ociVersion\":\"1\",\"id\":\"x\",\"status\":\"s\","
			   "\"bundle\":\"/b\",\"x\":";
	size_t len = strlen(head);
	char *text = malloc(len + 2 * arrays + 2);

	ck_assert_ptr_nonnull(text);
	memcpy(text, head, len);
	memset(text + len, '[', arrays);
	memset(text + len + arrays, ']', arrays);
	strcpy(text + len + 2 * arrays, "}");
	return text;
}

START_TEST(test_nesting_limit)
{
	struct oci_state s = {0};
	struct err e = {0};
	char *text = nested_state(9999);

	/* As deep as Go's encoding/json (the runtimes) allows: parsed and freed. */
	ck_assert_int_eq(state_parse(text, &s, &e), 0);
	state_free(&s);
	free(text);
	text = nested_state(10000);
	expect_error(text, "state: nesting deeper than 10000 levels");
	free(text);
}
END_TEST

START_TEST(test_brackets_in_strings_do_not_count)
{
	struct oci_state s = {0};
	struct err e = {0};
	char text[1024];

	snprintf(text, sizeof(text),
		 "{\"ociVersion\":\"1\",\"id\":\"%.*s\\\"\",\"status\":\"s\","
		 "\"bundle\":\"/b\"}",
		 200,
		 "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
		 "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
	ck_assert_int_eq(state_parse(text, &s, &e), 0);
	ck_assert_uint_eq(strlen(s.id), 121);
	state_free(&s);
}
END_TEST

START_TEST(test_huge_string)
{
	size_t n = 60000;
	char *text = malloc(n + 128);
	struct oci_state s = {0};
	struct err e = {0};
	size_t len;

	ck_assert_ptr_nonnull(text);
	len = (size_t)sprintf(text, "{\"ociVersion\":\"1\",\"status\":\"s\","
				    "\"bundle\":\"/b\",\"id\":\"");
	memset(text + len, 'x', n);
	strcpy(text + len + n, "\"}");
	/* Parsed without trouble, then refused: the id is echoed in messages. */
	ck_assert_int_eq(state_parse(text, &s, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "state: id: must be at most 1024 characters, without newlines");
	free(text);
}
END_TEST

START_TEST(test_bad_strings)
{
	struct oci_state st = {0};
	struct err e = {0};

	/* Bytes that are not UTF-8 read as U+FFFD, as Go reads them. */
	ck_assert_int_eq(state_parse("{\"ociVersion\":\"1\",\"id\":\"\xff\xfe\",\"status\":\"s\","
				     "\"bundle\":\"/b\"}",
				     &st, &e),
			 0);
	ck_assert_str_eq(st.id, "\xef\xbf\xbd\xef\xbf\xbd");
	state_free(&st);
	expect_error("{\"ociVersion\":\"1\",\"id\":\"a\\u0000b\",\"status\":\"s\","
		     "\"bundle\":\"/b\"}",
		     "state: id: \\u0000 in a string is not allowed");
	expect_error_prefix("{\"id\":\"a\nb\"}",
			    "state: lexical error: invalid character inside string");
}
END_TEST

/* A NUL in what the hook does not read (CRI-O copies pod annotations into
 * the state) is the runtime's business: parsed, and the rest read whole. */
START_TEST(test_nul_where_the_hook_does_not_read)
{
	struct oci_state s = {0};
	struct err e = {0};

	ck_assert_int_eq(state_parse("{\"ociVersion\":\"1\",\"id\":\"ab\",\"status\":\"s\","
				     "\"annotations\":{\"k\\u0000\":\"v\\u0000w\"},"
				     "\"bundle\":\"/b\"}",
				     &s, &e),
			 0);
	ck_assert_str_eq(s.id, "ab");
	ck_assert_str_eq(s.bundle, "/b");
	state_free(&s);
}
END_TEST

START_TEST(test_escaped_backslash_is_not_nul)
{
	struct oci_state s = {0};
	struct err e = {0};

	ck_assert_int_eq(state_parse("{\"ociVersion\":\"1\",\"id\":\"a\\\\u0000\","
				     "\"status\":\"s\",\"bundle\":\"/b\"}",
				     &s, &e),
			 0);
	ck_assert_str_eq(s.id, "a\\u0000");
	state_free(&s);
}
END_TEST

/* state_free() leaves an empty state: freeing again (as a cleanup path
 * after an explicit free does) frees nothing twice.  A double free would
 * abort this test's process. */
START_TEST(test_free_zeroed)
{
	_cleanup_free_ char *text = fixture_read("state-runc.json");
	struct oci_state s = {0};
	struct err e = {0};

	ck_assert_int_eq(state_parse(text, &s, &e), 0);
	ck_assert_ptr_nonnull(s.id);
	ck_assert_int_ne(s.pid, 0);
	state_free(&s);
	ck_assert_ptr_null(s.id);
	ck_assert_ptr_null(s.status);
	ck_assert_ptr_null(s.bundle);
	ck_assert_int_eq(s.pid, 0);
	state_free(&s);
	ck_assert_ptr_null(s.id);
}
END_TEST

Suite *state_suite(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_runc_state);
	tcase_add_test(tc, test_crun_state);
	tcase_add_test(tc, test_pid_optional_and_bounds);
	tcase_add_test(tc, test_pid_invalid);
	tcase_add_test(tc, test_wrong_types);
	tcase_add_test(tc, test_missing_and_empty);
	tcase_add_test(tc, test_empty_input);
	tcase_add_test(tc, test_not_json);
	tcase_add_test(tc, test_duplicate_keys);
	tcase_add_test(tc, test_deep_nesting);
	tcase_add_test(tc, test_nesting_limit);
	tcase_add_test(tc, test_nul_where_the_hook_does_not_read);
	tcase_add_test(tc, test_brackets_in_strings_do_not_count);
	tcase_add_test(tc, test_huge_string);
	tcase_add_test(tc, test_bad_strings);
	tcase_add_test(tc, test_escaped_backslash_is_not_nul);
	tcase_add_test(tc, test_free_zeroed);
	suite_add_tcase(s, tc);
	return s;
}
