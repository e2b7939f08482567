/* SPDX-License-Identifier: Apache-2.0 */
/* config.json -> struct oci_spec: root, user, user namespace, annotations.
 * The mounts are in spec_mounts.c. */
#include "spec.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "json.h"
#include "spec_paths.h"

/* path itself if absolute, else "<bundle>/<path>" (nothing else normalised). */
static int resolve_path(const char *bundle, const char *path, char **ret, struct err *e)
{
	if (path[0] == '/')
		*ret = strdup(path);
	else if (asprintf(ret, "%s/%s", bundle, path) < 0)
		*ret = NULL;
	if (!*ret)
		return err_set(e, ENOMEM, "%s", path);
	return 0;
}

static int parse_root(const json_value *doc, const char *bundle, struct oci_spec *s, struct err *e)
{
	const json_value *root;
	const char *path;
	int r;

	r = json_get_object(doc, "", "root", JSON_REQUIRED, &root, e);
	if (r < 0)
		return r;
	r = json_get_string(root, "root", "path", JSON_REQUIRED, &path, e);
	if (r < 0)
		return r;
	if (!*path)
		return err_msg(e, EINVAL, "root.path: must not be empty");
	return resolve_path(bundle, path, &s->root_path, e);
}

static int parse_user(const json_value *doc, struct oci_spec *s, struct err *e)
{
	const json_value *process = NULL, *user = NULL;
	int64_t uid = 0, gid = 0;
	int r;

	r = json_get_object(doc, "", "process", JSON_OPTIONAL, &process, e);
	if (r <= 0)
		return r;
	r = json_get_object(process, "process", "user", JSON_OPTIONAL, &user, e);
	if (r <= 0)
		return r;
	r = json_get_int(user, "process.user", "uid", JSON_OPTIONAL, 0, ID_MAX, &uid, e);
	if (r < 0)
		return r;
	r = json_get_int(user, "process.user", "gid", JSON_OPTIONAL, 0, ID_MAX, &gid, e);
	if (r < 0)
		return r;
	s->uid = (uint32_t)uid;
	s->gid = (uint32_t)gid;
	return 0;
}

static int parse_namespace(const json_value *ns, const char *path, struct oci_spec *s,
			   struct err *e)
{
	const char *type, *ns_path = NULL;
	int r;

	r = json_expect_object(ns, path, e);
	if (r < 0)
		return r;
	r = json_get_string(ns, path, "type", JSON_REQUIRED, &type, e);
	if (r < 0)
		return r;
	r = json_get_string(ns, path, "path", JSON_OPTIONAL, &ns_path, e);
	if (r < 0)
		return r;
	if (strcmp(type, "user") == 0) {
		s->has_userns = true;
		s->userns_has_path = ns_path && *ns_path;
	}
	return 0;
}

static int parse_namespaces(const json_value *lx, struct oci_spec *s, struct err *e)
{
	const char *parent = "linux.namespaces";
	char path[JSON_PATH_MAX];
	const json_value *arr = NULL;
	size_t n = 0, i;
	int r;

	r = json_get_array(lx, "linux", "namespaces", JSON_OPTIONAL, &arr, &n, e);
	for (i = 0; r > 0 && i < n; i++) {
		json_path_index(path, parent, i);
		r = parse_namespace(json_array_at(arr, i), path, s, e);
		if (r == 0)
			r = 1;
	}
	return r < 0 ? r : 0;
}

static int parse_extent(const json_value *v, const char *path, struct id_extent *ext, struct err *e)
{
	int64_t first, lower, count;
	int r;

	r = json_expect_object(v, path, e);
	if (r >= 0)
		r = json_get_int(v, path, "containerID", JSON_REQUIRED, 0, ID_MAX, &first, e);
	if (r >= 0)
		r = json_get_int(v, path, "hostID", JSON_REQUIRED, 0, ID_MAX, &lower, e);
	if (r >= 0)
		r = json_get_int(v, path, "size", JSON_REQUIRED, 1, ID_MAX + 1, &count, e);
	if (r < 0)
		return r;
	if (first + count > (int64_t)ID_MAX + 1)
		return err_msg(e, EINVAL, "%s: containerID + size must not exceed %" PRIu32, path,
			       ID_MAX + 1);
	if (lower + count > (int64_t)ID_MAX + 1)
		return err_msg(e, EINVAL, "%s: hostID + size must not exceed %" PRIu32, path,
			       ID_MAX + 1);
	*ext = (struct id_extent){(uint32_t)first, (uint32_t)lower, (uint32_t)count};
	return 0;
}

