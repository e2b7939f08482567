/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mount tables and mount options through libmount, used cheaply: one parse
 * of one file, straight from the kernel's text (no mtab, no utab, no cache,
 * so no libblkid lookups), then copied into our structs at once and freed.
 * libmount skips lines it cannot parse; a file in another format parses as
 * fstab lines, which carry no mount id and are skipped here.
 *
 * libmount is loaded with dlopen() at its first use, not linked: Debian
 * builds it, libblkid and libselinux with -z now, so merely linking it costs
 * every exec of the hook ~0.5 ms of mapping and relocations, and most starts
 * never need a mount table (hook.c decides that from config.json and the
 * sources first).  Its header still gives every function's type, so each
 * call is type-checked as if linked.  A node without libmount1 gets -ELIBACC
 * here, and the hook leaves every mount as the runtime made it.
 */
#include "mountinfo.h"

#include <dlfcn.h>
#include <errno.h>
#include <libmount/libmount.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "cleanup.h"
#include "io.h"
#include "syscalls.h" /* MS_NOSYMFOLLOW */

/* The library's soname, as libmount1 installs it. */
#define LIBMOUNT_SONAME "libmount.so.1"

/* Every libmount function the hook calls: loaded together or not at all. */
#define LIBMOUNT_FUNCTIONS(X)                                                                      \
	X(mnt_new_table)                                                                           \
	X(mnt_unref_table)                                                                         \
	X(mnt_table_parse_stream)                                                                  \
	X(mnt_table_get_nents)                                                                     \
	X(mnt_table_next_fs)                                                                       \
	X(mnt_new_iter)                                                                            \
	X(mnt_free_iter)                                                                           \
	X(mnt_fs_is_kernel)                                                                        \
	X(mnt_fs_get_devno)                                                                        \
	X(mnt_fs_get_id)                                                                           \
	X(mnt_fs_get_parent_id)                                                                    \
	X(mnt_fs_get_target)                                                                       \
	X(mnt_fs_get_root)                                                                         \
	X(mnt_fs_get_source)                                                                       \
	X(mnt_fs_get_fstype)                                                                       \
	X(mnt_fs_get_vfs_options)                                                                  \
	X(mnt_fs_get_optional_fields)                                                              \
	X(mnt_optstr_get_option)                                                                   \
	X(mnt_optstr_get_flags)                                                                    \
	X(mnt_get_builtin_optmap)

/* lm.mnt_new_table(...) and so on, once mountinfo_load() has filled them. */
static struct {
#define LIBMOUNT_POINTER(name) __typeof__(name) *name;
	LIBMOUNT_FUNCTIONS(LIBMOUNT_POINTER)
#undef LIBMOUNT_POINTER
} lm;

static const char *const lm_names[] = {
#define LIBMOUNT_NAME(name) #name,
    LIBMOUNT_FUNCTIONS(LIBMOUNT_NAME)
#undef LIBMOUNT_NAME
};

/* The outcome of the one load: 0 before it, 1 loaded, -ELIBACC. */
static int lm_state;
static char lm_error[ERR_MSG_MAX];

static int load(void)
{
	void **slots = (void **)&lm;
	void *handle;

	_Static_assert(sizeof(lm) == ARRAY_SIZE(lm_names) * sizeof(void *), "one slot a name");
	/* Never closed: the hook is short-lived and the tables' code is in it. */
	handle = dlopen(LIBMOUNT_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		snprintf(lm_error, sizeof(lm_error), "%s", dlerror());
		return -ELIBACC;
	}
	for (size_t i = 0; i < ARRAY_SIZE(lm_names); i++) {
		slots[i] = dlsym(handle, lm_names[i]);
		if (!slots[i]) {
			snprintf(lm_error, sizeof(lm_error), "%s: no %s", LIBMOUNT_SONAME,
				 lm_names[i]);
			return -ELIBACC;
		}
	}
	return 1;
}

int mountinfo_load(struct err *e)
{
	if (lm_state == 0)
		lm_state = load();
	if (lm_state < 0)
		return err_msg(e, ELIBACC,
			       "libmount cannot be loaded (the hook reads mount tables with "
			       "libmount1): %s",
			       lm_error);
	return 0;
}

static inline void table_unrefp(struct libmnt_table **tb)
{
	if (*tb)
		lm.mnt_unref_table(*tb);
}

