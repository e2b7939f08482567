/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A tree stacked on the attached tree, where the kernel cannot attach a
 * mount to a detached one (before Linux 6.15: the plan tried, plan_kernel.c)
 * and some mount of the tree needs another map or other flags than the
 * mount above it.  Nothing newer than idmapped mounts is needed:
 *
 *  1. the top: a clone of what the runtime mounted at the destination, with
 *     copies of every mount below it (open_tree, recursive), its own map
 *     given to its root alone; verified, attached on the runtime's mount;
 *  2. then, in the runtime's order, each mount below, found twice: the
 *     runtime's (checked to be the one the plan names) and its copy in the
 *     attached clone (checked to be a copy of it): a mount to be idmapped
 *     is a layer of its own, a clone of the runtime's mount made and
 *     verified the same way, attached on its copy; a copy left as it is
 *     gets what the runtime would still give its mount (crun's deferred
 *     read-only, ...), and, where the attach onto a shared destination made
 *     it shared, its own propagation type back.
 *
 * The intermediate states show nothing the runtime did not make: every
 * copy is the runtime's mount as the hook found it until its layer is
 * stacked on it.  A nested volume whose layer cannot be made or attached
 * is left as its copy (as the runtime made it), with its own reason; the
 * rest of the tree stays remapped.  Anything else that fails once the top
 * is attached takes the top away again (what it covered shows again), and
 * the whole tree is left as the runtime made it.  No layer is attached on
 * a shared copy (the plan leaves such a volume alone): nothing propagates.
 */
#include <stdlib.h>

#include "cleanup.h"
#include "log.h"
#include "mnt.h"
#include "pathres.h"
#include "remount_internal.h"
#include "verify.h"

struct stack {
	struct remount *rm;
	size_t ti;
	const struct plan_tree *t;
	bool top_shared; /* the destination is shared: attaching made every copy shared */
};

/* Node j's layer: a clone of live (the runtime's mount) with copies of the
 * mounts below it, j's map and flags given (to all of it when j is whole),
 * and verified before it is attached. */
static int layer_make(struct stack *s, size_t j, int live, int *ret_clone, struct err *e)
{
	const struct plan_node *n = &s->t->nodes[j];
	struct remount *rm = s->rm;
	_cleanup_close_ int clone = -EBADF;
	long long t0 = log_now_us();
	int r;

	/* A composed node is whole here (the plan sees to it): alone, or all. */
	r = n->composed ? remount_clone(rm, live, n, &clone, e)
			: mnt_clone(live, "", true, &clone, e);
	if (r >= 0)
		r = remount_apply(rm, clone, n, e);
	rm->timing->clone_us += log_now_us() - t0;
	if (r >= 0)
		r = verify_layer(rm->plan, s->t, j, clone, &rm->timing->verify_us, e);
	if (r < 0)
		return r;
	*ret_clone = TAKE_FD(clone);
	return 0;
}

static int layer_attach(struct stack *s, int clone, int place, struct err *e)
{
	long long t0 = log_now_us();
	int r = mnt_attach(clone, place, e);

	s->rm->timing->swap_us += log_now_us() - t0;
	return r;
}

/* The mount of node n below the runtime's mount of its parent (live) and its
 * copy below the parent's copy (copy), each checked. */
static int open_pair(const struct plan_node *n, int live, int copy, int *ret_live, int *ret_copy,
		     struct err *e)
{
	_cleanup_close_ int l = -EBADF, c = -EBADF;
	struct path_info li, ci;
	int r;

	r = pathres_open_beneath(live, n->rel, false, &l, e);
	if (r >= 0)
		r = pathres_info(l, &li, e);
	if (r >= 0 && (!li.is_mount_root || li.mnt_id != (uint64_t)n->id))
		r = err_msg(e, ESTALE, "the runtime's mount changed while the hook ran");
	if (r >= 0)
		r = pathres_open_beneath(copy, n->rel, false, &c, e);
	if (r >= 0)
		r = pathres_info(c, &ci, e);
	if (r >= 0 &&
	    (!ci.is_mount_root || ci.mnt_id == li.mnt_id || ci.dev != li.dev || ci.ino != li.ino))
		r = err_msg(e, ESTALE, "its copy in the clone above it is not the runtime's mount");
	if (r < 0)
		return r;
	*ret_live = TAKE_FD(l);
	*ret_copy = TAKE_FD(c);
	return 0;
}

