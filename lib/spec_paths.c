/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.readonlyPaths: the paths a runtime makes read-only after the hooks,
 * by binding each onto itself with everything below it and remounting the
 * copy.  The hook leaves alone any volume such a path overlaps (plan_cheap.c),
 * so it reads them, and compares paths by their components.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "spec_internal.h"

/* At most this many entries and bytes (NULs included): every candidate
 * volume is compared with each (Docker gives five). */
#define READONLY_MAX_PATHS 1024
#define READONLY_MAX_BYTES (64 * 1024)

int spec_parse_readonly_paths(const json_value *lx, struct oci_spec *s, struct err *e)
{
	char parent[JSON_PATH_MAX], path[JSON_PATH_MAX];
	const json_value *arr = NULL;
	const char *str;
	size_t n = 0, len = 0;
	char *block;
	int r;

	r = json_get_array(lx, "linux", "readonlyPaths", JSON_OPTIONAL, &arr, &n, e);
	if (r <= 0 || n == 0)
		return r < 0 ? r : 0;
	json_path_key(parent, "linux", "readonlyPaths");
	for (size_t i = 0; i < n; i++) {
		json_path_index(path, parent, i);
		r = json_as_string(json_array_at(arr, i), path, &str, e);
		if (r < 0)
			return r;
		len += strlen(str) + 1;
	}
	if (n > READONLY_MAX_PATHS || len > READONLY_MAX_BYTES)
		return err_msg(e, EFBIG, "%s: more than %d entries or %d bytes", parent,
			       READONLY_MAX_PATHS, READONLY_MAX_BYTES);
	block = malloc(len);
	if (!block)
		return err_set(e, ENOMEM, "%s", parent);
	s->readonly_paths = block;
	s->n_readonly_paths = n;
	for (size_t i = 0; i < n; i++) {
		json_as_string(json_array_at(arr, i), parent, &str, e);
		block = stpcpy(block, str) + 1;
	}
	return 0;
}

/* The next component of *p ("" at the end), skipping "/" runs and "."
 * components; its length in *ret_len. */
static const char *next_component(const char **p, size_t *ret_len)
{
	for (;;) {
		const char *c = *p + strspn(*p, "/");
		size_t len = strcspn(c, "/");

		*p = c + len;
		if (len == 1 && c[0] == '.')
			continue;
		*ret_len = len;
		return c;
	}
}

/* Has path a ".." component? */
static bool has_dotdot(const char *p)
{
	size_t len;

	while (*next_component(&p, &len))
		if (len == 2 && strncmp(p - 2, "..", 2) == 0)
			return true;
	return false;
}

/* Does one of a and b lie at or below the other, component by component?
 * A ".." in either may lead anywhere: it overlaps. */
static bool is_overlapping(const char *a, const char *b)
{
	if (has_dotdot(a) || has_dotdot(b))
		return true;
	for (;;) {
		size_t la, lb;
		const char *ca = next_component(&a, &la), *cb = next_component(&b, &lb);

		if (la == 0 || lb == 0)
			return true;
		if (la != lb || strncmp(ca, cb, la) != 0)
			return false;
	}
}

const char *spec_readonly_overlap(const struct oci_spec *s, const char *destination)
{
	const char *p = s->readonly_paths;

	for (size_t i = 0; i < s->n_readonly_paths; i++, p += strlen(p) + 1)
		if (is_overlapping(p, destination))
			return p;
	return NULL;
}
