/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Two steps, each visible below:
 *  1. on the host, one user namespace per distinct mapping the trees use;
 *  2. in the container, for every tree of the plan in turn: one detached
 *     clone of what the runtime mounted at its destination (open_tree on the
 *     destination's fd: exactly the runtime's submounts and flags), each
 *     mount of it given what its node says, then attached on top of the
 *     runtime's mount through the same fd, checked to be the mount that was
 *     looked at.  Nothing is ever unmounted.
 *
 * systemd's remount_idmap_fd clones all first and attaches all after; here
 * the trees are disjoint, so attaching one changes nothing another's clone
 * would see, and one volume at a time the hook holds two fds however many
 * volumes there are.
 *
 * The kernel idmaps only the root of a detached tree, and mount_setattr
 * reaches a mount below it only recursively, so a node that is not whole is
 * assembled: it is cloned alone, and each node below it is cloned (as a
 * root of its own) and moved onto its place in it (Linux 6.15+ attaches to
 * detached trees).  While it is assembled it receives and never sends:
 * nothing attached into it propagates anywhere; then it gets the runtime's
 * propagation type back.  Where the kernel cannot attach a mount to a
 * detached tree, the plan stacks such a tree on the attached one instead
 * (remount_stack.c).
 */
#include "remount.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "kver.h"
#include "log.h"
#include "mnt.h"
#include "mntns.h"
#include "pathres.h"
#include "remount_internal.h"
#include "verify.h"

static void remount_free(struct remount *rm)
{
	mntprop_free(&rm->props);
	close_fdp(&rm->root_fd);
}

/* The destination of planned mount i. */
static const char *dest_of(const struct remount *rm, size_t i)
{
	return rm->plan->mounts[i].mount->destination;
}

void remount_set(struct remount *rm, size_t i, int r, const struct err *why)
{
	struct remount_outcome *o = &rm->res->mounts[i];

	if (r >= 0) {
		*o = (struct remount_outcome){.state = REMOUNT_DONE};
		return;
	}
	o->state = REMOUNT_FAILED;
	o->why = *why;
	o->why.code = -r;
	err_add_hint(&o->why);
	if (!rm->failed) {
		rm->failed = r;
		*rm->e = o->why;
		err_wrap(rm->e, "%s", dest_of(rm, i));
	}
}

void remount_set_nodes(struct remount *rm, size_t ti, size_t from, size_t to, int r,
		       const struct err *why)
{
	const struct plan_tree *t = &rm->plan->trees[ti];

	for (size_t j = from; j < to; j++) {
		size_t i = t->nodes[j].entry;

		if (t->nodes[j].entry_mount && rm->plan->mounts[i].tree == ti)
			remount_set(rm, i, r, why);
	}
}

/* What became of tree ti's planned mounts, in the log. */
static void tree_log(const struct remount *rm, size_t ti)
{
	const struct plan_tree *t = &rm->plan->trees[ti];

	for (size_t j = 0; j < t->n; j++) {
		size_t i = t->nodes[j].entry;
		const struct remount_outcome *o = &rm->res->mounts[i];

		if (!t->nodes[j].entry_mount || rm->plan->mounts[i].tree != ti)
			continue;
		if (o->state == REMOUNT_DONE)
			log_info("%s: idmapped", dest_of(rm, i));
		else if (o->state == REMOUNT_FAILED && !rm->strict)
			log_warn("cannot idmap, mount left as the runtime made it: %s: %s",
				 dest_of(rm, i), o->why.msg);
	}
}

/* Tree ti failed (cause in why): every planned mount in it stays as the
 * runtime made it. */
static void tree_fail(struct remount *rm, size_t ti, int r, const struct err *why)
{
	remount_set_nodes(rm, ti, 0, rm->plan->trees[ti].n, r, why);
}

/* --- one node ------------------------------------------------------------- */

/* The user namespace of node n's map, or -EBADF when it gets none here. */
static int userns_of(struct remount *rm, const struct plan_node *n, struct err *e)
{
	if (n->role != PLAN_ROLE_IDMAP || n->composed)
		return -EBADF;
	return mapset_get(rm->maps, n->mapping, e);
}

