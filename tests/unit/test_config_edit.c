/* SPDX-License-Identifier: Apache-2.0 */
/* Adding a hook to a config.json text: where it goes, what stays as it was. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "config_edit.h"
#include "tests.h"

static const char *const hook_args[] = {"oci-idmap-hook", NULL};
static const struct config_hook hook = {.path = "/h", .args = hook_args};
#define HOOK_JSON "{\"path\":\"/h\",\"args\":[\"oci-idmap-hook\"]}"

/* Add the hook to createRuntime of text; expect exactly want (compact). */
static void expect_edit(const char *text, const char *want)
{
	_cleanup_free_ char *out = NULL;
	struct err e = {0};
	size_t len = 0;

	ck_assert_int_eq(config_edit_add_hook(text, "createRuntime", &hook, &out, &len, &e), 1);
	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(len, strlen(want));
}

static void expect_error(const char *text, const char *msg)
{
	char *out = (char *)"untouched";
	struct err e = {0};
	size_t len = 7;

	ck_assert_int_eq(config_edit_add_hook(text, "createRuntime", &hook, &out, &len, &e),
			 -EINVAL);
	ck_assert_str_eq(e.msg, msg);
	ck_assert_str_eq(out, "untouched");
	ck_assert_uint_eq(len, 7);
}

START_TEST(test_no_hooks)
{
	expect_edit("{}", "{\"hooks\":{\"createRuntime\":[" HOOK_JSON "]}}");
	expect_edit("{\"ociVersion\": \"1.0.2\"}",
		    "{\"ociVersion\":\"1.0.2\",\"hooks\":{\"createRuntime\":[" HOOK_JSON "]}}");
}
END_TEST

START_TEST(test_other_stages_kept)
{
	expect_edit("{\"hooks\":{\"prestart\":[{\"path\":\"/p\",\"timeout\":5}]},\"z\":1}",
		    "{\"hooks\":{\"prestart\":[{\"path\":\"/p\",\"timeout\":5}],"
		    "\"createRuntime\":[" HOOK_JSON "]},\"z\":1}");
}
END_TEST

START_TEST(test_appended_after_other_hooks)
{
	expect_edit("{\"hooks\":{\"createRuntime\":[{\"path\":\"/a\"}],\"poststop\":[]}}",
		    "{\"hooks\":{\"createRuntime\":[{\"path\":\"/a\"}," HOOK_JSON
		    "],\"poststop\":[]}}");
	expect_edit("{\"hooks\":{\"createRuntime\":[]}}",
		    "{\"hooks\":{\"createRuntime\":[" HOOK_JSON "]}}");
}
END_TEST

START_TEST(test_already_there)
{
	const char *text = "{\"hooks\":{\"createRuntime\":[{\"path\":\"/a\"},{\"path\":\"/h\"}]}}";
	char *out = NULL;
	struct err e = {0};
	size_t len = 0;

	ck_assert_int_eq(config_edit_add_hook(text, "createRuntime", &hook, &out, &len, &e), 0);
	ck_assert_ptr_null(out);
	/* The same path at another stage does not count. */
	text = "{\"hooks\":{\"prestart\":[{\"path\":\"/h\"}]}}";
	ck_assert_int_eq(config_edit_add_hook(text, "createRuntime", &hook, &out, &len, &e), 1);
	free(out);
}
END_TEST

/* Numbers keep their text; every kind of value and member order survives. */
START_TEST(test_values_kept)
{
	expect_edit("{\"n\":[1.50,1E+3,-0,18446744073709551616,-9223372036854775809,0.1e-7],"
		    "\"s\":\"tab\\t quote\\\" nl\\n \\u00e9 \\ud83d\\ude42 slash/\","
		    "\"o\":{\"b\":true,\"a\":false,\"z\":null,\"e\":{},\"l\":[[]]}}",
		    "{\"n\":[1.50,1E+3,-0,18446744073709551616,-9223372036854775809,0.1e-7],"
		    "\"s\":\"tab\\t quote\\\" nl\\n \xc3\xa9 \xf0\x9f\x99\x82 slash/\","
		    "\"o\":{\"b\":true,\"a\":false,\"z\":null,\"e\":{},\"l\":[[]]},"
		    "\"hooks\":{\"createRuntime\":[" HOOK_JSON "]}}");
}
END_TEST

/* Control characters are escaped again, in keys too; DEL needs no escape. */
START_TEST(test_control_characters)
{
	expect_edit("{\"k\\u0001\":\"\\b\\f\\r\\u001F\\u007f\\\\\"}",
		    "{\"k\\u0001\":\"\\b\\f\\r\\u001f\x7f\\\\\","
		    "\"hooks\":{\"createRuntime\":[" HOOK_JSON "]}}");
}
END_TEST

