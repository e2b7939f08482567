/* SPDX-License-Identifier: Apache-2.0 */
#include "json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "cleanup.h"
#include "json_text.h"

/* json_value is never defined: a json_value * is a yajl_val in disguise. */
static yajl_val yv(const json_value *v)
{
	return (yajl_val)v;
}

static json_value *jv(yajl_val v)
{
	return (json_value *)v;
}

static int fail(struct err *e, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "<path>: <message>", or the message alone at the root. */
static int fail(struct err *e, const char *path, const char *fmt, ...)
{
	char what[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(what, sizeof(what), fmt, ap) < 0)
		what[0] = '\0';
	va_end(ap);
	return err_msg(e, EINVAL, "%s%s%s", path, *path ? ": " : "", what);
}

static const char *type_name(yajl_val v)
{
	static const char *const names[] = {
	    [JSON_NULL] = "null",	 [JSON_FALSE] = "a boolean", [JSON_TRUE] = "a boolean",
	    [JSON_NUMBER] = "a number",	 [JSON_STRING] = "a string", [JSON_ARRAY] = "an array",
	    [JSON_OBJECT] = "an object",
	};

	return names[json_kind_of(jv(v))];
}

/* The excerpt of the input in yajl's message may hold any byte at all. */
static bool is_print_ascii(char c)
{
	return c >= 0x20 && c < 0x7f;
}

/*
 * yajl's message is "<what>\n<spaces><excerpt>\n<spaces>(right here) --^\n".
 * Make it one line: "<what> (near: <excerpt>)", with unsafe bytes replaced.
 */
static int parse_error(struct err *e, const char *yajl_msg)
{
	char what[128], near[128];
	const char *nl = strchr(yajl_msg, '\n');
	size_t n = nl ? (size_t)(nl - yajl_msg) : strlen(yajl_msg), i;

	snprintf(what, sizeof(what), "%.*s", (int)n, yajl_msg);
	while (n > 0 && (what[n - 1] == '.' || what[n - 1] == ' '))
		what[--n] = '\0';
	near[0] = '\0';
	if (nl) {
		const char *s = nl + 1;

		while (*s == ' ')
			s++;
		for (i = 0; s[i] && s[i] != '\n' && i + 1 < sizeof(near); i++)
			near[i] = is_print_ascii(s[i]) ? s[i] : '?';
		near[i] = '\0';
		while (i > 0 && near[i - 1] == ' ')
			near[--i] = '\0';
	}
	if (!*what)
		snprintf(what, sizeof(what), "invalid JSON");
	if (!*near)
		return fail(e, "", "%s", what);
	return fail(e, "", "%s (near: %s)", what, near);
}

int json_parse_doc(const char *text, json_value **ret_root, struct json_doc_info *ret_info,
		   struct err *e)
{
	_cleanup_free_ char *copy = NULL;
	char yajl_msg[256] = "";
	struct json_text t;
	yajl_val root;
	int r;

	if (json_is_blank(text))
		return fail(e, "", "empty input");
	r = json_text_prepare(text, &t, e);
	if (r < 0)
		return r;
	copy = t.copy;
	root = yajl_tree_parse(copy ? copy : text, yajl_msg, sizeof(yajl_msg));
	if (!root)
		return parse_error(e, yajl_msg);
	if (ret_info)
		*ret_info = (struct json_doc_info){.end = t.end, .exact = t.replaced == 0};
	*ret_root = jv(root);
	return 0;
}

int json_parse(const char *text, json_value **ret_root, struct err *e)
{
	return json_parse_doc(text, ret_root, NULL, e);
}

void json_free(json_value *root)
{
	yajl_tree_free(yv(root));
}

void json_freep(json_value **root)
{
	json_free(*root);
	*root = NULL;
}

int json_expect_object(const json_value *v, const char *path, struct err *e)
{
	if (!YAJL_IS_OBJECT(yv(v)))
		return fail(e, path, "must be an object, not %s", type_name(yv(v)));
	return 0;
}

bool json_is_string(const json_value *v)
{
	return YAJL_IS_STRING(yv(v));
}

int json_as_string(const json_value *v, const char *path, const char **ret, struct err *e)
{
	if (!YAJL_IS_STRING(yv(v)))
		return fail(e, path, "must be a string, not %s", type_name(yv(v)));
	if (strstr(yv(v)->u.string, JSON_NUL_MARK))
		return fail(e, path, "\\u0000 in a string is not allowed");
	*ret = yv(v)->u.string;
	return 0;
}

static int lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/*
 * Does key name the field want (ASCII) as Go's encoding/json
 * matches struct fields: case-insensitively, with U+212A (Kelvin sign) for
 * k and U+017F (long s) for s?  runc reads "Root" as root; crun does not.
 */
bool json_is_go_alias(const char *key, const char *want)
{
	for (; *want; want++) {
		int c = lower(*want);

		if (lower(*key) == c)
			key++;
		else if (c == 'k' && strncmp(key, "\xe2\x84\xaa", 3) == 0)
			key += 3;
		else if (c == 's' && strncmp(key, "\xc5\xbf", 2) == 0)
			key += 2;
		else
			return false;
	}
	return *key == '\0';
}

/* A member found by member(): its value and its path, for messages. */
struct found {
	yajl_val v;
	char path[JSON_PATH_MAX];
};

/*
 * The member key of obj: 1 and *ret if present, 0 if absent and optional.
 * A member the runtimes read differently is refused (-EINVAL): a key given
 * twice (runc reads the last, merging objects; crun the first) or spelled
 * another way Go takes for it.  Keys nobody asks for are never looked at.
 */
static int member(const json_value *obj, const char *path, const char *key, enum json_presence p,
		  struct found *ret, struct err *e)
{
	yajl_val o = yv(obj);
	const char *alias = NULL;
	size_t i, n = 0;

	json_path_key(ret->path, path, key);
	for (i = 0; YAJL_IS_OBJECT(o) && i < o->u.object.len; i++) {
		if (!json_is_go_alias(o->u.object.keys[i], key))
			continue;
		n++;
		if (strcmp(o->u.object.keys[i], key) == 0)
			ret->v = o->u.object.values[i];
		else
			alias = o->u.object.keys[i];
	}
	if (n > 1)
		return fail(e, ret->path, "given %zu times (runc reads the last, crun the first)",
			    n);
	if (alias)
		return fail(e, ret->path, "spelled \"%s\" (runc reads it as %s, crun does not)",
			    alias, key);
	if (n == 1)
		return 1;
	if (p == JSON_REQUIRED)
		return fail(e, ret->path, "missing");
	return 0;
}

int json_get_object(const json_value *obj, const char *path, const char *key, enum json_presence p,
		    const json_value **ret, struct err *e)
{
	struct found f;
	int r = member(obj, path, key, p, &f, e);

	if (r <= 0)
		return r;
	r = json_expect_object(jv(f.v), f.path, e);
	if (r < 0)
		return r;
	*ret = jv(f.v);
	return 1;
}

int json_get_array(const json_value *obj, const char *path, const char *key, enum json_presence p,
		   const json_value **ret, size_t *ret_len, struct err *e)
{
	struct found f;
	int r = member(obj, path, key, p, &f, e);

	if (r <= 0)
		return r;
	if (!YAJL_IS_ARRAY(f.v))
		return fail(e, f.path, "must be an array, not %s", type_name(f.v));
	*ret = jv(f.v);
	*ret_len = f.v->u.array.len;
	return 1;
}

int json_get_string(const json_value *obj, const char *path, const char *key, enum json_presence p,
		    const char **ret, struct err *e)
{
	struct found f;
	int r = member(obj, path, key, p, &f, e);

	if (r <= 0)
		return r;
	r = json_as_string(jv(f.v), f.path, ret, e);
	return r < 0 ? r : 1;
}

int json_get_int(const json_value *obj, const char *path, const char *key, enum json_presence p,
		 int64_t min, int64_t max, int64_t *ret, struct err *e)
{
	struct found f;
	int r = member(obj, path, key, p, &f, e);

	if (r <= 0)
		return r;
	/* YAJL_GET_INTEGER checks nothing: 1.5 and 1e99 are numbers too. */
	if (!YAJL_IS_INTEGER(f.v) || YAJL_GET_INTEGER(f.v) < min || YAJL_GET_INTEGER(f.v) > max)
		return fail(e, f.path, "must be an integer in %" PRId64 "..%" PRId64, min, max);
	*ret = YAJL_GET_INTEGER(f.v);
	return 1;
}

enum json_kind json_kind_of(const json_value *v)
{
	if (YAJL_IS_OBJECT(yv(v)))
		return JSON_OBJECT;
	if (YAJL_IS_ARRAY(yv(v)))
		return JSON_ARRAY;
	if (YAJL_IS_STRING(yv(v)))
		return JSON_STRING;
	if (YAJL_IS_NUMBER(yv(v)))
		return JSON_NUMBER;
	if (YAJL_IS_TRUE(yv(v)))
		return JSON_TRUE;
	if (YAJL_IS_FALSE(yv(v)))
		return JSON_FALSE;
	return JSON_NULL;
}

const char *json_string_of(const json_value *v)
{
	return yv(v)->u.string;
}

const char *json_number_text(const json_value *v)
{
	return yv(v)->u.number.r;
}

size_t json_array_len(const json_value *arr)
{
	return YAJL_IS_ARRAY(yv(arr)) ? yv(arr)->u.array.len : 0;
}

const json_value *json_array_at(const json_value *arr, size_t i)
{
	return jv(yv(arr)->u.array.values[i]);
}

size_t json_object_len(const json_value *obj)
{
	return YAJL_IS_OBJECT(yv(obj)) ? yv(obj)->u.object.len : 0;
}

const char *json_object_key_at(const json_value *obj, size_t i)
{
	return yv(obj)->u.object.keys[i];
}

const json_value *json_object_value_at(const json_value *obj, size_t i)
{
	return jv(yv(obj)->u.object.values[i]);
}