/* With a composed map, the clone gets it at once (open_tree_attr: an
 * idmapped mount's clone cannot be idmapped with mount_setattr). */
int remount_clone(struct remount *rm, int live, const struct plan_node *n, int *ret_clone,
		  struct err *e)
{
	long long t0 = log_now_us();
	int userns, r;

	if (!n->composed)
		return mnt_clone(live, "", n->whole, ret_clone, e);
	userns = mapset_get(rm->maps, n->mapping, e);
	if (userns < 0)
		return userns;
	r = mnt_clone_idmapped(live, "", false, userns, ret_clone, e);
	rm->timing->idmap_us += log_now_us() - t0;
	return r;
}

/* Give clone (node n's) its map and flags: whole, to every mount of it at
 * once, then n's own extra flags to n alone; else to n alone.  Flags are
 * added, never cleared; an atime the plan names is n's alone (a whole
 * clone has none below n, plan_nodes.c). */
int remount_apply(struct remount *rm, int clone, const struct plan_node *n, struct err *e)
{
	bool below = n->whole && n->size > 1;
	long long t0 = log_now_us();
	int userns, r;

	userns = userns_of(rm, n, e);
	if (userns < 0 && userns != -EBADF)
		return userns;
	r = mnt_setattr(clone, below, below ? n->add_tree : n->add, MNT_PROPAGATION_KEEP, userns,
			e);
	if (r >= 0 && below && (n->add & ~n->add_tree))
		r = mnt_setattr(clone, false, n->add & ~n->add_tree, MNT_PROPAGATION_KEEP, -EBADF,
				e);
	if (r >= 0)
		r = mnt_set_atime(clone, n->atime, e);
	rm->timing->idmap_us += log_now_us() - t0;
	return r;
}

/* An assembled node ends with the runtime's propagation type.  It was made
 * a slave of its peer group to be assembled; shared, it becomes a peer group
 * of its own again (receiving, as the runtime's did, through the mount it
 * was cloned from when that one received from a master). */
static int restore_propagation(int clone, const struct plan_node *n, struct err *e)
{
	int r = 0;

	if (!(n->propagation & MOUNT_PROP_SHARED))
		return 0;
	if (!(n->propagation & MOUNT_PROP_SLAVE))
		r = mnt_setattr(clone, false, 0, MNT_PROPAGATION_PRIVATE, -EBADF, e);
	if (r >= 0)
		r = mnt_setattr(clone, false, 0, MNT_PROPAGATION_SHARED, -EBADF, e);
	return r;
}

static int build(struct remount *rm, const struct plan_tree *t, size_t j, int live, int *ret_clone,
		 struct err *e);

/* Node d, below node j: opened below j's live mount (live), checked to be
 * the runtime's, cloned, and attached at its place in clone (j's). */
static int place(struct remount *rm, const struct plan_tree *t, size_t d, int live, int clone,
		 struct err *e)
{
	const struct plan_node *n = &t->nodes[d];
	_cleanup_close_ int child = -EBADF, sub = -EBADF, at = -EBADF;
	struct path_info li, ai, ci;
	int r;

	r = pathres_open_beneath(live, n->rel, false, &child, e);
	if (r >= 0)
		r = pathres_info(child, &li, e);
	if (r >= 0 && (!li.is_mount_root || li.mnt_id != (uint64_t)n->id))
		r = err_msg(e, ESTALE, "%s changed while the hook ran", n->path);
	if (r >= 0)
		r = build(rm, t, d, child, &sub, e);
	/* Its place: in the clone's own filesystem, where the runtime's was. */
	if (r >= 0)
		r = pathres_open_beneath(clone, n->rel, true, &at, e);
	if (r >= 0)
		r = pathres_info(at, &ai, e);
	if (r >= 0)
		r = pathres_info(clone, &ci, e);
	if (r >= 0 && (ai.is_mount_root || ai.mnt_id != ci.mnt_id))
		r = err_msg(e, ESTALE, "%s changed while the hook ran", n->path);
	if (r >= 0 && (r = mnt_attach(sub, at, e)) == -EINVAL)
		err_set_hint(e, kver_is_older(6, 15) ? ERR_STEP_ATTACH_DETACHED : ERR_STEP_NO_HINT);
	return r < 0 ? err_wrap(e, "%s", n->path) : 0;
}

