/* SPDX-License-Identifier: Apache-2.0 */
/* config.json "mounts" -> struct spec_mount: kind, attributes, propagation. */
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "cleanup.h"
#include "mountinfo.h"
#include "spec_mounts.h"

/*
 * A mount's options are read in two steps.  spec_mounts_parse() reads
 * config.json's own words only: bind and rbind (the OCI runtime spec's;
 * libmount's map knows them as MS_BIND and MS_BIND|MS_REC, and no other
 * option as either), idmap and ridmap; it keeps every option as written.
 * That is all the hook needs to tell whether a mount is worth a look, so a
 * start with nothing to remap never loads libmount.
 * spec_mounts_map_options() then gives the rest its meaning from libmount's
 * map of the kernel's options
 * (mountinfo_kernel_option): ro/rw, nosuid, nodev, noexec, nosymfollow and
 * their opposites, the propagation types; runc's recursive options are named
 * here.  The atime options count only as named (what crun's remount after
 * the hooks sets, plan_nodes.c).  Anything else (tmpcopyup, copy-symlink,
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

/* A kernel option (per libmount's map) into m.  bind and rbind were read
 * as words (read_word): the map agrees, and they are not read twice. */
static void apply_kernel_option(struct spec_mount *m, unsigned long ms, bool clears)
{
	for (size_t i = 0; i < ARRAY_SIZE(propagations); i++) {
		if (ms & propagations[i].ms) {
			m->propagation = propagations[i].propagation;
			return;
		}
	}
	if (!(ms & MS_BIND))
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

/* config.json's own words; every other option waits for spec_mounts_map_options(). */
static void read_word(struct spec_mount *m, const char *opt)
{
	if (strcmp(opt, "bind") == 0)
		m->is_bind = true;
	else if (strcmp(opt, "rbind") == 0)
		m->is_bind = m->is_recursive = true;
	else if (is_idmap_option(opt))
		m->has_idmap = true;
}

/* One option through libmount's map; options the hook does not care about
 * are ignored. */
static int map_option(struct spec_mount *m, const char *opt, struct err *e)
{
	unsigned long ms;
	bool clears;
	int r;

	r = mountinfo_kernel_option(opt, &ms, &clears, e);
	if (r > 0)
		apply_kernel_option(m, ms, clears);
	else if (r == 0 && is_recursive_option(opt) &&
		 (r = mountinfo_kernel_option(opt + 1, &ms, &clears, e)) > 0)
		set_flags(m, &m->flags_tree, ms, clears);
	return r < 0 ? r : 0;
}

int spec_mounts_map_options(struct spec_mount *mounts, size_t n, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		struct spec_mount *m = &mounts[i];
		const char *opt = m->options;

		m->flags = m->flags_tree = m->named = 0;
		m->atime_named = 0;
		m->propagation = PROPAGATION_DEFAULT;
		for (size_t k = 0; k < m->n_options; k++, opt += strlen(opt) + 1) {
			int r = map_option(m, opt, e);

			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* The options: config.json's own words read, each checked to be a
 * string; their array and total length (NULs included) for take_strings(). */
static int parse_options(const json_value *v, const char *path, struct spec_mount *m,
			 const json_value **ret_arr, size_t *ret_len, struct err *e)
{
	char parent[JSON_PATH_MAX], opt_path[JSON_PATH_MAX];
	const json_value *arr = NULL;
	const char *opt;
	size_t n = 0;
	int r;

	*ret_arr = NULL;
	*ret_len = 0;
	r = json_get_array(v, path, "options", JSON_OPTIONAL, &arr, &n, e);
	if (r <= 0 || n == 0)
		return r < 0 ? r : 0;
	json_path_key(parent, path, "options");
	for (size_t i = 0; i < n; i++) {
		json_path_index(opt_path, parent, i);
		r = json_as_string(json_array_at(arr, i), opt_path, &opt, e);
		if (r < 0)
			return r;
		read_word(m, opt);
		*ret_len += strlen(opt) + 1;
	}
	*ret_arr = arr;
	m->n_options = n;
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

/* A mount's strings as config.json has them (borrowed from its tree). */
struct mount_strings {
	const char *destination, *type, *source;
	const char *source_dir; /* the bundle, for a relative bind source, or NULL */
	const json_value *options;
	size_t options_len;
};

/* [prefix "/"] s "\0" at *at in block, moving *at past it; where it starts. */
static char *put(char *block, size_t *at, const char *prefix, const char *s)
{
	char *start = block + *at;
	size_t n;

	if (prefix) {
		n = strlen(prefix);
		memcpy(block + *at, prefix, n);
		block[*at + n] = '/';
		*at += n + 1;
	}
	n = strlen(s) + 1;
	memcpy(block + *at, s, n);
	*at += n;
	return start;
}

/* The strings into m, in one allocation owned by m->destination. */
static int take_strings(struct spec_mount *m, const struct mount_strings *w, const char *path,
			struct err *e)
{
	size_t len = strlen(w->destination) + 1 + w->options_len, at = 0;
	char *block;

	len += w->type ? strlen(w->type) + 1 : 0;
	len += w->source ? strlen(w->source) + 1 : 0;
	len += w->source_dir ? strlen(w->source_dir) + 1 : 0;
	block = malloc(len);
	if (!block)
		return err_set(e, ENOMEM, "%s", path);
	m->destination = put(block, &at, NULL, w->destination);
	m->type = w->type ? put(block, &at, NULL, w->type) : NULL;
	m->source = w->source ? put(block, &at, w->source_dir, w->source) : NULL;
	m->options = m->n_options ? block + at : NULL;
	for (size_t i = 0; i < m->n_options; i++)
		put(block, &at, NULL, json_string_of(json_array_at(w->options, i)));
	return 0;
}

/* A bind mount's source is a path: a relative one is relative to the
 * bundle.  Other sources ("proc", "tmpfs") are not paths and stay as
 * written. */
static int parse_source(const json_value *v, const char *path, const char *bundle,
			const struct spec_mount *m, struct mount_strings *w, struct err *e)
{
	int r;

	r = json_get_string(v, path, "source", JSON_OPTIONAL, &w->source, e);
	if (r <= 0)
		return r;
	if (!m->is_bind)
		return 0;
	if (!*w->source)
		return err_msg(e, EINVAL, "%s.source: must not be empty", path);
	if (w->source[0] != '/')
		w->source_dir = bundle;
	return 0;
}

static int parse_mount(const json_value *v, const char *path, const char *bundle,
		       struct spec_mount *m, struct err *e)
{
	struct mount_strings w = {0};
	int r;

	r = json_expect_object(v, path, e);
	if (r < 0)
		return r;
	r = json_get_string(v, path, "destination", JSON_REQUIRED, &w.destination, e);
	if (r < 0)
		return r;
	/* runc takes a relative destination as relative to the rootfs, as do we. */
	if (!w.destination[0])
		return err_msg(e, EINVAL, "%s.destination: must not be empty", path);
	r = json_get_string(v, path, "type", JSON_OPTIONAL, &w.type, e);
	if (r < 0)
		return r;
	if (w.type && strcmp(w.type, "bind") == 0)
		m->is_bind = true;
	r = parse_options(v, path, m, &w.options, &w.options_len, e);
	if (r >= 0)
		r = parse_mount_idmaps(v, path, m, e);
	if (r >= 0)
		r = parse_source(v, path, bundle, m, &w, e);
	if (r >= 0)
		r = take_strings(m, &w, path, e);
	return r;
}

int spec_mounts_parse(const json_value *root, const char *bundle, struct spec_mount **ret_mounts,
		      size_t *ret_n, struct err *e)
{
	char path[JSON_PATH_MAX];
	const json_value *arr;
	struct spec_mount *mounts;
	size_t n, i;
	int r;

	r = json_get_array(root, "", "mounts", JSON_OPTIONAL, &arr, &n, e);
	if (r < 0)
		return r;
	if (r == 0 || n == 0) {
		*ret_mounts = NULL;
		*ret_n = 0;
		return 0;
	}
	if (n > SPEC_MAX_MOUNTS)
		return err_msg(e, EFBIG, "mounts: more than %d entries", SPEC_MAX_MOUNTS);
	mounts = calloc(n, sizeof(*mounts));
	if (!mounts)
		return err_set(e, ENOMEM, "mounts");
	for (i = 0; i < n; i++) {
		json_path_index(path, "mounts", i);
		r = parse_mount(json_array_at(arr, i), path, bundle, &mounts[i], e);
		if (r < 0) {
			spec_mounts_free(mounts, n);
			return r;
		}
	}
	*ret_mounts = mounts;
	*ret_n = n;
	return 0;
}

void spec_mounts_free(struct spec_mount *mounts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(mounts[i].destination); /* and the rest of its strings */
	free(mounts);
}
