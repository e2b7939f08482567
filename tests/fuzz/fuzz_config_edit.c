/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target, with a differential check: the runtime wrapper's
 * config.json rewriter (config_edit_add_hook, run as root on every Docker
 * start).  For each input, twice (the wrapper's hook at createRuntime, and a
 * hook and stage whose strings need escaping):
 *
 *  - an error comes with a one-line message, and only for a document that
 *    is not JSON, whose hooks are malformed or read differently by runc and
 *    crun (a key given twice, or in another case), or with a string not in
 *    the tree as written (checked here independently);
 *  - "already there" (0) only when hooks.<stage> has an entry with that path;
 *  - otherwise the output parses, and compared with the input tree every
 *    value, every number's text and every key order is the same; the one
 *    difference is the hook entry added: appended to hooks.<stage>, or
 *    hooks.<stage> added as the last member of hooks, or hooks added as the
 *    last member of the document, holding exactly {"path", "args"};
 *  - rewriting the output again finds the hook there and changes nothing.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_edit.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const wrapper_args[] = {"oci-idmap-hook", NULL};
static const char *const odd_args[] = {"a\"b", "\\", "\t\x01\x7f", "\xc3\xa9", "", NULL};

static const struct {
	const char *stage;
	struct config_hook hook;
} cases[] = {
    {"createRuntime", {.path = "/usr/libexec/oci/hooks.d/oci-idmap-hook", .args = wrapper_args}},
    {"odd \"stage\"\n", {.path = "/h\"\\\x1f/\xf0\x9f\x99\x82", .args = odd_args}},
    {"prestart", {.path = "/bare"}},
};

/* The member key of obj, or NULL; *ambiguous when runc and crun would read
 * different members for it (not changed otherwise). */
static const json_value *member_of(const json_value *obj, const char *key, bool *ambiguous)
{
	const json_value *found = NULL;
	size_t n = 0;

	for (size_t i = 0; i < json_object_len(obj); i++) {
		if (!json_is_go_alias(json_object_key_at(obj, i), key))
			continue;
		n++;
		if (strcmp(json_object_key_at(obj, i), key) == 0)
			found = json_object_value_at(obj, i);
		else
			*ambiguous = true;
	}
	if (n > 1)
		*ambiguous = true;
	return found;
}

static const json_value *member(const json_value *obj, const char *key)
{
	bool ambiguous = false;

	return member_of(obj, key, &ambiguous);
}

static bool same(const json_value *a, const json_value *b)
{
	enum json_kind k = json_kind_of(a);
	size_t i;

	if (k != json_kind_of(b))
		return false;
	switch (k) {
	case JSON_STRING:
		return strcmp(json_string_of(a), json_string_of(b)) == 0;
	case JSON_NUMBER: /* the text, not the value: 1.50 is not 1.5 */
		return strcmp(json_number_text(a), json_number_text(b)) == 0;
	case JSON_ARRAY:
		if (json_array_len(a) != json_array_len(b))
			return false;
		for (i = 0; i < json_array_len(a); i++)
			if (!same(json_array_at(a, i), json_array_at(b, i)))
				return false;
		return true;
	case JSON_OBJECT:
		if (json_object_len(a) != json_object_len(b))
			return false;
		for (i = 0; i < json_object_len(a); i++)
			if (strcmp(json_object_key_at(a, i), json_object_key_at(b, i)) != 0 ||
			    !same(json_object_value_at(a, i), json_object_value_at(b, i)))
				return false;
		return true;
	default:
		return true;
	}
}

/* Is v exactly {"path": hook->path, "args": [hook->args...]}? */
static bool is_hook(const json_value *v, const struct config_hook *hook)
{
	const json_value *args;
	size_t n = 0;

	if (json_kind_of(v) != JSON_OBJECT || json_object_len(v) != (hook->args ? 2 : 1) ||
	    strcmp(json_object_key_at(v, 0), "path") != 0 ||
	    json_kind_of(json_object_value_at(v, 0)) != JSON_STRING ||
	    strcmp(json_string_of(json_object_value_at(v, 0)), hook->path) != 0)
		return false;
	if (!hook->args)
		return true;
	args = json_object_value_at(v, 1);
	if (strcmp(json_object_key_at(v, 1), "args") != 0 || json_kind_of(args) != JSON_ARRAY)
		return false;
	for (; hook->args[n]; n++)
		if (n >= json_array_len(args) ||
		    json_kind_of(json_array_at(args, n)) != JSON_STRING ||
		    strcmp(json_string_of(json_array_at(args, n)), hook->args[n]) != 0)
			return false;
	return n == json_array_len(args);
}

/*
 * after is before with the member keys[0] edited as keys[1..] says (added
 * last when before has none, before may be NULL: absent); at the end of
 * keys, after is the array before with the hook appended.
 */
