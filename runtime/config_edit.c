/* SPDX-License-Identifier: Apache-2.0 */
#include "config_edit.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "cleanup.h"
#include "json.h"

/*
 * Checked with the json.h getters, so the messages read like every other
 * config.json message: 1 when hooks.<stage> has an entry with this path, 0
 * when not, -EINVAL when the document or its hooks are malformed.
 */
static int has_hook(const char *text, const char *stage, const char *hook_path, struct err *e)
{
	_cleanup_json_ json_value *root = NULL;
	const json_value *hooks = NULL, *list = NULL;
	char list_path[JSON_PATH_MAX], at[JSON_PATH_MAX];
	size_t n = 0, i;
	const char *p;
	int r;

	r = json_parse(text, &root, e);
	if (r < 0)
		return r;
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

/* A generator that remembers its first failure, so the walk needs no checks. */
struct gen {
	yajl_gen g;
	yajl_gen_status status;
};

static void put(struct gen *o, yajl_gen_status s)
{
	if (o->status == yajl_gen_status_ok)
		o->status = s;
}

static void put_string(struct gen *o, const char *s)
{
	put(o, yajl_gen_string(o->g, (const unsigned char *)s, strlen(s)));
}

static void gen_value(struct gen *o, yajl_val v);

static void gen_scalar(struct gen *o, yajl_val v)
{
	if (YAJL_IS_STRING(v))
		put_string(o, v->u.string);
	else if (YAJL_IS_NUMBER(v)) /* the original text: 1.50, 1e3, 2^64 stay */
		put(o, yajl_gen_number(o->g, v->u.number.r, strlen(v->u.number.r)));
	else if (YAJL_IS_TRUE(v))
		put(o, yajl_gen_bool(o->g, 1));
	else if (YAJL_IS_FALSE(v))
		put(o, yajl_gen_bool(o->g, 0));
	else
		put(o, yajl_gen_null(o->g));
}

/* Depth is bounded: json_parse() refused deeper documents. */
static void gen_value(struct gen *o, yajl_val v)
{
	size_t i;

	if (YAJL_IS_OBJECT(v)) {
		put(o, yajl_gen_map_open(o->g));
		for (i = 0; i < v->u.object.len; i++) {
			put_string(o, v->u.object.keys[i]);
			gen_value(o, v->u.object.values[i]);
		}
		put(o, yajl_gen_map_close(o->g));
	} else if (YAJL_IS_ARRAY(v)) {
		put(o, yajl_gen_array_open(o->g));
		for (i = 0; i < v->u.array.len; i++)
			gen_value(o, v->u.array.values[i]);
		put(o, yajl_gen_array_close(o->g));
	} else {
		gen_scalar(o, v);
	}
}

static void gen_hook(struct gen *o, const struct config_hook *hook)
{
	const char *const *a;

	put(o, yajl_gen_map_open(o->g));
	put_string(o, "path");
	put_string(o, hook->path);
	if (hook->args) {
		put_string(o, "args");
		put(o, yajl_gen_array_open(o->g));
		for (a = hook->args; *a; a++)
			put_string(o, *a);
		put(o, yajl_gen_array_close(o->g));
	}
	put(o, yajl_gen_map_close(o->g));
}

/*
 * v (an object, or NULL for a new empty one) with the member named by
 * keys[0] edited the same way one level down, added last when absent; at the
 * end of keys, v is the array (or NULL) that gets the hook appended.
 */
static void gen_edit(struct gen *o, yajl_val v, const char *const *keys,
		     const struct config_hook *hook)
{
	bool found = false;
	size_t i, n;

	if (!*keys) {
		n = v ? v->u.array.len : 0;
		put(o, yajl_gen_array_open(o->g));
		for (i = 0; i < n; i++)
			gen_value(o, v->u.array.values[i]);
		gen_hook(o, hook);
		put(o, yajl_gen_array_close(o->g));
		return;
	}
	n = v ? v->u.object.len : 0;
	put(o, yajl_gen_map_open(o->g));
	for (i = 0; i < n; i++) {
		put_string(o, v->u.object.keys[i]);
		if (strcmp(v->u.object.keys[i], keys[0]) == 0) {
			gen_edit(o, v->u.object.values[i], keys + 1, hook);
			found = true;
		} else {
			gen_value(o, v->u.object.values[i]);
		}
	}
	if (!found) {
		put_string(o, keys[0]);
		gen_edit(o, NULL, keys + 1, hook);
	}
	put(o, yajl_gen_map_close(o->g));
}

static void yajl_gen_freep(yajl_gen *g)
{
	if (*g)
		yajl_gen_free(*g);
}

static void yajl_tree_freep(yajl_val *v)
{
	if (*v)
		yajl_tree_free(*v);
}

/* The text with the hook added; the text is known to be a valid config. */
static int rewrite(const char *text, const char *stage, const struct config_hook *hook,
		   char **ret_text, size_t *ret_len, struct err *e)
{
	__attribute__((cleanup(yajl_tree_freep))) yajl_val root = NULL;
	__attribute__((cleanup(yajl_gen_freep))) yajl_gen g = NULL;
	const char *const keys[] = {"hooks", stage, NULL};
	struct gen o = {0};
	const unsigned char *buf;
	size_t len;
	char *copy;

	root = yajl_tree_parse(text, NULL, 0);
	g = yajl_gen_alloc(NULL);
	if (!root || !g)
		return err_msg(e, ENOMEM, "cannot rewrite the JSON: out of memory");
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	o = (struct gen){.g = g, .status = yajl_gen_status_ok};
	gen_edit(&o, root, keys, hook);
	if (o.status == yajl_gen_status_ok)
		o.status = yajl_gen_get_buf(g, &buf, &len);
	if (o.status != yajl_gen_status_ok)
		return err_msg(e, EINVAL, "cannot rewrite the JSON (yajl_gen status %d)",
			       (int)o.status);
	copy = malloc(len + 1);
	if (!copy)
		return err_set(e, ENOMEM, "cannot rewrite the JSON");
	memcpy(copy, buf, len);
	copy[len] = '\0';
	*ret_text = copy;
	*ret_len = len;
	return 0;
}

int config_edit_add_hook(const char *text, const char *stage, const struct config_hook *hook,
			 char **ret_text, size_t *ret_len, struct err *e)
{
	int r;

	r = has_hook(text, stage, hook->path, e);
	if (r != 0)
		return r < 0 ? r : 0;
	r = rewrite(text, stage, hook, ret_text, ret_len, e);
	return r < 0 ? r : 1;
}
