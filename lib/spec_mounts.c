/* SPDX-License-Identifier: Apache-2.0 */
/* config.json "mounts" -> struct spec_mount: kind, attributes, propagation. */
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "cleanup.h"
#include "mountinfo.h"
#include "spec_internal.h"

/*
 * What an option means comes from libmount's map of the kernel's options
 * (mountinfo_kernel_option): ro/rw, nosuid, nodev, noexec, nosymfollow and
 * their opposites, bind/rbind, the propagation types.  Only what the kernel
 * does not know is named here: idmap/ridmap and runc's recursive options.
 * The atime options count only as named (what crun's remount after the
 * hooks sets, plan_nodes.c).  Anything else (tmpcopyup, copy-symlink,
 * mode=..., an option nobody knows) changes nothing: the clone keeps the
 * flags the runtime gave the mount, so an unknown option can never loosen it.
 */

static const struct {
	unsigned long ms;
	enum mount_propagation propagation;
} propagations[] = {
    {MS_PRIVATE, PROPAGATION_PRIVATE},
    {MS_SLAVE, PROPAGATION_SLAVE},
    {MS_SHARED, PROPAGATION_SHARED},
    {MS_UNBINDABLE, PROPAGATION_UNBINDABLE},
};

/* runc's recursive options (mount_setattr with AT_RECURSIVE): "r" and a
 * kernel option, applied to the mount and every mount below it.  rbind,
 * rprivate, ... are the kernel's own (MS_REC) and are not listed here. */
static const char *const recursive_options[] = {
    "rro",	   "rrw",	"rnosuid",	"rsuid",       "rnodev",       "rdev",
    "rnoexec",	   "rexec",	"rnosymfollow", "rsymfollow",  "rnoatime",     "ratime",
    "rnodiratime", "rdiratime", "rrelatime",	"rnorelatime", "rstrictatime", "rnostrictatime",
};

static const struct {
	unsigned long ms;
	unsigned int named;
} atimes[] = {
    {MS_NOATIME, MOUNT_ATIME_NAMED_NOATIME},
    {MS_STRICTATIME, MOUNT_ATIME_NAMED_STRICTATIME},
    {MS_RELATIME, MOUNT_ATIME_NAMED_RELATIME},
    {MS_NODIRATIME, MOUNT_ATIME_NAMED_NODIRATIME},
};

/* An option's flag into flags (set or cleared, the last option wins), and,
 * when it sets one, into what m names (nothing takes that back). */
static void set_flags(struct spec_mount *m, unsigned int *flags, unsigned long ms, bool clears)
{
	if (clears) {
		*flags &= ~mountinfo_flags_of(ms);
		return;
	}
	*flags |= mountinfo_flags_of(ms);
	m->named |= mountinfo_flags_of(ms);
	for (size_t i = 0; i < ARRAY_SIZE(atimes); i++)
		if (ms & atimes[i].ms)
			m->atime_named |= atimes[i].named;
}

/* A kernel option (per libmount's map) into m. */
static void apply_kernel_option(struct spec_mount *m, unsigned long ms, bool clears)
{
	for (size_t i = 0; i < ARRAY_SIZE(propagations); i++) {
		if (ms & propagations[i].ms) {
			m->propagation = propagations[i].propagation;
			return;
		}
	}
	if (ms & MS_BIND) {
		m->is_bind = true;
		m->is_recursive = m->is_recursive || (ms & MS_REC);
		return;
	}
	set_flags(m, &m->flags, ms, clears);
}

static bool is_recursive_option(const char *opt)
{
	for (size_t i = 0; i < ARRAY_SIZE(recursive_options); i++)
		if (strcmp(opt, recursive_options[i]) == 0)
			return true;
	return false;
}

/* "idmap" or "ridmap", bare or with crun's value (idmap=uids=...;gids=...). */
static bool is_idmap_option(const char *opt)
{
	size_t n = strcspn(opt, "=");

	return (n == 5 && strncmp(opt, "idmap", 5) == 0) ||
	       (n == 6 && strncmp(opt, "ridmap", 6) == 0);
}

/* One option; options the hook does not care about are ignored. */
static void apply_option(struct spec_mount *m, const char *opt)
{
	unsigned long ms;
	bool clears;

	if (mountinfo_kernel_option(opt, &ms, &clears))
		apply_kernel_option(m, ms, clears);
	else if (is_recursive_option(opt) && mountinfo_kernel_option(opt + 1, &ms, &clears))
		set_flags(m, &m->flags_tree, ms, clears);
	else if (is_idmap_option(opt))
		m->has_idmap = true;
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
