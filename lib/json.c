/* SPDX-License-Identifier: Apache-2.0 */
#include "json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "cleanup.h"

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

bool json_is_blank(const char *text)
{
	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	return *text == '\0';
}

/* Inside a string at p (just after a backslash): is this "\u0000"? */
static bool is_nul_escape(const char *p)
{
	return p[0] == 'u' && strncmp(p + 1, "0000", 4) == 0;
}

/*
 * A "\u0000" would cut a C string short.  yajl decodes a lone low surrogate
 * ("\udc00") to the bytes below, which no valid UTF-8 holds and which Go
 * (the runtimes) never produces from any input: each "\u0000" becomes one,
 * so a string that had a NUL is still told apart, and only a string the hook
 * reads is refused for it (json_as_string); annotations and extension
 * fields the hook never reads may hold NULs, as the runtimes allow.
 */
#define NUL_MARK JSON_NUL_MARK
#define NUL_ESCAPE_LEN 6 /* "\u0000" and "\udc00" */

/*
 * What yajl accepts but we refuse, found before yajl sees the text: nesting
 * deeper than Go's encoding/json allows (yajl_tree_free() recurses) and
 * comments (they would hide brackets from this scan).  *ret_nuls counts the
 * "\u0000" escapes.
 */
static int prescan(const char *p, size_t *ret_nuls, struct err *e)
{
	bool in_string = false;
	unsigned depth = 0;

	*ret_nuls = 0;
	for (; *p; p++) {
		if (in_string) {
			if (*p == '\\') {
				*ret_nuls += is_nul_escape(p + 1);
				if (*++p == '\0')
					break;
			} else if (*p == '"') {
				in_string = false;
			}
		} else if (*p == '"') {
			in_string = true;
		} else if (*p == '{' || *p == '[') {
			if (++depth > JSON_MAX_DEPTH)
				return fail(e, "", "nesting deeper than %d levels", JSON_MAX_DEPTH);
		} else if (*p == '}' || *p == ']') {
			if (depth > 0)
				depth--;
		} else if (*p == '/') {
			return fail(e, "", "comments are not allowed in JSON");
		}
	}
	return 0;
}

