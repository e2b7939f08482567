/* SPDX-License-Identifier: Apache-2.0 */
#include "remount.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "mnt.h"
#include "mntns.h"
#include "mountinfo.h"
#include "pathres.h"
#include "userns.h"

#define NO_GROUP SIZE_MAX

/* Per spec mount: the clone to attach and where it belongs. */
struct item {
	int clone_fd;         /* detached clone, or -EBADF */
	struct path_info src; /* the clone's root: the source as the host sees it */
	uint64_t target_mnt;  /* the runtime's mount at the destination */
	size_t group;         /* index of the group's first mount, or NO_GROUP */
	bool attached;
};

struct run {
	const struct oci_spec *spec;
	struct plan *plan;
	struct item *items;
	size_t n;
	int root_fd; /* the rootfs, inside the container's mount namespace */
	struct mount_table table;
	bool strict;
	struct remount_timing *timing;
	struct err *e; /* the first failure, returned in strict mode */
	int failed;
};

/* A step failed for mount i (cause in why): the mount falls back. */
static void fail(struct run *run, size_t i, int r, struct err *why)
{
	struct plan_mount *pm = &run->plan->mounts[i];
	const char *hint = err_hint(-r);
	struct err e = *why;

	err_wrap(&e, "%s", pm->mount->destination);
	log_msg(err_is_unsupported(-r) || r == -ENOENT ? LOG_INFO : LOG_WARN,
		"cannot idmap, mount left as the runtime made it: %s%s%s%s", e.msg,
		hint ? " (" : "", hint ? hint : "", hint ? ")" : "");
	plan_fall_back(pm, "%s%s%s%s", e.msg, hint ? " (" : "", hint ? hint : "",
		       hint ? ")" : "");
	if (!run->failed) {
		run->failed = r;
		*run->e = e;
	}
	close_fdp(&run->items[i].clone_fd);
	run->items[i].clone_fd = -EBADF;
}

static bool is_idmap(const struct run *run, size_t i)
{
	return run->plan->mounts[i].action == PLAN_IDMAP;
}

static bool should_stop(const struct run *run)
{
	return run->strict && run->failed;
}

/* Host side: a detached clone of the source, idmapped through userns_fd. */
static int make_idmapped_clone(struct run *run, size_t i, int userns_fd, struct err *e)
{
	const struct spec_mount *m = run->plan->mounts[i].mount;
	struct item *it = &run->items[i];
	long long t0 = log_now_us();
	int r;

	r = mnt_clone(AT_FDCWD, m->source, m->is_recursive, &it->clone_fd, e);
	if (r >= 0)
		r = pathres_info(it->clone_fd, &it->src, e);
	run->timing->clone_us += log_now_us() - t0;
	if (r < 0)
		return err_wrap(e, "%s", m->source);
	t0 = log_now_us();
	r = mnt_setattr(it->clone_fd, m->is_recursive, m->attr_set, (int)m->propagation,
			userns_fd, e);
	run->timing->idmap_us += log_now_us() - t0;
	if (r < 0)
		return err_wrap(e, "%s", m->source);
	return 0;
}

/* One user namespace per distinct mapping, shared by its mounts. */
static void prepare_mapping(struct run *run, size_t mapping)
{
	_cleanup_close_ int userns_fd = -EBADF;
	struct err ue = { 0 };
	long long t0 = log_now_us();
	int ur;

	ur = userns_open(&run->plan->mappings[mapping], &userns_fd, &ue);
	run->timing->userns_us += log_now_us() - t0;
	for (size_t i = 0; i < run->n && !should_stop(run); i++) {
		struct err e = ue;
		int r = ur;

		if (!is_idmap(run, i) || run->plan->mounts[i].mapping != mapping)
			continue;
		if (r >= 0)
			r = make_idmapped_clone(run, i, userns_fd, &e);
		if (r < 0)
			fail(run, i, r, &e);
	}
}

/* Container side: the runtime's mount of the source must be at the destination. */
static void find_target(struct run *run, size_t i)
{
	const struct spec_mount *m = run->plan->mounts[i].mount;
	struct item *it = &run->items[i];
	_cleanup_close_ int fd = -EBADF;
	struct path_info dst;
	struct err e = { 0 };
	int r;

	r = pathres_open_in_root(run->root_fd, m->destination, &fd, &e);
	if (r == -ENOENT)
		r = err_msg(&e, ENOENT, "no mount at the destination (a later mount covers it)");
	if (r >= 0)
		r = pathres_info(fd, &dst, &e);
	if (r >= 0 && !dst.is_mount_root)
		r = err_msg(&e, ENOENT, "no mount at the destination (a later mount covers it)");
	else if (r >= 0 && (dst.dev != it->src.dev || dst.ino != it->src.ino))
		r = err_msg(&e, ESTALE, "the mount at the destination is not the runtime's mount of %s",
			    m->source);
	if (r < 0) {
		fail(run, i, r, &e);
		return;
	}
	it->target_mnt = dst.mnt_id;
}

/* The runtime's mount at mount k's destination, if any. */
static bool mount_at(const struct run *run, size_t k, struct path_info *ret_info, int *ret_fd)
{
	struct err e = { 0 };
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
	int prop = m->propagation == PROPAGATION_DEFAULT ? MNT_PROPAGATION_KEEP
							 : (int)m->propagation;
	int r;

	it->group = i;
	if (it->clone_fd >= 0)
		return 0;
	r = mnt_clone(fd, "", m->is_recursive, &it->clone_fd, e);
	if (r >= 0)
		r = mnt_setattr(it->clone_fd, m->is_recursive, m->attr_set, prop, -1, e);
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
			covered = run->items[k].group == i &&
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
		if (!is_idmap(run, k)) {
			close_fdp(&run->items[k].clone_fd);
			run->items[k].clone_fd = -EBADF;
		}
	}
}