static int parse_id_map(const json_value *lx, const char *key, struct idmap *map, struct err *e)
{
	char parent[JSON_PATH_MAX], path[JSON_PATH_MAX];
	_cleanup_free_ struct id_extent *ext = NULL;
	const json_value *arr;
	size_t n, i;
	int r;

	json_path_key(parent, "linux", key);
	r = json_get_array(lx, "linux", key, JSON_OPTIONAL, &arr, &n, e);
	if (r <= 0 || n == 0)
		return r;
	if (n > IDMAP_MAX_EXTENTS)
		return err_msg(e, EINVAL, "%s: more than %d entries", parent, IDMAP_MAX_EXTENTS);
	ext = calloc(n, sizeof(*ext));
	if (!ext)
		return err_set(e, ENOMEM, "%s", parent);
	for (i = 0; i < n; i++) {
		json_path_index(path, parent, i);
		r = parse_extent(json_array_at(arr, i), path, &ext[i], e);
		if (r < 0)
			return r;
	}
	idmap_take(map, TAKE_PTR(ext), n);
	return 0;
}

static int parse_linux(const json_value *doc, struct oci_spec *s, struct err *e)
{
	const json_value *lx;
	int r;

	r = json_get_object(doc, "", "linux", JSON_OPTIONAL, &lx, e);
	if (r <= 0)
		return r;
	r = parse_namespaces(lx, s, e);
	if (r >= 0)
		r = parse_id_map(lx, "uidMappings", &s->uid_map, e);
	if (r >= 0)
		r = parse_id_map(lx, "gidMappings", &s->gid_map, e);
	if (r >= 0)
		r = spec_paths_parse(lx, &s->readonly_paths, &s->n_readonly_paths, e);
	return r;
}

static bool is_true(const char *value)
{
	return strcasecmp(value, "true") == 0 || strcmp(value, "1") == 0 ||
	       strcasecmp(value, "yes") == 0;
}

/*
 * spec_is_skipped_destination() scans the whole list for every mount: bound
 * it, so that a hostile list cannot cost mounts * length (minutes at 4 MiB).
 */
#define SKIP_MAX_BYTES (64 * 1024)

static int parse_skip(const char *value, const char *path, char **ret, struct err *e)
{
	size_t entries = 1;

	for (const char *p = value; *p; p++)
		entries += *p == ',';
	if (strlen(value) > SKIP_MAX_BYTES || entries > SPEC_MAX_MOUNTS)
		return err_msg(e, EFBIG, "%s: longer than %d bytes or more than %d entries", path,
			       SKIP_MAX_BYTES, SPEC_MAX_MOUNTS);
	*ret = strdup(value);
	return *ret ? 0 : err_set(e, ENOMEM, "%s", path);
}

/* Our annotations, by index: ours[i] is read into the field at i. */
static const char *const ours[] = {ANNOTATION_DISABLE, ANNOTATION_STRICT, ANNOTATION_SKIP};

static int our_annotation(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(ours); i++)
		if (strcmp(key, ours[i]) == 0)
			return (int)i;
	return -1;
}

/* Every value must be a string (as the runtime-spec says); only ours are
 * read, each given at most once: twice, which one was meant is not known. */
static int parse_annotation(const char *key, const json_value *v, unsigned *seen,
			    struct oci_spec *s, struct err *e)
{
	char path[JSON_PATH_MAX];
	const char *value;
	int which = our_annotation(key), r;