/* A detached clone of node j's live mount, its whole tree as the plan says. */
static int build(struct remount *rm, const struct plan_tree *t, size_t j, int live, int *ret_clone,
		 struct err *e)
{
	const struct plan_node *n = &t->nodes[j];
	_cleanup_close_ int clone = -EBADF;
	int r;

	r = remount_clone(rm, live, n, &clone, e);
	if (r >= 0)
		r = mntprop_keep(&rm->props, t, n, clone, e);
	/* Receive, never send: what is attached below while assembling must
	 * not propagate anywhere. */
	if (r >= 0 && !n->whole && (n->propagation & MOUNT_PROP_SHARED))
		r = mnt_setattr(clone, false, 0, MNT_PROPAGATION_SLAVE, -EBADF, e);
	if (r >= 0)
		r = remount_apply(rm, clone, n, e);
	for (size_t d = j + 1; d < j + n->size && !n->whole && r >= 0; d += t->nodes[d].size)
		r = place(rm, t, d, live, clone, e);
	if (r >= 0 && !n->whole)
		r = restore_propagation(clone, n, e);
	if (r < 0)
		return r;
	*ret_clone = TAKE_FD(clone);
	return 0;
}

/* --- one tree ------------------------------------------------------------- */

/* Tree t's destination, resolved again: still the very mount that was
 * looked at (mount id, and the root's device and inode the owner was read
 * from). */