static void form_group(struct run *run, size_t i)
{
	struct err e = { 0 };
	int r = 0;

	run->items[i].group = i;
	for (size_t k = i + 1; k < run->n && r >= 0; k++) {
		_cleanup_close_ int fd = -EBADF;
		struct path_info info;

		if (!mount_at(run, k, &info, &fd) ||
		    !mountinfo_is_below(&run->table, (int)info.mnt_id, (int)run->items[i].target_mnt))
			continue;
		run->items[k].target_mnt = info.mnt_id;
		r = adopt_member(run, i, k, fd, &e);
	}
	if (r >= 0 && !run->spec->mounts[i].is_recursive && !group_covers_table(run, i))
		r = err_msg(&e, EBUSY, "has submounts that config.json does not list");
	if (r < 0) {
		ungroup(run, i);
		run->items[i].group = NO_GROUP;
		fail(run, i, r, &e);
	}
}

/* Attach mount k's clone where its destination now resolves. */
static int attach(struct run *run, size_t k, struct err *e)
{
	_cleanup_close_ int fd = -EBADF;
	long long t0 = log_now_us();
	int r;

	r = pathres_open_in_root(run->root_fd, run->spec->mounts[k].destination, &fd, e);
	if (r >= 0)
		r = mnt_attach(run->items[k].clone_fd, fd, e);
	run->timing->swap_us += log_now_us() - t0;
	if (r < 0)
		return err_wrap(e, "%s", run->spec->mounts[k].destination);
	run->items[k].attached = true;
	return 0;
}

/* Undo a group that could not be completed: its members come off in reverse. */
static void detach_group(struct run *run, size_t i)
{
	for (size_t k = run->n; k-- > i;) {
		struct item *it = &run->items[k];
		struct err e = { 0 };

		if (it->group != i || !it->attached)
			continue;
		if (mnt_detach(it->clone_fd, &e) < 0)
			log_warn("undo %s: %s", run->spec->mounts[k].destination, e.msg);
		it->attached = false;
	}
}

static void swap_group(struct run *run, size_t i)
{
	struct err e = { 0 };
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
	detach_group(run, i);
	if (failed_at != i)
		err_wrap(&e, "carrying over a submount");
	fail(run, i, r, &e);
	for (size_t k = i + 1; k < run->n; k++)
		if (run->items[k].group == i && is_idmap(run, k))
			fail(run, k, r, &e);
}

static int enter_container(struct run *run, pid_t pid, int *ret_home, struct err *e)
{
	int r;

	r = mntns_enter(pid, ret_home, e);
	if (r < 0)
		return r;
	run->root_fd = open(run->spec->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (run->root_fd < 0)
		return err_set(e, errno, "open rootfs %s", run->spec->root_path);
	return mountinfo_read("/proc/self/mountinfo", &run->table, e);
}

static void in_container(struct run *run)
{
	for (size_t i = 0; i < run->n && !should_stop(run); i++)
		if (run->items[i].clone_fd >= 0)
			find_target(run, i);
	for (size_t i = 0; i < run->n && !should_stop(run); i++)
		if (is_idmap(run, i) && run->items[i].group == NO_GROUP)
			form_group(run, i);
	for (size_t i = 0; i < run->n && !should_stop(run); i++)
		if (run->items[i].group == i && is_idmap(run, i))
			swap_group(run, i);
}

/* Every idmap entry falls back with the same cause. */
static void fail_all(struct run *run, int r, struct err *why)
{
	for (size_t i = 0; i < run->n; i++)
		if (is_idmap(run, i))
			fail(run, i, r, why);
}

static void run_free(struct run *run)
{
	for (size_t i = 0; i < run->n; i++)
		close_fdp(&run->items[i].clone_fd);
	free(run->items);
	close_fdp(&run->root_fd);
	mountinfo_free(&run->table);
}

int remount_execute(const struct oci_spec *spec, struct plan *plan, pid_t pid, bool strict,
		    struct remount_timing *timing, struct err *e)
{
	struct run run = { .spec = spec, .plan = plan, .n = plan->n_mounts, .root_fd = -EBADF,
			   .strict = strict, .timing = timing, .e = e };
	_cleanup_close_ int home = -EBADF;
	struct err ne = { 0 };
	int r;

	if (plan_count(plan, PLAN_IDMAP) == 0)
		return 0;
	run.items = calloc(run.n, sizeof(*run.items));
	if (!run.items)
		return err_set(e, ENOMEM, "remount");
	for (size_t i = 0; i < run.n; i++)
		run.items[i] = (struct item){ .clone_fd = -EBADF, .group = NO_GROUP };
	for (size_t k = 0; k < plan->n_mappings && !should_stop(&run); k++)
		prepare_mapping(&run, k);
	if (!should_stop(&run)) {
		r = enter_container(&run, pid, &home, &ne);
		if (r < 0)
			fail_all(&run, r, &ne);
		else
			in_container(&run);
	}
	if (home >= 0) {
		r = mntns_leave(TAKE_FD(home), &ne);
		if (r < 0) {
			run_free(&run);
			*e = ne;
			return r; /* cannot happen short of a kernel bug; never carry on */
		}
	}
	run_free(&run);
	return strict ? run.failed : 0;
}