static int below(struct stack *s, size_t j, int live, int copy, bool in_top, bool left,
		 struct err *e);

/* Node d's layer, stacked on place (its copy): 1 attached (and everything
 * below it done), 0 not (its planned mounts are left as the runtime made
 * them, saying why), < 0 a failure the tree cannot be left with. */
static int stack_layer(struct stack *s, size_t d, int live, int place, struct err *e)
{
	const struct plan_node *n = &s->t->nodes[d];
	_cleanup_close_ int clone = -EBADF;
	struct err le = {0};
	int r;

	r = layer_make(s, d, live, &clone, &le);
	if (r >= 0)
		r = layer_attach(s, clone, place, &le);
	if (r < 0) {
		remount_wrap(s->rm, s->t, d, &le);
		/* An rbind's own submount is part of its volume: all or nothing. */
		if (!n->entry_mount) {
			*e = le;
			return r;
		}
		remount_set_nodes(s->rm, s->ti, d, d + n->size, r, &le);
		return 0;
	}
	remount_set_nodes(s->rm, s->ti, d, n->whole ? d + n->size : d + 1, 0, NULL);
	if (!n->whole && (r = below(s, d, live, clone, false, false, e)) < 0)
		return r;
	return 1;
}

/* The mounts below node j, whose runtime mount is live and whose copy (or
 * layer) is copy: each given what it ends with.  in_top: copy is in the
 * top's layer; left: j is left as the runtime made it, and all below it. */
static int below(struct stack *s, size_t j, int live, int copy, bool in_top, bool left,
		 struct err *e)
{
	const struct plan_tree *t = s->t;

	for (size_t d = j + 1; d < j + t->nodes[j].size; d += t->nodes[d].size) {
		const struct plan_node *n = &t->nodes[d];
		_cleanup_close_ int live_d = -EBADF, copy_d = -EBADF;
		int r;

		r = open_pair(n, live, copy, &live_d, &copy_d, e);
		if (r >= 0 && in_top && s->top_shared && !(n->propagation & MOUNT_PROP_SHARED))
			r = mntprop_give_back(copy_d, n, e);
		if (r >= 0 && !left && n->role == PLAN_ROLE_IDMAP &&
		    (r = stack_layer(s, d, live_d, copy_d, e)) != 0) {
			if (r < 0)
				return r;
			continue;
		}
		if (r >= 0)
			r = mnt_setattr(copy_d, false, n->add, MNT_PROPAGATION_KEEP, -EBADF, e);
		/* crun's remount after the hooks reaches the runtime's mount, not
		 * this copy: the copy gets the atime it would have given, as a
		 * clone does (remount_apply). */
		if (r >= 0)
			r = mnt_set_atime(copy_d, n->atime, e);
		if (r < 0)
			return err_wrap(e, "%s", n->path);
		r = below(s, d, live_d, copy_d, in_top, left || n->role == PLAN_ROLE_IDMAP, e);
		if (r < 0)
			return r;
	}
	return 0;
}

void remount_stack(struct remount *rm, size_t ti)
{
	const struct plan_tree *t = &rm->plan->trees[ti];
	struct stack s = {rm, ti, t, t->nodes[0].propagation & MOUNT_PROP_SHARED};
	_cleanup_close_ int dest = -EBADF, top = -EBADF;
	struct err e = {0}, de = {0};
	int r;

	r = remount_open_dest(rm, t, &dest, &e);
	if (r >= 0)
		r = layer_make(&s, 0, dest, &top, &e);
	if (r >= 0)
		r = layer_attach(&s, top, dest, &e);
	if (r < 0) {
		remount_wrap(rm, t, 0, &e);
		remount_set_nodes(rm, ti, 0, t->n, r, &e);
		return;
	}
	remount_set_nodes(rm, ti, 0, 1, 0, NULL);
	r = below(&s, 0, dest, top, true, false, &e);
	if (r >= 0)
		return;
	remount_wrap(rm, t, 0, &e);
	if (mnt_detach(top, &de) < 0)
		err_wrap(&e, "left partly remapped: its clone could not be taken away (%s)",
			 de.msg);
	remount_set_nodes(rm, ti, 0, t->n, r, &e);
}
