/* SPDX-License-Identifier: Apache-2.0 */
#include "config_edit.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"

/*
 * Checked with the json.h getters, so the messages read like every other
 * config.json message: 1 when hooks.<stage> has an entry with this path, 0
 * when not, -EINVAL when the document or its hooks are malformed.
 */
static int has_hook(const json_value *root, const char *stage, const char *hook_path, struct err *e)
{
	const json_value *hooks = NULL, *list = NULL;
	char list_path[JSON_PATH_MAX], at[JSON_PATH_MAX];
	size_t n = 0, i;
	const char *p;
	int r;

	r = json_expect_object(root, "", e);
	if (r < 0)
		return r;
	r = json_get_object(root, "", "hooks", JSON_OPTIONAL, &hooks, e);
	if (r <= 0)
		return r;
	r = json_get_array(hooks, "hooks", stage, JSON_OPTIONAL, &list, &n, e);
	if (r <= 0)
		return r;
	json_path_key(list_path, "hooks", stage);
	for (i = 0; i < n; i++) {
		json_path_index(at, list_path, i);
		r = json_expect_object(json_array_at(list, i), at, e);
		if (r < 0)
			return r;
		r = json_get_string(json_array_at(list, i), at, "path", JSON_REQUIRED, &p, e);
		if (r < 0)
			return r;
		if (strcmp(p, hook_path) == 0)
			return 1;
	}
	return 0;
}

/*
 * A JSON string: the two characters JSON requires escaped and the control
 * characters are escaped, the NUL mark goes back to "\u0000", every other
 * byte is written as it is (json_parse() checked the UTF-8: the wrapper
 * rewrites only documents whose strings are all in the tree as written).
 */
static void put_string(FILE *f, const char *s)
{
	static const char plain[] = "\"\\\b\f\n\r\t", escaped[] = "\"\\bfnrt";
	const size_t mark_len = sizeof(JSON_NUL_MARK) - 1;
	const char *at;

	fputc('"', f);
	for (; *s; s++) {
		at = strchr(plain, *s);
		if (at) {
			fprintf(f, "\\%c", escaped[at - plain]);
		} else if (strncmp(s, JSON_NUL_MARK, mark_len) == 0) {
			fputs("\\u0000", f);
			s += mark_len - 1;
		} else if ((unsigned char)*s < 0x20) {
			fprintf(f, "\\u%04x", (unsigned)*s);
		} else {
			fputc(*s, f);
		}
	}
	fputc('"', f);
}

/* Any value, as it was; depth is bounded: json_parse() refused deeper ones. */
static void put_value(FILE *f, const json_value *v)
{
	static const char *const words[] = {
	    [JSON_NULL] = "null", [JSON_FALSE] = "false", [JSON_TRUE] = "true"};
	size_t i;

	switch (json_kind_of(v)) {
	case JSON_OBJECT:
		fputc('{', f);
		for (i = 0; i < json_object_len(v); i++) {
			fputs(i ? "," : "", f);
			put_string(f, json_object_key_at(v, i));
			fputc(':', f);
			put_value(f, json_object_value_at(v, i));
		}
		fputc('}', f);
		break;
	case JSON_ARRAY:
		fputc('[', f);
		for (i = 0; i < json_array_len(v); i++) {
			fputs(i ? "," : "", f);
			put_value(f, json_array_at(v, i));
		}
		fputc(']', f);
		break;
	case JSON_STRING:
		put_string(f, json_string_of(v));
		break;
	case JSON_NUMBER: /* the original text: 1.50, 1E+3, 2^64 stay */
		fputs(json_number_text(v), f);
		break;
	default:
		fputs(words[json_kind_of(v)], f);
	}
}

static void put_hook(FILE *f, const struct config_hook *hook)
{
	const char *const *a;

	fputs("{\"path\":", f);
	put_string(f, hook->path);
	if (hook->args) {
		fputs(",\"args\":[", f);
		for (a = hook->args; *a; a++) {
			fputs(a == hook->args ? "" : ",", f);
			put_string(f, *a);
		}
		fputc(']', f);
	}
	fputc('}', f);
}

/*
 * v (an object, or NULL for a new empty one) with the member named by
 * keys[0] edited the same way one level down, added last when absent; at the
 * end of keys, v is the array (or NULL) that gets the hook appended.
 */
static void put_edited(FILE *f, const json_value *v, const char *const *keys,
		       const struct config_hook *hook)
{
	bool found = false, here;
	size_t i, n;

	if (!*keys) {
		n = v ? json_array_len(v) : 0;
		fputc('[', f);
		for (i = 0; i < n; i++) {
			put_value(f, json_array_at(v, i));
			fputc(',', f);
		}
		put_hook(f, hook);
		fputc(']', f);
		return;
	}
	n = v ? json_object_len(v) : 0;
	fputc('{', f);
	for (i = 0; i < n; i++) {
		fputs(i ? "," : "", f);
		put_string(f, json_object_key_at(v, i));
		fputc(':', f);
		here = strcmp(json_object_key_at(v, i), keys[0]) == 0;
		found |= here;
		if (here)
			put_edited(f, json_object_value_at(v, i), keys + 1, hook);
		else
			put_value(f, json_object_value_at(v, i));
	}
	if (!found) {
		fputs(n ? "," : "", f);
		put_string(f, keys[0]);
		fputc(':', f);
		put_edited(f, NULL, keys + 1, hook);
	}
	fputc('}', f);
}

/* The text of root with the hook added (has_hook() checked its shape),
 * then rest as it was. */
static int rewrite(const json_value *root, const char *stage, const struct config_hook *hook,
		   const char *rest, char **ret_text, size_t *ret_len, struct err *e)
{
	const char *const keys[] = {"hooks", stage, NULL};
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	bool failed;
	FILE *f;

	f = open_memstream(&text, &len);
	if (!f)
		return err_set(e, errno, "cannot rewrite the JSON");
	put_edited(f, root, keys, hook);
	fputs(rest, f);
	failed = ferror(f);
	/* A memory stream fails only for memory. */
	if (fclose(f) != 0 || failed)
		return err_set(e, ENOMEM, "cannot rewrite the JSON");
	*ret_text = TAKE_PTR(text);
	*ret_len = len;
	return 0;
}

int config_edit_add_hook(const char *text, const char *stage, const struct config_hook *hook,
			 char **ret_text, size_t *ret_len, struct err *e)
{
	_cleanup_json_ json_value *root = NULL;
	struct json_doc_info info;
	int r;

	r = json_parse_doc(text, &root, &info, e);
	if (r < 0)
		return r;
	/* Written back, such a string would read differently to crun. */
	if (!info.exact)
		return err_msg(e, EINVAL,
			       "a string holds bytes that are not UTF-8 or a surrogate escape "
			       "that pairs with nothing (runc and crun read it differently)");
	r = has_hook(root, stage, hook->path, e);
	if (r != 0)
		return r < 0 ? r : 0;
	r = rewrite(root, stage, hook, text + info.end, ret_text, ret_len, e);
	return r < 0 ? r : 1;
}
