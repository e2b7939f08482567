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
#include "remount_internal.h"
#include "userns.h"

/* A step failed for mount i (cause in why): the mount falls back. */
void remount_fail(struct run *run, size_t i, int r, struct err *why)
{
	struct plan_mount *pm = &run->plan->mounts[i];
	struct err e = *why, shown;

	e.code = -r;
	err_wrap(&e, "%s", pm->mount->destination);
	shown = e;
	err_add_hint(&shown);
	log_warn("cannot idmap, mount left as the runtime made it: %s", shown.msg);
	plan_fall_back(pm, "%s", shown.msg);
	if (!run->failed) {
		run->failed = r;
		*run->e = e;
	}
	close_fdp(&run->items[i].clone_fd);
	run->items[i].clone_fd = -EBADF;
}

bool remount_is_idmap(const struct run *run, size_t i)
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
	r = mnt_setattr(it->clone_fd, m->is_recursive, m->flags, (int)m->propagation, userns_fd, e);
	run->timing->idmap_us += log_now_us() - t0;
	/* Recursive: one mount of the tree that cannot be idmapped fails them all. */
	if (r < 0)
		return err_wrap(e, "%s%s", m->source,
				m->is_recursive ? " (rbind, with its submounts)" : "");
	return 0;
}

/* One user namespace per distinct mapping, shared by its mounts. */
static void prepare_mapping(struct run *run, size_t mapping)
{
	_cleanup_close_ int userns_fd = -EBADF;
	struct err ue = {0};
	long long t0 = log_now_us();
	int ur;

	ur = userns_open_async(&run->plan->mappings[mapping].uid_map,
			       &run->plan->mappings[mapping].gid_map, &userns_fd,
			       &run->holders[run->n_holders], &ue);
	if (ur >= 0)
		run->n_holders++;
	run->timing->userns_us += log_now_us() - t0;
	for (size_t i = 0; i < run->n && !should_stop(run); i++) {
		struct err e = ue;
		int r = ur;

		if (!remount_is_idmap(run, i) || run->plan->mounts[i].mapping != mapping)
			continue;
		if (r >= 0)
			r = make_idmapped_clone(run, i, userns_fd, &e);
		if (r < 0)
			remount_fail(run, i, r, &e);
	}
}

/* What is at every destination from the first idmapped one on (no earlier
 * mount can lie on top of it), looked up once before anything is attached:
 * grouping and the target checks below need no further lookups. */
static void locate_all(struct run *run)
{
	size_t first = 0;

	while (first < run->n && !remount_is_idmap(run, first))
		first++;
	for (size_t k = first; k < run->n; k++) {
		struct item *it = &run->items[k];
		_cleanup_close_ int fd = -EBADF;
		struct err e = {0};

		it->at_err =
		    pathres_open_in_root(run->root_fd, run->spec->mounts[k].destination, &fd, &e);
		if (it->at_err < 0)
			continue;
		it->at_err = pathres_info(fd, &it->at, &e);
		it->at_err_statx = it->at_err < 0;
		it->at_mount = it->at_err >= 0 && it->at.is_mount_root;
	}
}

/* Container side: the runtime's mount of the source must be at the destination. */
static void find_target(struct run *run, size_t i)
{
	const struct spec_mount *m = run->plan->mounts[i].mount;
	struct item *it = &run->items[i];
	struct err e = {0};
	int r = 0;

	if (it->at_err < 0 && it->at_err != -ENOENT)
		r = it->at_err_statx
			? err_set(&e, -it->at_err, "statx")
			: err_set(&e, -it->at_err, "resolve %s in the rootfs", m->destination);
	else if (!it->at_mount)
		r = err_msg(&e, ENOENT, "no mount at the destination (a later mount covers it)");
	else if (it->at.dev != it->src.dev || it->at.ino != it->src.ino)
		r = err_msg(&e, ESTALE,
			    "the mount at the destination is not the runtime's mount of %s",
			    m->source);
	if (r < 0) {
		remount_fail(run, i, r, &e);
		return;
	}
	it->target_mnt = it->at.mnt_id;
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
	locate_all(run);
	for (size_t i = 0; i < run->n && !should_stop(run); i++)
		if (run->items[i].clone_fd >= 0)
			find_target(run, i);
	for (size_t i = 0; i < run->n && !should_stop(run); i++)
		if (remount_is_idmap(run, i) && run->items[i].group == NO_GROUP)
			remount_form_group(run, i);
	for (size_t i = 0; i < run->n && !should_stop(run); i++)
		if (run->items[i].group == i && remount_is_idmap(run, i))
			remount_swap_group(run, i);
}

/* Every idmap entry falls back with the same cause. */
static void fail_all(struct run *run, int r, struct err *why)
{
	for (size_t i = 0; i < run->n; i++)
		if (remount_is_idmap(run, i))
			remount_fail(run, i, r, why);
}

static void run_free(struct run *run)
{
	for (size_t i = 0; i < run->n_holders; i++)
		userns_holder_freep(&run->holders[i]);
	free(run->holders);
	for (size_t i = 0; run->items && i < run->n; i++)
		close_fdp(&run->items[i].clone_fd);
	free(run->items);
	close_fdp(&run->root_fd);
	mountinfo_free(&run->table);
}

int remount_execute(const struct oci_spec *spec, struct plan *plan, pid_t pid, bool strict,
		    struct remount_timing *timing, struct err *e)
{
	struct run run = {.spec = spec,
			  .plan = plan,
			  .n = plan->n_mounts,
			  .root_fd = -EBADF,
			  .strict = strict,
			  .timing = timing,
			  .e = e};
	_cleanup_close_ int home = -EBADF;
	struct err ne = {0};
	int r;

	if (plan_count(plan, PLAN_IDMAP) == 0)
		return 0;
	run.items = calloc(run.n, sizeof(*run.items));
	run.holders = calloc(plan->n_mappings, sizeof(*run.holders));
	if (!run.items || !run.holders) {
		run_free(&run);
		return err_set(e, ENOMEM, "remount");
	}
	for (size_t i = 0; i < run.n; i++)
		run.items[i] = (struct item){.clone_fd = -EBADF, .group = NO_GROUP};
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
