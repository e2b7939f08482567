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
 * A low surrogate at s (U+DC00..U+DFFF in UTF-8, which yajl makes of a lone
 * "\udc01", and json.c of a "\u0000": JSON_NUL_MARK): its code point, else 0.
 * Written back as the escape it came from, which reads back the same.  A
 * high surrogate comes only as raw bytes (yajl makes a lone "\ud800" a '?'),
 * which the parser took as they are: so they are written.
 */
static unsigned low_surrogate_at(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] != 0xed || (u[1] & 0xf0) != 0xb0 || (u[2] & 0xc0) != 0x80)
		return 0;
	return 0xd000 | (u[1] & 0x3fu) << 6 | (u[2] & 0x3fu);
}

/*
 * A JSON string: the two characters JSON requires escaped and the control
 * characters are escaped, a low surrogate goes back to its escape (the NUL
 * mark to "\u0000"), every other byte is written as it is (the parser
 * checked the UTF-8).
 */
static void put_string(FILE *f, const char *s)
{
	static const char plain[] = "\"\\\b\f\n\r\t", escaped[] = "\"\\bfnrt";
	const char *at;
	unsigned cp;

	fputc('"', f);
	for (; *s; s++) {
		at = strchr(plain, *s);
		cp = low_surrogate_at(s);
		if (at) {
			fprintf(f, "\\%c", escaped[at - plain]);
		} else if (cp) {
			fprintf(f, "\\u%04x", strncmp(s, JSON_NUL_MARK, 3) == 0 ? 0 : cp);
			s += 2;
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

/* The text of root with the hook added (has_hook() checked its shape). */
static int rewrite(const json_value *root, const char *stage, const struct config_hook *hook,
		   char **ret_text, size_t *ret_len, struct err *e)
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
	int r;

	r = json_parse(text, &root, e);
	if (r < 0)
		return r;
	r = has_hook(root, stage, hook->path, e);
	if (r != 0)
		return r < 0 ? r : 0;
	r = rewrite(root, stage, hook, ret_text, ret_len, e);
	return r < 0 ? r : 1;
}
