/* SPDX-License-Identifier: Apache-2.0 */
/* config.json "mounts" -> struct spec_mount: kind, attributes, propagation. */
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "spec_internal.h"

struct attr_option {
	const char *name;
	unsigned int set, clear;
};

static const struct attr_option attr_options[] = {
    {"ro", MOUNT_FLAG_RDONLY, 0},     {"rw", 0, MOUNT_FLAG_RDONLY},
    {"nosuid", MOUNT_FLAG_NOSUID, 0}, {"suid", 0, MOUNT_FLAG_NOSUID},
    {"nodev", MOUNT_FLAG_NODEV, 0},   {"dev", 0, MOUNT_FLAG_NODEV},
    {"noexec", MOUNT_FLAG_NOEXEC, 0}, {"exec", 0, MOUNT_FLAG_NOEXEC},
};

struct propagation_option {
	const char *name;
	enum mount_propagation propagation;
};

static const struct propagation_option propagation_options[] = {
    {"private", PROPAGATION_PRIVATE},	    {"rprivate", PROPAGATION_PRIVATE},
    {"slave", PROPAGATION_SLAVE},	    {"rslave", PROPAGATION_SLAVE},
    {"shared", PROPAGATION_SHARED},	    {"rshared", PROPAGATION_SHARED},
    {"unbindable", PROPAGATION_UNBINDABLE}, {"runbindable", PROPAGATION_UNBINDABLE},
};

/* One option; options the hook does not care about are ignored. */
static void apply_option(struct spec_mount *m, const char *opt)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(attr_options); i++) {
		if (strcmp(opt, attr_options[i].name) == 0) {
			m->flags |= attr_options[i].set;
			m->flags &= ~attr_options[i].clear;
			return;
		}
	}
	for (i = 0; i < ARRAY_SIZE(propagation_options); i++) {
		if (strcmp(opt, propagation_options[i].name) == 0) {
			m->propagation = propagation_options[i].propagation;
			return;
		}
	}
	if (strcmp(opt, "bind") == 0 || strcmp(opt, "rbind") == 0) {
		m->is_bind = true;
		if (opt[0] == 'r')
			m->is_recursive = true;
	} else if (strcmp(opt, "idmap") == 0 || strcmp(opt, "ridmap") == 0) {
		m->has_idmap = true;
	}
}

static int parse_options(const json_value *v, const char *path, struct spec_mount *m, struct err *e)
{
	char parent[JSON_PATH_MAX], opt_path[JSON_PATH_MAX];
	const json_value *arr = NULL;
	const char *opt;
	size_t n = 0, i;
	int r;

	r = json_get_array(v, path, "options", JSON_OPTIONAL, &arr, &n, e);
	if (r < 0)
		return r;
	json_path_key(parent, path, "options");
	for (i = 0; i < n; i++) {
		json_path_index(opt_path, parent, i);
		r = json_as_string(json_array_at(arr, i), opt_path, &opt, e);
		if (r < 0)
			return r;
		apply_option(m, opt);
	}
	return 0;
}

/* Mount-level uidMappings/gidMappings: only their presence matters here. */
static int parse_mount_idmaps(const json_value *v, const char *path, struct spec_mount *m,
			      struct err *e)
{
	static const char *const keys[] = {"uidMappings", "gidMappings"};
	const json_value *arr;
	size_t i, n;
	int r;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		r = json_get_array(v, path, keys[i], JSON_OPTIONAL, &arr, &n, e);
		if (r < 0)
			return r;
		if (r > 0)
			m->has_idmap = true;
	}
	return 0;
}

static int copy_string(const json_value *v, const char *path, const char *key, enum json_presence p,
		       char **ret, struct err *e)
{
	const char *s;
	int r;

	r = json_get_string(v, path, key, p, &s, e);
	if (r <= 0)
		return r;
	*ret = strdup(s);
	if (!*ret)
		return err_set(e, ENOMEM, "%s.%s", path, key);
	return 1;
}

/* A bind mount's source is a path: resolve a relative one to the bundle.
 * Other sources ("proc", "tmpfs") are not paths and stay as written. */
static int parse_source(const json_value *v, const char *path, const char *bundle,
			struct spec_mount *m, struct err *e)
{
	const char *source;
	int r;

	r = json_get_string(v, path, "source", JSON_OPTIONAL, &source, e);
	if (r <= 0)
		return r;
	if (!m->is_bind) {
		m->source = strdup(source);
		return m->source ? 0 : err_set(e, ENOMEM, "%s.source", path);
	}
	if (!*source)
		return err_msg(e, EINVAL, "%s.source: must not be empty", path);
	return spec_resolve_path(bundle, source, &m->source, e);
}

static int parse_mount(const json_value *v, const char *path, const char *bundle,
		       struct spec_mount *m, struct err *e)
{
	int r;

	r = json_expect_object(v, path, e);
	if (r < 0)
		return r;
	r = copy_string(v, path, "destination", JSON_REQUIRED, &m->destination, e);
	if (r < 0)
		return r;
	/* runc takes a relative destination as relative to the rootfs, as do we. */
	if (!m->destination[0])
		return err_msg(e, EINVAL, "%s.destination: must not be empty", path);
	r = copy_string(v, path, "type", JSON_OPTIONAL, &m->type, e);
	if (r < 0)
		return r;
	if (m->type && strcmp(m->type, "bind") == 0)
		m->is_bind = true;
	r = parse_options(v, path, m, e);
	if (r >= 0)
		r = parse_mount_idmaps(v, path, m, e);
	if (r >= 0)
		r = parse_source(v, path, bundle, m, e);
	return r;
}

int spec_parse_mounts(const json_value *root, const char *bundle, struct oci_spec *s, struct err *e)
{
	char path[JSON_PATH_MAX];
	const json_value *arr;
	size_t n, i;
	int r;

	r = json_get_array(root, "", "mounts", JSON_OPTIONAL, &arr, &n, e);
	if (r <= 0 || n == 0)
		return r;
	if (n > SPEC_MAX_MOUNTS)
		return err_msg(e, EFBIG, "mounts: more than %d entries", SPEC_MAX_MOUNTS);
	s->mounts = calloc(n, sizeof(*s->mounts));
	if (!s->mounts)
		return err_set(e, ENOMEM, "mounts");
	s->n_mounts = n;
	for (i = 0; i < n; i++) {
		json_path_index(path, "mounts", i);
		r = parse_mount(json_array_at(arr, i), path, bundle, &s->mounts[i], e);
		if (r < 0)
			return r;
	}
	return 0;
}