/* A copy of text with every "\u0000" in a string turned into "\udc00". */
static char *mark_nuls(const char *text)
{
	char *copy = strdup(text);
	bool in_string = false;

	for (char *p = copy; p && *p; p++) {
		if (in_string && *p == '\\') {
			if (is_nul_escape(p + 1))
				memcpy(p + 1, "udc00", NUL_ESCAPE_LEN - 1);
			if (*++p == '\0')
				break;
		} else if (*p == '"') {
			in_string = !in_string;
		}
	}
	return copy;
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

static int compare_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* 1 and *ret_key if obj has a key twice, 0 if not, -ENOMEM. */
static int duplicate_key(yajl_val obj, const char **ret_key)
{
	size_t n = obj->u.object.len, i, j;
	_cleanup_free_ const char **keys = NULL;

	if (n <= 16) { /* the common case: no allocation */
		for (i = 1; i < n; i++) {
			for (j = 0; j < i; j++) {
				if (strcmp(obj->u.object.keys[i], obj->u.object.keys[j]) == 0) {
					*ret_key = obj->u.object.keys[i];
					return 1;
				}
			}
		}
		return 0;
	}
	keys = malloc(n * sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	memcpy(keys, obj->u.object.keys, n * sizeof(*keys));
	qsort(keys, n, sizeof(*keys), compare_keys);
	for (i = 1; i < n; i++) {
		if (strcmp(keys[i - 1], keys[i]) == 0) {
			*ret_key = keys[i];
			return 1;
		}
	}
	return 0;
}

/* The first object (depth first) with a duplicate key.  Depth is bounded by
 * prescan().  No paths are built here: only for the error, by path_to(). */
static int find_duplicate(yajl_val v, yajl_val *ret_obj, const char **ret_key)
{
	size_t i, n;
	int r;

	if (YAJL_IS_OBJECT(v)) {
		r = duplicate_key(v, ret_key);
		if (r == 1)
			*ret_obj = v;
		if (r != 0)
			return r;
	}
	n = YAJL_IS_ARRAY(v) ? v->u.array.len : YAJL_IS_OBJECT(v) ? v->u.object.len : 0;
	for (i = 0; i < n; i++) {
		r = find_duplicate(YAJL_IS_ARRAY(v) ? v->u.array.values[i] : v->u.object.values[i],
				   ret_obj, ret_key);
		if (r != 0)
			return r;
	}
	return 0;
}

/* The JSON path of target below v (at path), into out. */
static bool path_to(yajl_val v, yajl_val target, const char *path, char out[JSON_PATH_MAX])
{
	char child[JSON_PATH_MAX];
	size_t i, n;

	if (v == target) {
		snprintf(out, JSON_PATH_MAX, "%s", path);
		return true;
	}
	n = YAJL_IS_ARRAY(v) ? v->u.array.len : YAJL_IS_OBJECT(v) ? v->u.object.len : 0;
	for (i = 0; i < n; i++) {
		if (YAJL_IS_ARRAY(v))
			json_path_index(child, path, i);
		else
			json_path_key(child, path, v->u.object.keys[i]);
		if (path_to(YAJL_IS_ARRAY(v) ? v->u.array.values[i] : v->u.object.values[i], target,
			    child, out))
			return true;
	}
	return false;
}

/* Duplicate keys anywhere in the tree. */
static int check_tree(yajl_val root, struct err *e)
{
	char obj_path[JSON_PATH_MAX] = "", key_path[JSON_PATH_MAX];
	const char *key = NULL;
	yajl_val obj = NULL;
	int r;

	r = find_duplicate(root, &obj, &key);
	if (r == -ENOMEM)
		return err_set(e, ENOMEM, "duplicate key check");
	if (r == 0)
		return 0;
	path_to(root, obj, "", obj_path);
	json_path_key(key_path, obj_path, key);
	return fail(e, key_path, "duplicate key");
}

int json_parse(const char *text, json_value **ret_root, struct err *e)
{
	_cleanup_free_ char *marked = NULL;
	char yajl_msg[256] = "";
	yajl_val root;
	size_t nuls;
	int r;

	if (json_is_blank(text))
		return fail(e, "", "empty input");
	r = prescan(text, &nuls, e);
	if (r < 0)
		return r;
	if (nuls > 0 && !(text = marked = mark_nuls(text)))
		return err_set(e, ENOMEM, "parse");
	root = yajl_tree_parse(text, yajl_msg, sizeof(yajl_msg));
	if (!root)
		return parse_error(e, yajl_msg);
	r = check_tree(root, e);
	if (r < 0) {
		yajl_tree_free(root);
		return r;
	}
	*ret_root = jv(root);
	return 0;
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
	if (strstr(yv(v)->u.string, NUL_MARK))
		return fail(e, path, "\\u0000 (or a lone \\udc00) in a string is not allowed");
	*ret = yv(v)->u.string;
	return 0;
}

/* The member key of obj: 1 and *ret if present, 0 if absent and optional. */
static int member(const json_value *obj, const char *path, const char *key, enum json_presence p,
		  yajl_val *ret, char child[static JSON_PATH_MAX], struct err *e)
{
	yajl_val o = yv(obj);
	size_t i;

	json_path_key(child, path, key);
	for (i = 0; YAJL_IS_OBJECT(o) && i < o->u.object.len; i++) {
		if (strcmp(o->u.object.keys[i], key) == 0) {
			*ret = o->u.object.values[i];
			return 1;
		}
	}
	if (p == JSON_REQUIRED)
		return fail(e, child, "missing");
	return 0;
}

int json_get_object(const json_value *obj, const char *path, const char *key, enum json_presence p,
		    const json_value **ret, struct err *e)
{
	char child[JSON_PATH_MAX];
	yajl_val v;
	int r;

	r = member(obj, path, key, p, &v, child, e);
	if (r <= 0)
		return r;
	r = json_expect_object(jv(v), child, e);
	if (r < 0)
		return r;
	*ret = jv(v);
	return 1;
}

int json_get_array(const json_value *obj, const char *path, const char *key, enum json_presence p,
		   const json_value **ret, size_t *ret_len, struct err *e)
{
	char child[JSON_PATH_MAX];
	yajl_val v;
	int r;

	r = member(obj, path, key, p, &v, child, e);
	if (r <= 0)
		return r;
	if (!YAJL_IS_ARRAY(v))
		return fail(e, child, "must be an array, not %s", type_name(v));
	*ret = jv(v);
	*ret_len = v->u.array.len;
	return 1;
}

int json_get_string(const json_value *obj, const char *path, const char *key, enum json_presence p,
		    const char **ret, struct err *e)
{
	char child[JSON_PATH_MAX];
	yajl_val v;
	int r;

	r = member(obj, path, key, p, &v, child, e);
	if (r <= 0)
		return r;
	r = json_as_string(jv(v), child, ret, e);
	return r < 0 ? r : 1;
}

int json_get_int(const json_value *obj, const char *path, const char *key, enum json_presence p,
		 int64_t min, int64_t max, int64_t *ret, struct err *e)
{
	char child[JSON_PATH_MAX];
	yajl_val v;
	int r;

	r = member(obj, path, key, p, &v, child, e);
	if (r <= 0)
		return r;
	/* YAJL_GET_INTEGER checks nothing: 1.5 and 1e99 are numbers too. */
	if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < min || YAJL_GET_INTEGER(v) > max)
		return fail(e, child, "must be an integer in %" PRId64 "..%" PRId64, min, max);
	*ret = YAJL_GET_INTEGER(v);
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