static inline void iter_freep(struct libmnt_iter **it)
{
	if (*it)
		lm.mnt_free_iter(*it);
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

/* The kernel's flags the hook knows, in its own terms. */
static const struct {
	unsigned long ms;
	unsigned int flag;
} kernel_flags[] = {
    {MS_RDONLY, MOUNT_FLAG_RDONLY},
    {MS_NOSUID, MOUNT_FLAG_NOSUID},
    {MS_NODEV, MOUNT_FLAG_NODEV},
    {MS_NOEXEC, MOUNT_FLAG_NOEXEC},
    {MS_NOSYMFOLLOW, MOUNT_FLAG_NOSYMFOLLOW},
};

unsigned int mountinfo_flags_of(unsigned long ms)
{
	unsigned int flags = 0;

	for (size_t i = 0; i < ARRAY_SIZE(kernel_flags); i++)
		if (ms & kernel_flags[i].ms)
			flags |= kernel_flags[i].flag;
	return flags;
}

static int compare_ids(const void *a, const void *b)
{
	const struct mount_entry *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* A peer group id from an optional field's value ("12"), 0 if none. */
static int group_id(const char *value)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(value, &end, 10);
	return errno || end == value || v > INT32_MAX ? 0 : (int)v;
}

/* The propagation libmount read into the line's optional fields: "shared:N",
 * "master:N", "propagate_from:N", "unbindable", separated by spaces. */
static void copy_propagation(struct libmnt_fs *fs, struct mount_entry *m)
{
	const char *fields = lm.mnt_fs_get_optional_fields(fs);
	size_t n;

	for (const char *f = fields; f && *f; f += n) {
		f += strspn(f, " ");
		n = strcspn(f, " ");
		if (n > 7 && strncmp(f, "shared:", 7) == 0)
			m->shared = group_id(f + 7);
		else if (n > 7 && strncmp(f, "master:", 7) == 0)
			m->master = group_id(f + 7);
		else if (n == 10 && strncmp(f, "unbindable", 10) == 0)
			m->unbindable = true;
	}
}

/* A mount's own flags, from its VFS options through libmount's map. */
static unsigned int vfs_flags(const char *vfs)
{
	unsigned long ms = 0;

	if (!vfs || lm.mnt_optstr_get_flags(vfs, &ms, lm.mnt_get_builtin_optmap(MNT_LINUX_MAP)) < 0)
		return 0;
	return mountinfo_flags_of(ms);
}

/* One parsed mountinfo line into m: 1, 0 if it is not one, -ENOMEM.  Its
 * three strings share one allocation, owned by m->target. */
static int copy_fs(struct libmnt_fs *fs, struct mount_entry *m)
{
	const char *target = lm.mnt_fs_get_target(fs), *root = lm.mnt_fs_get_root(fs);
	const char *fstype = lm.mnt_fs_get_fstype(fs), *vfs = lm.mnt_fs_get_vfs_options(fs);
	const char *source = lm.mnt_fs_get_source(fs);
	size_t nt, nr, ns;
	char *strings;

	if (!lm.mnt_fs_is_kernel(fs) || !target || !root || !fstype)
		return 0;
	source = source ? source : "";
	nt = strlen(target) + 1;
	nr = strlen(root) + 1;
	ns = strlen(source) + 1;
	strings = malloc(nt + nr + ns);
	if (!strings)
		return -ENOMEM;
	*m = (struct mount_entry){
	    .id = lm.mnt_fs_get_id(fs),
	    .parent_id = lm.mnt_fs_get_parent_id(fs),
	    .target = memcpy(strings, target, nt),
	    .root = memcpy(strings + nt, root, nr),
	    .source = memcpy(strings + nt + nr, source, ns),
	    .idmapped = vfs && lm.mnt_optstr_get_option(vfs, "idmapped", NULL, NULL) == 0,
	    .flags = vfs_flags(vfs),
	    .dev = lm.mnt_fs_get_devno(fs),
	};
	snprintf(m->fstype, sizeof(m->fstype), "%s", fstype);
	copy_propagation(fs, m);
	return 1;
}

static int copy_table(struct libmnt_table *tb, struct mount_table *ret_table)
{
	_cleanup_(iter_freep) struct libmnt_iter *it = lm.mnt_new_iter(MNT_ITER_FORWARD);
	struct mount_table t = {0};
	struct libmnt_fs *fs;
	int n = lm.mnt_table_get_nents(tb), r;

	if (!it)
		return -ENOMEM;
	if (n <= 0) {
		*ret_table = t;
		return 0;
	}
	t.entries = calloc((size_t)n, sizeof(*t.entries));
	if (!t.entries)
		return -ENOMEM;
	while (t.n < (size_t)n && lm.mnt_table_next_fs(tb, it, &fs) == 0) {
		r = copy_fs(fs, &t.entries[t.n]);
		if (r < 0) {
			mountinfo_free(&t);
			return r;
		}
		t.n += (size_t)r;
	}
	if (t.n == 0) /* not a mountinfo file */
		free(TAKE_PTR(t.entries));
	else /* by id, for mountinfo_find(): walks up parent chains are frequent */
		qsort(t.entries, t.n, sizeof(*t.entries), compare_ids);
	*ret_table = t;
	return 0;
}

/* Parse f; path names it in messages.  libmount is told a bare name: given a
 * /proc path it would resolve it (four readlinks, ~10 us here) only to learn
 * a thread id that nothing here uses. */
static int parse(FILE *f, const char *path, struct mount_table *ret_table, struct err *e)
{
	_cleanup_(table_unrefp) struct libmnt_table *tb = NULL;
	int r;

	r = mountinfo_load(e);
	if (r < 0)
		return r;
	tb = lm.mnt_new_table();
	if (!tb)
		return err_set(e, ENOMEM, "mount table %s", path);
	r = lm.mnt_table_parse_stream(tb, f, "mountinfo");
	if (r >= 0)
		r = copy_table(tb, ret_table);
	/* libmount returns -errno, or -1 for an error of its own. */
	if (r < 0)
		return err_set(e, r == -1 ? EINVAL : -r, "mount table %s", path);
	return 0;
}

static int parse_text(char *text, size_t len, const char *path, struct mount_table *ret_table,
		      struct err *e)
{
	_cleanup_(fclosep) FILE *f = NULL;

	if (len == 0) {
		*ret_table = (struct mount_table){0};
		return 0;
	}
	f = fmemopen(text, len, "r");
	if (!f)
		return err_set(e, errno, "mount table %s", path);
	return parse(f, path, ret_table, e);
}

/* The file is read whole, in as few read(2)s as it takes (stdio would read
 * a /proc file 1 KiB at a time, and the kernel walks the namespace's mount
 * list again from the start at each), then libmount parses the text. */
int mountinfo_read(const char *path, struct mount_table *ret_table, struct err *e)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	r = io_read_file(path, MOUNTINFO_MAX, &text, &len, e);
	if (r < 0)
		return r;
	return parse_text(text, len, path, ret_table, e);
}

