/* SPDX-License-Identifier: Apache-2.0 */
#include "mountinfo.h"

#include <libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void table_unrefp(struct libmnt_table **t)
{
	mnt_unref_table(*t);
}

static void iter_freep(struct libmnt_iter **i)
{
	mnt_free_iter(*i);
}

/* Does a comma-separated option string contain exactly `name`? */
static bool has_option(const char *opts, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = opts; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		if (n == len && strncmp(p, name, len) == 0)
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

static int entry_from_fs(struct libmnt_fs *fs, struct mount_entry *ret)
{
	const char *target = mnt_fs_get_target(fs);
	const char *fstype = mnt_fs_get_fstype(fs);

	ret->target = strdup(target ? target : "");
	if (!ret->target)
		return -ENOMEM;
	ret->id = mnt_fs_get_id(fs);
	ret->parent_id = mnt_fs_get_parent_id(fs);
	snprintf(ret->fstype, sizeof(ret->fstype), "%s", fstype ? fstype : "");
	ret->idmapped = has_option(mnt_fs_get_vfs_options(fs), "idmapped");
	return 0;
}

static int compare_ids(const void *a, const void *b)
{
	const struct mount_entry *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

int mountinfo_read(const char *path, struct mount_table *ret_table, struct err *e)
{
	__attribute__((cleanup(table_unrefp))) struct libmnt_table *tb = NULL;
	__attribute__((cleanup(iter_freep))) struct libmnt_iter *it = NULL;
	struct mount_table t = { 0 };
	struct libmnt_fs *fs;
	int r;

	tb = mnt_new_table();
	it = mnt_new_iter(MNT_ITER_FORWARD);
	if (!tb || !it)
		return err_set(e, ENOMEM, "%s", path);
	r = mnt_table_parse_file(tb, path);
	if (r < 0)
		return err_set(e, r == -1 ? EINVAL : -r, "parse %s", path);
	t.entries = calloc((size_t)mnt_table_get_nents(tb) + 1, sizeof(*t.entries));
	if (!t.entries)
		return err_set(e, ENOMEM, "%s", path);
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		if (entry_from_fs(fs, &t.entries[t.n]) < 0) {
			mountinfo_free(&t);
			return err_set(e, ENOMEM, "%s", path);
		}
		t.n++;
	}
	/* By id, for mountinfo_find(): walks up parent chains are frequent. */
	qsort(t.entries, t.n, sizeof(*t.entries), compare_ids);
	*ret_table = t;
	return 0;
}

const struct mount_entry *mountinfo_find(const struct mount_table *t, int id)
{
	struct mount_entry key = { .id = id };

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

void mountinfo_free(struct mount_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->entries[i].target);
	free(t->entries);
	*t = (struct mount_table){ 0 };
}