static bool is_edit(const json_value *before, const json_value *after, const char *const *keys,
		    const struct config_hook *hook)
{
	size_t n, i;

	if (!*keys) {
		n = before ? json_array_len(before) : 0;
		if (json_kind_of(after) != JSON_ARRAY || json_array_len(after) != n + 1)
			return false;
		for (i = 0; i < n; i++)
			if (!same(json_array_at(before, i), json_array_at(after, i)))
				return false;
		return is_hook(json_array_at(after, n), hook);
	}
	n = before ? json_object_len(before) : 0;
	if (json_kind_of(after) != JSON_OBJECT)
		return false;
	if (json_object_len(after) != n + (before && member(before, keys[0]) ? 0 : 1))
		return false;
	for (i = 0; i < json_object_len(after); i++) {
		const char *key = json_object_key_at(after, i);
		const json_value *v = json_object_value_at(after, i);

		if (i < n && strcmp(key, json_object_key_at(before, i)) != 0)
			return false;
		if (strcmp(key, keys[0]) == 0) {
			if (!is_edit(i < n ? json_object_value_at(before, i) : NULL, v, keys + 1,
				     hook))
				return false;
		} else if (i >= n || !same(json_object_value_at(before, i), v)) {
			return false;
		}
	}
	return true;
}

/*
 * Independently of config_edit: -1 when the document's hooks cannot take an
 * entry (not an object, hooks not an object, hooks.<stage> not an array of
 * objects with a string path), 1 when an entry has path, 0 otherwise.
 */
static int hook_state(const json_value *root, const char *stage, const char *path)
{
	const json_value *hooks, *list, *p;
	bool ambiguous = false;
	int found = 0;

	if (json_kind_of(root) != JSON_OBJECT)
		return -1;
	hooks = member_of(root, "hooks", &ambiguous);
	if (ambiguous)
		return -1;
	if (!hooks)
		return 0;
	if (json_kind_of(hooks) != JSON_OBJECT)
		return -1;
	list = member_of(hooks, stage, &ambiguous);
	if (ambiguous)
		return -1;
	if (!list)
		return 0;
	if (json_kind_of(list) != JSON_ARRAY)
		return -1;
	for (size_t i = 0; i < json_array_len(list) && !found; i++) {
		if (json_kind_of(json_array_at(list, i)) != JSON_OBJECT)
			return -1;
		p = member_of(json_array_at(list, i), "path", &ambiguous);
		/* A path with a "\u0000" is one the wrapper refuses to read. */
		if (ambiguous || !p || json_kind_of(p) != JSON_STRING ||
		    strstr(json_string_of(p), JSON_NUL_MARK))
			return -1;
		found = strcmp(json_string_of(p), path) == 0;
	}
	return found;
}

static void check_output(const json_value *before, const char *stage,
			 const struct config_hook *hook, const char *out, size_t len)
{
	const char *const keys[] = {"hooks", stage, NULL};
	json_value *after = NULL;
	struct err e = {0};
	char *again = NULL;
	size_t again_len = 0;

	if (strlen(out) != len || json_parse(out, &after, &e) < 0)
		abort(); /* not JSON that the hook (and the wrapper) would read */
	if (!is_edit(before, after, keys, hook))
		abort(); /* more changed than the one hook entry */
	if (config_edit_add_hook(out, stage, hook, &again, &again_len, &e) != 0 || again)
		abort(); /* the second run must find the hook there */
	json_free(after);
}

static void run_case(const char *text, const json_value *before, const char *stage,
		     const struct config_hook *hook)
{
	struct err e = {0};
	char *out = NULL;
	size_t len = 0;
	int r, state;

	r = config_edit_add_hook(text, stage, hook, &out, &len, &e);
	state = before ? hook_state(before, stage, hook->path) : -1;
	if (r < 0) {
		if (e.code == 0 || !e.msg[0] || strchr(e.msg, '\n') || state >= 0)
			abort(); /* refused a usable document, or without one line */
		return;
	}
	/* 1 (added) exactly when absent, 0 exactly when there. */
	if (state < 0 || r != !state || (r == 0) != (out == NULL))
		abort(); /* added though there, or not added though absent */
	if (r == 1)
		check_output(before, stage, hook, out, len);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_value *before = NULL;
	struct json_doc_info info;
	struct err e = {0};
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* A document whose strings are not all in the tree as written is not
	 * rewritten: for the check, it is as one that is not JSON. */
	if (json_parse_doc(text, &before, &info, &e) < 0)
		before = NULL;
	else if (!info.exact)
		json_freep(&before);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(text, before, cases[i].stage, &cases[i].hook);
	json_free(before);
	free(text);
	return 0;
}
