/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.readonlyPaths: the paths a runtime makes read-only after the hooks,
 * by binding each onto itself with everything below it and remounting the
 * copy.  The hook leaves alone any volume such a path overlaps (plan_cheap.c),
 * so it reads them, and compares paths by their components, as the runtime
 * resolves them inside the rootfs (".." never above its root).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "spec_paths.h"

/* At most this many entries and bytes (NULs included): every candidate
 * volume is compared with each (Docker gives five). */
#define READONLY_MAX_PATHS 1024
#define READONLY_MAX_BYTES (64 * 1024)

int spec_paths_parse(const json_value *lx, char **ret_block, size_t *ret_n, struct err *e)
{
	char parent[JSON_PATH_MAX], path[JSON_PATH_MAX];
	const json_value *arr = NULL;
	const char *str;
	size_t n = 0, len = 0;
	char *block;
	int r;

	r = json_get_array(lx, "linux", "readonlyPaths", JSON_OPTIONAL, &arr, &n, e);
	if (r < 0)
		return r;
	if (r == 0 || n == 0) {
		*ret_block = NULL;
		*ret_n = 0;
		return 0;
	}
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
	*ret_block = block;
	*ret_n = n;
	for (size_t i = 0; i < n; i++) {
		json_as_string(json_array_at(arr, i), parent, &str, e);
		block = stpcpy(block, str) + 1;
	}
	return 0;
}

/* path as the runtime resolves it inside the rootfs, lexically: "/" runs
 * and "." dropped, ".." taking one component back and never above the root
 * ("/../../srv/y" is /srv/y).  Into buf (PATH_MAX), as "/a/b", or "" for
 * the root; false when it does not fit. */
static bool normalize(const char *path, char buf[static PATH_MAX])
{
	size_t n = 0;

	buf[0] = '\0';
	while (*path) {
		const char *c = path + strspn(path, "/");
		size_t len = strcspn(c, "/");

		path = c + len;
		if (len == 0 || (len == 1 && c[0] == '.'))
			continue;
		if (len == 2 && c[0] == '.' && c[1] == '.') {
			while (n > 0 && buf[--n] != '/')
				;
			buf[n] = '\0';
			continue;
		}
		if (n + 1 + len >= PATH_MAX)
			return false;
		buf[n++] = '/';
		memcpy(buf + n, c, len);
		n += len;
		buf[n] = '\0';
	}
	return true;
}

/* Does one of a and b lie at or below the other (normalized)?  A path too
 * long to normalize overlaps anything. */
static bool is_overlapping(const char *a, const char *b)
{
	char na[PATH_MAX], nb[PATH_MAX];
	size_t la, lb, n;

	if (!normalize(a, na) || !normalize(b, nb))
		return true;
	la = strlen(na);
	lb = strlen(nb);
	n = la < lb ? la : lb;
	return strncmp(na, nb, n) == 0 && (la == lb || (la < lb ? nb[n] : na[n]) == '/');
}

const char *spec_paths_overlap(const char *block, size_t n, const char *destination)
{
	const char *p = block;

	for (size_t i = 0; i < n; i++, p += strlen(p) + 1)
		if (is_overlapping(p, destination))
			return p;
	return NULL;
}
