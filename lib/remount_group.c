/* SPDX-License-Identifier: Apache-2.0 */
/* Groups: a replaced mount and the mounts the runtime made on top of it. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "mnt.h"
#include "remount_internal.h"

/* The runtime's mount at mount k's destination, if any. */
static bool mount_at(const struct run *run, size_t k, struct path_info *ret_info, int *ret_fd)
{
	struct err e = {0};
	int fd = -EBADF;

	if (pathres_open_in_root(run->root_fd, run->spec->mounts[k].destination, &fd, &e) < 0)
		return false;
	if (pathres_info(fd, ret_info, &e) < 0 || !ret_info->is_mount_root) {
		close(fd);
		return false;
	}
	*ret_fd = fd;
	return true;
}

/* A mount of the runtime's that lies on top of group root i must be carried
 * over on top of its clone: idmapped if planned so, else a plain clone. */
static int adopt_member(struct run *run, size_t i, size_t k, int fd, struct err *e)
{
	const struct spec_mount *m = &run->spec->mounts[k];
	struct item *it = &run->items[k];
	int prop =
	    m->propagation == PROPAGATION_DEFAULT ? MNT_PROPAGATION_KEEP : (int)m->propagation;
	int r;

	it->group = i;
	if (it->clone_fd >= 0)
		return 0;
	r = mnt_clone(fd, "", m->is_recursive, &it->clone_fd, e);
	if (r >= 0)
		r = mnt_setattr(it->clone_fd, m->is_recursive, m->flags, prop, -1, e);
	if (r < 0)
		return err_wrap(e, "carry over %s on top of it", m->destination);
	return 0;
}

/* Is every mount below the group root one that the group carries over? */
static bool group_covers_table(const struct run *run, size_t i)
{
	for (size_t t = 0; t < run->table.n; t++) {
		int id = run->table.entries[t].id;
		bool covered = false;

		if (!mountinfo_is_below(&run->table, id, (int)run->items[i].target_mnt))
			continue;
		for (size_t k = i + 1; k < run->n && !covered; k++)
			covered =
			    run->items[k].group == i &&
			    (id == (int)run->items[k].target_mnt ||
			     mountinfo_is_below(&run->table, id, (int)run->items[k].target_mnt));
		if (!covered)
			return false;
	}
	return true;
}

static void ungroup(struct run *run, size_t i)
{
	for (size_t k = i + 1; k < run->n; k++) {
		if (run->items[k].group != i)
			continue;
		run->items[k].group = NO_GROUP;
		if (!remount_is_idmap(run, k)) {
			close_fdp(&run->items[k].clone_fd);
			run->items[k].clone_fd = -EBADF;
		}
	}
}

void remount_form_group(struct run *run, size_t i)
{
	struct err e = {0};
	int r = 0;

	run->items[i].group = i;
	for (size_t k = i + 1; k < run->n && r >= 0; k++) {
		_cleanup_close_ int fd = -EBADF;
		struct path_info info;

		/* Looked up once (locate_all); only members are opened again. */
		if (!run->items[k].at_mount ||
		    !mountinfo_is_below(&run->table, (int)run->items[k].at.mnt_id,
					(int)run->items[i].target_mnt))
			continue;
		if (!mount_at(run, k, &info, &fd) || info.mnt_id != run->items[k].at.mnt_id) {
			r = err_msg(&e, ESTALE, "%s changed while the hook ran",
				    run->spec->mounts[k].destination);
			break;
		}
		run->items[k].target_mnt = info.mnt_id;
		r = adopt_member(run, i, k, fd, &e);
	}
	if (r >= 0 && !run->spec->mounts[i].is_recursive && !group_covers_table(run, i))
		r = err_msg(&e, EBUSY, "has submounts that config.json does not list");
	if (r < 0) {
		ungroup(run, i);
		run->items[i].group = NO_GROUP;
		remount_fail(run, i, r, &e);
	}
}

/* The destination may have been swapped (e.g. for a symlink) since
 * find_target: it must still be the runtime's mount for a group root, or lie
 * on a clone this group attached for a member.  The fd pins what is checked. */
static int is_still_target(struct run *run, size_t k, int fd, struct err *e)
{
	const struct item *it = &run->items[k];
	struct path_info at, clone;
	int r = pathres_info(fd, &at, e);

	if (r < 0)
		return r;
	if (it->group == k)
		return at.is_mount_root && at.mnt_id == it->target_mnt;
	for (size_t j = it->group; j < run->n; j++)
		if (run->items[j].group == it->group && run->items[j].attached &&
		    pathres_info(run->items[j].clone_fd, &clone, e) >= 0 &&
		    clone.mnt_id == at.mnt_id)
			return 1;
	return 0;
}

/* Attach mount k's clone where its destination now resolves. */
static int attach(struct run *run, size_t k, struct err *e)
{
	_cleanup_close_ int fd = -EBADF;
	long long t0 = log_now_us();
	int r;

	r = pathres_open_in_root(run->root_fd, run->spec->mounts[k].destination, &fd, e);
	if (r >= 0)
		r = is_still_target(run, k, fd, e);
	if (r == 0)
		r = err_msg(e, ESTALE, "the destination changed while the hook ran");
	if (r > 0)
		r = mnt_attach(run->items[k].clone_fd, fd, e);
	run->timing->swap_us += log_now_us() - t0;
	if (r < 0)
		return err_wrap(e, "%s", run->spec->mounts[k].destination);
	run->items[k].attached = true;
	return 0;
}

/* Undo a group that could not be completed: its members come off in reverse. */
static bool detach_group(struct run *run, size_t i)
{
	for (size_t k = run->n; k-- > i;) {
		struct item *it = &run->items[k];
		struct err e = {0};

		if (it->group != i || !it->attached)
			continue;
		if (mnt_detach(it->clone_fd, &e) < 0)
			log_warn("undo %s: %s", run->spec->mounts[k].destination, e.msg);
		else
			it->attached = false;
	}
	/* The root takes whatever is still on it along. */
	for (size_t k = i; k < run->n && !run->items[i].attached; k++)
		if (run->items[k].group == i)
			run->items[k].attached = false;
	return !run->items[i].attached;
}

/* The group root cannot come off: never leave its members hidden under it,
 * carry them over after all (a failure may not repeat). */
static int complete_group(struct run *run, size_t i, struct err *e)
{
	int r = 0;

	for (size_t k = i + 1; k < run->n && r >= 0; k++)
		if (run->items[k].group == i && !run->items[k].attached)
			r = attach(run, k, e);
	return r;
}

void remount_swap_group(struct run *run, size_t i)
{
	struct err e = {0};
	size_t failed_at = i;
	int r = 0;

	for (size_t k = i; k < run->n && r >= 0; k++) {
		if (run->items[k].group != i)
			continue;
		failed_at = k;
		r = attach(run, k, &e);
	}
	if (r >= 0) {
		log_info("%s: idmapped", run->spec->mounts[i].destination);
		return;
	}
	if (!detach_group(run, i)) {
		struct err ce = {0};

		if (complete_group(run, i, &ce) >= 0) {
			log_warn("%s: idmapped after all (%s; the undo failed)",
				 run->spec->mounts[i].destination, e.msg);
			return;
		}
		log_error("%s: neither undone nor complete: %s", run->spec->mounts[i].destination,
			  ce.msg);
	}
	if (failed_at != i)
		err_wrap(&e, "carrying over a submount");
	remount_fail(run, i, r, &e);
	for (size_t k = i + 1; k < run->n; k++)
		if (run->items[k].group == i && remount_is_idmap(run, k))
			remount_fail(run, k, r, &e);
}