int mountinfo_parse(char *text, struct mount_table *ret_table, struct err *e)
{
	return parse_text(text, strlen(text), "(text)", ret_table, e);
}

const struct mount_entry *mountinfo_find(const struct mount_table *t, int id)
{
	struct mount_entry key = {.id = id};

	if (!t->entries)
		return NULL;
	return bsearch(&key, t->entries, t->n, sizeof(*t->entries), compare_ids);
}

bool mountinfo_is_below(const struct mount_table *t, int id, int ancestor)
{
	const struct mount_entry *m = mountinfo_find(t, id);

	/* A mount table is a tree, but bound the walk anyway. */
	for (size_t steps = 0; m && steps < t->n; steps++) {
		if (m->parent_id == ancestor)
			return true;
		if (m->parent_id == m->id)
			return false;
		m = mountinfo_find(t, m->parent_id);
	}
	return false;
}

unsigned int mountinfo_prop(const struct mount_entry *m)
{
	return (m->shared ? MOUNT_PROP_SHARED : 0) | (m->master ? MOUNT_PROP_SLAVE : 0) |
	       (m->unbindable ? MOUNT_PROP_UNBINDABLE : 0);
}

void mountinfo_free(struct mount_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->entries[i].target); /* and root and source (copy_fs) */
	free(t->entries);
	*t = (struct mount_table){0};
}

int mountinfo_kernel_option(const char *name, unsigned long *ret_flags, bool *ret_clears,
			    struct err *e)
{
	const struct libmnt_optmap *map;
	int r;

	r = mountinfo_load(e);
	if (r < 0)
		return r;
	for (map = lm.mnt_get_builtin_optmap(MNT_LINUX_MAP); map && map->name; map++) {
		if (strcmp(map->name, name) != 0)
			continue;
		*ret_flags = (unsigned long)map->id;
		*ret_clears = map->mask & MNT_INVERT;
		return 1;
	}
	return 0;
}
