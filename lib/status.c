/* SPDX-License-Identifier: Apache-2.0 */
#include "status.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cleanup.h"
#include "mntns.h"
#include "mounttree.h"

/* The maps the kernel reports for the mounts of pid's mount namespace;
 * *ret_reported false (and no error) when this kernel cannot say (ENOSYS,
 * EINVAL); what it says but cannot be read (EBADMSG) is an error. */
static int read_maps(int pid, struct mnt_maps *ret_maps, bool *ret_reported, struct err *e)
{
	struct mntns ns = MNTNS_INIT;
	int r, r2;

	r = mntns_open(pid, &ns, e);
	if (r >= 0)
		r = mntns_enter(&ns, e);
	if (r < 0) {
		mntns_close(&ns);
		return err_wrap(e, "status: pid %d", pid);
	}
	r = mntmaps_read(ret_maps, e);
	r2 = mntns_leave(&ns, r < 0 ? &(struct err){0} : e);
	mntns_close(&ns);
	if (r == -ENOSYS || r == -EINVAL) {
		*ret_reported = false;
		return r2;
	}
	*ret_reported = r >= 0 && ret_maps->reported;
	return r < 0 ? r : r2;
}

/* One row per mount of the table: covered (mounttree.h's rule) and its
 * maps.  Linear in the mounts but for the sort (70k mounts: 26 s when
 * each looked through the whole table). */
static int fill_mounts(struct status *s, struct err *e)
{
	const struct mount_table *t = &s->table;
	struct mount_tree mt = {0};

	s->mounts = calloc(t->n + 1, sizeof(*s->mounts));
	if (!s->mounts || mounttree_build(t, &mt) < 0)
		return err_set(e, ENOMEM, "status");
	for (size_t i = 0; i < t->n; i++) {
		const struct mntmaps_entry *x = mntmaps_find(&s->maps, t->entries[i].id);

		/* A map none of whose lines this user namespace sees: null. */
		s->mounts[i] = (struct status_mount){
		    .entry = &t->entries[i],
		    .covered = mounttree_is_covered(&mt, i),
		    .uid_map = x && x->uid_map.n ? &x->uid_map : NULL,
		    .gid_map = x && x->gid_map.n ? &x->gid_map : NULL,
		};
	}
	s->n_mounts = t->n;
	mounttree_free(&mt);
	return 0;
}

int status_read(int pid, struct status *ret, struct err *e)
{
	char path[64];
	int r;

	*ret = (struct status){.pid = pid};
	snprintf(path, sizeof(path), "/proc/%d/mountinfo", pid);
	r = mountinfo_read(path, &ret->table, e);
	if (r == -ENOENT || r == -ESRCH)
		return err_msg(e, ESRCH, "status: pid %d: no such process", pid);
	if (r < 0)
		return err_wrap(e, "status: pid %d", pid);
	r = read_maps(pid, &ret->maps, &ret->maps_reported, e);
	return r < 0 ? r : fill_mounts(ret, e);
}

void status_free(struct status *s)
{
	free(s->mounts);
	mntmaps_free(&s->maps);
	mountinfo_free(&s->table);
	*s = (struct status){0};
}