	if (which < 0 && json_is_string(v))
		return 0;
	json_path_key(path, "annotations", key);
	if (which >= 0 && *seen & 1u << which)
		return err_msg(e, EINVAL, "%s: given twice", path);
	if (which >= 0)
		*seen |= 1u << which;
	r = json_as_string(v, path, &value, e);
	if (r < 0 || which < 0)
		return r;
	if (which == 0)
		s->disabled = is_true(value);
	else if (which == 1)
		s->strict = is_true(value);
	else
		r = parse_skip(value, path, &s->skip, e);
	return r;
}

/* Every annotation is read even after one failed (the first failure is
 * returned): strict and disabled count whatever else is wrong. */
static int parse_annotations(const json_value *doc, struct oci_spec *s, struct err *e)
{
	const json_value *obj = NULL;
	struct err first = {0};
	unsigned seen = 0;
	int r;

	r = json_get_object(doc, "", "annotations", JSON_OPTIONAL, &obj, e);
	for (size_t i = 0; r > 0 && i < json_object_len(obj); i++)
		if (parse_annotation(json_object_key_at(obj, i), json_object_value_at(obj, i),
				     &seen, s, e) < 0 &&
		    !first.code)
			first = *e;
	if (first.code) {
		*e = first;
		return -first.code;
	}
	return r < 0 ? r : 0;
}

/* The annotations first: whatever fails after them, whether the hook is
 * strict or disabled for this container is known (spec_parse). */
static int parse_doc(const json_value *doc, const char *bundle, struct oci_spec *s, struct err *e)
{
	int r;

	r = json_expect_object(doc, "", e);
	if (r < 0)
		return err_wrap(e, "document");
	r = parse_annotations(doc, s, e);
	if (r >= 0)
		r = parse_root(doc, bundle, s, e);
	if (r >= 0)
		r = parse_user(doc, s, e);
	if (r >= 0)
		r = parse_linux(doc, s, e);
	if (r >= 0)
		r = spec_mounts_parse(doc, bundle, &s->mounts, &s->n_mounts, e);
	return r;
}

int spec_parse(const char *json, const char *bundle, struct oci_spec *ret_spec, struct err *e)
{
	_cleanup_json_ json_value *doc = NULL;
	struct oci_spec s = {0};
	int r;

	r = json_parse(json, &doc, e);
	if (r >= 0)
		r = parse_doc(doc, bundle, &s, e);
	if (r < 0) {
		*ret_spec = (struct oci_spec){.disabled = s.disabled, .strict = s.strict};
		spec_free(&s);
		return err_wrap(e, "config.json");
	}
	*ret_spec = s;
	return 0;
}

int spec_map_options(struct oci_spec *s, struct err *e)
{
	return spec_mounts_map_options(s->mounts, s->n_mounts, e);
}

const char *spec_readonly_overlap(const struct oci_spec *s, const char *destination)
{
	return spec_paths_overlap(s->readonly_paths, s->n_readonly_paths, destination);
}

void spec_free(struct oci_spec *s)
{
	spec_mounts_free(s->mounts, s->n_mounts);
	free(s->readonly_paths);
	free(s->root_path);
	idmap_free(&s->uid_map);
	idmap_free(&s->gid_map);
	free(s->skip);
	*s = (struct oci_spec){0};
}

/* The length of path without trailing slashes ("/" keeps its slash). */
static size_t trimmed_len(const char *path, size_t len)
{
	while (len > 1 && path[len - 1] == '/')
		len--;
	return len;
}

bool spec_is_skipped_destination(const struct oci_spec *s, const char *destination)
{
	size_t dlen = trimmed_len(destination, strlen(destination));
	const char *p = s->skip;

	while (p && *p) {
		size_t len = strcspn(p, ",");
		const char *next = p[len] ? p + len + 1 : p + len;

		while (len > 0 && (*p == ' ' || *p == '\t'))
			p++, len--;
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		len = trimmed_len(p, len);
		if (len > 0 && len == dlen && strncmp(p, destination, len) == 0)
			return true;
		p = next;
	}
	return false;
}