/* A NUL (allowed where the hook does not read) goes back to its escape and
 * a pair is UTF-8.  A string runc and crun read differently (bytes that are
 * not UTF-8, a surrogate escape that pairs with nothing: runc reads U+FFFD,
 * crun refuses or reads another character) is never rewritten: the
 * document is refused, and the wrapper runs the runtime on it as it was. */
START_TEST(test_nul_and_surrogates)
{
	expect_edit("{\"a\":\"x\\u0000y\",\"c\":\"\\ud83d\\ude42\"}",
		    "{\"a\":\"x\\u0000y\",\"c\":\"\xf0\x9f\x99\x82\","
		    "\"hooks\":{\"createRuntime\":[" HOOK_JSON "]}}");
	expect_error("{\"b\":\"\\udc01\"}", "a string holds bytes that are not UTF-8 or a "
					    "surrogate escape that pairs with nothing "
					    "(runc and crun read it differently)");
	expect_error("{\"h\":\"\\ud800x\"}", "a string holds bytes that are not UTF-8 or a "
					     "surrogate escape that pairs with nothing "
					     "(runc and crun read it differently)");
	expect_error("{\"h\":\"\xed\xa0\x80\"}", "a string holds bytes that are not UTF-8 or a "
						 "surrogate escape that pairs with nothing "
						 "(runc and crun read it differently)");
}
END_TEST

/* Keys given twice stay, in their order (runc reads the last, crun the
 * first, as before); what follows the document stays as it was. */
START_TEST(test_as_every_runtime_reads_it)
{
	expect_edit("{\"a\":1,\"a\":{\"b\":[],\"b\":2}}",
		    "{\"a\":1,\"a\":{\"b\":[],\"b\":2},"
		    "\"hooks\":{\"createRuntime\":[" HOOK_JSON "]}}");
	expect_edit("{\"a\":1} \n\xff trailing {\"hooks\":",
		    "{\"a\":1,\"hooks\":{\"createRuntime\":[" HOOK_JSON "]}} \n\xff trailing "
		    "{\"hooks\":");
	/* The hooks the runtimes read differently: not edited. */
	expect_error("{\"hooks\":{},\"hooks\":{}}",
		     "hooks: given 2 times (runc reads the last, crun the first)");
	expect_error("{\"Hooks\":{}}", "hooks: spelled \"Hooks\" (runc reads it as hooks, crun "
				       "does not)");
	expect_error("{\"hooks\":{\"createruntime\":[]}}",
		     "hooks.createRuntime: spelled \"createruntime\" (runc reads it as "
		     "createRuntime, crun does not)");
}
END_TEST

START_TEST(test_hook_without_args)
{
	const struct config_hook bare = {.path = "/bare"};
	_cleanup_free_ char *out = NULL;
	struct err e = {0};
	size_t len = 0;

	ck_assert_int_eq(config_edit_add_hook("{}", "prestart", &bare, &out, &len, &e), 1);
	ck_assert_str_eq(out, "{\"hooks\":{\"prestart\":[{\"path\":\"/bare\"}]}}");
}
END_TEST

START_TEST(test_errors)
{
	expect_error("[]", "must be an object, not an array");
	expect_error("{\"hooks\":[]}", "hooks: must be an object, not an array");
	expect_error("{\"hooks\":{\"createRuntime\":{}}}",
		     "hooks.createRuntime: must be an array, not an object");
	expect_error("{\"hooks\":{\"createRuntime\":[\"/h\"]}}",
		     "hooks.createRuntime[0]: must be an object, not a string");
	expect_error("{\"hooks\":{\"createRuntime\":[{\"args\":[]}]}}",
		     "hooks.createRuntime[0].path: missing");
	expect_error("{\"hooks\":{\"createRuntime\":[{\"path\":\"/h\\u0000\"}]}}",
		     "hooks.createRuntime[0].path: \\u0000 in a string is not allowed");
	expect_error("{\"a\":1 /* c */}", "comments are not allowed in JSON");
	expect_error("", "empty input");
}
END_TEST

Suite *config_edit_suite(void)
{
	Suite *s = suite_create("config_edit");
	TCase *tc = tcase_create("add_hook");

	tcase_add_test(tc, test_no_hooks);
	tcase_add_test(tc, test_other_stages_kept);
	tcase_add_test(tc, test_appended_after_other_hooks);
	tcase_add_test(tc, test_already_there);
	tcase_add_test(tc, test_values_kept);
	tcase_add_test(tc, test_control_characters);
	tcase_add_test(tc, test_nul_and_surrogates);
	tcase_add_test(tc, test_as_every_runtime_reads_it);
	tcase_add_test(tc, test_hook_without_args);
	tcase_add_test(tc, test_errors);
	suite_add_tcase(s, tc);
	return s;
}