int remount_open_dest(struct remount *rm, const struct plan_tree *t, int *ret_fd, struct err *e)
{
	_cleanup_close_ int fd = -EBADF;
	struct path_info at;
	int r;

	r = pathres_open_in_root(rm->root_fd, dest_of(rm, t->mount), &fd, e);
	if (r >= 0)
		r = pathres_info(fd, &at, e);
	if (r >= 0 &&
	    (!at.is_mount_root || at.mnt_id != t->mnt_id || at.dev != t->dev || at.ino != t->ino))
		r = err_msg(e, ESTALE, "the destination changed while the hook ran");
	if (r < 0)
		return r;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

void remount_wrap(const struct remount *rm, const struct plan_tree *t, size_t j, struct err *e)
{
	const struct spec_mount *m = rm->plan->mounts[t->nodes[j].entry].mount;

	err_wrap(e, "%s%s", m->source,
		 t->nodes[j].size == 1 ? ""
		 : m->is_recursive     ? " (rbind, with its submounts)"
				       : " (with the mounts inside it)");
}

/* Clone what is at tree t's destination and attach the clone on top of it.
 * The destination may have been swapped (for a symlink, say) since it was
 * looked at: remount_open_dest checks it still is the root of the
 * runtime's mount, and both steps go through that fd. */
static int remount_one(struct remount *rm, const struct plan_tree *t, struct err *e)
{
	_cleanup_close_ int fd = -EBADF, clone = -EBADF;
	long long t0 = log_now_us(), t1;
	int r;

	r = remount_open_dest(rm, t, &fd, e);
	if (r >= 0)
		r = build(rm, t, 0, fd, &clone, e);
	rm->timing->clone_us += log_now_us() - t0;
	/* Verify before attach: a clone that does not show the planned owner to
	 * the container user is never attached (verify.h). */
	if (r >= 0)
		r = verify_clone(rm->plan, t, clone, &rm->timing->verify_us, e);
	if (r < 0) {
		remount_wrap(rm, t, 0, e);
		return r;
	}
	t1 = log_now_us();
	r = mnt_attach(clone, fd, e);
	rm->timing->swap_us += log_now_us() - t1;
	return r;
}

/* Tree ti, assembled detached (or whole): all of it attached, or none. */
static void remount_tree(struct remount *rm, size_t ti)
{
	struct err e = {0};
	int r;

	r = remount_one(rm, &rm->plan->trees[ti], &e);
	if (r < 0) {
		mntprop_close(&rm->props);
		tree_fail(rm, ti, r, &e);
		return;
	}
	remount_set_nodes(rm, ti, 0, rm->plan->trees[ti].n, 0, NULL);
	/* Attached: a failure now is said, and fails a strict start. */
	if ((r = mntprop_restore(&rm->props, &e)) < 0) {
		if (!rm->strict) /* else the one error line (hook_outcome) */
			log_warn("%s: %s", dest_of(rm, rm->plan->trees[ti].mount), e.msg);
		if (!rm->failed) {
			rm->failed = r;
			*rm->e = e;
		}
	}
}

static void remount_all(struct remount *rm)
{
	for (size_t ti = 0; ti < rm->plan->n_trees && !(rm->strict && rm->failed); ti++) {
		if (rm->plan->trees[ti].stacked)
			remount_stack(rm, ti);
		else
			remount_tree(rm, ti);
		tree_log(rm, ti);
	}
}

/* --- the flow ------------------------------------------------------------- */

/* Every tree falls back with the same cause. */
static void fail_all(struct remount *rm, int r, const struct err *why)
{
	for (size_t ti = 0; ti < rm->plan->n_trees; ti++) {
		tree_fail(rm, ti, r, why);
		tree_log(rm, ti);
	}
}

/* In the container: the rootfs, then every tree. */
static void in_container(struct remount *rm)
{
	struct err e = {0};

	rm->root_fd = open(rm->plan->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rm->root_fd < 0)
		fail_all(rm, err_set(&e, errno, "open rootfs %s", rm->plan->root_path), &e);
	else
		remount_all(rm);
}

int remount_execute(const struct plan *plan, const struct mntns *ns, struct mapset *maps,
		    bool strict, struct remount_result *ret_result, struct remount_timing *timing,
		    struct err *e)
{
	_cleanup_(remount_free) struct remount rm = {.plan = plan,
						     .maps = maps,
						     .root_fd = -EBADF,
						     .strict = strict,
						     .timing = timing,
						     .e = e};
	struct remount_result res = {.n = plan->n_mounts};
	struct err ne = {0};
	long long t0;
	int r;

	*ret_result = (struct remount_result){0};
	if (plan->n_trees == 0)
		return 0;
	t0 = log_now_us();
	res.mounts = calloc_array(res.n, sizeof(*res.mounts));
	if (!res.mounts || mapset_open(plan, maps) < 0) {
		free(res.mounts);
		return err_set(e, ENOMEM, "remount");
	}
	*ret_result = res;
	rm.res = ret_result;
	timing->userns_us += log_now_us() - t0;
	r = mntns_enter(ns, &ne);
	if (r < 0) {
		fail_all(&rm, r, &ne);
		return strict ? rm.failed : 0;
	}
	in_container(&rm);
	r = mntns_leave(ns, &ne);
	if (r < 0) {
		*e = ne;
		return r; /* cannot happen short of a kernel bug; never carry on */
	}
	return strict ? rm.failed : 0;
}

bool remount_is_done(const struct remount_result *r, const struct plan *plan, size_t i,
		     const char **ret_why)
{
	const struct plan_mount *pm = &plan->mounts[i];
	const struct remount_outcome *o = i < r->n ? &r->mounts[i] : NULL;

	if (pm->action != PLAN_IDMAP)
		return false;
	if (o && o->state == REMOUNT_DONE)
		return true;
	*ret_why = !o || pm->tree == PLAN_NO_NODE ? "not done: the hook did not act"
		   : o->state == REMOUNT_FAILED	  ? o->why.msg
						  : "not tried: an earlier mount failed";
	return false;
}

void remount_result_free(struct remount_result *r)
{
	free(r->mounts);
	*r = (struct remount_result){0};
}
