/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Two steps, each visible below:
 *  1. on the host, one user namespace per distinct mapping;
 *  2. in the container, for every outermost planned mount in turn: one
 *     recursive detached clone of what the runtime mounted at its
 *     destination (open_tree on the destination's fd: exactly the runtime's
 *     submounts and flags), each mount of it given what is planned for it,
 *     then attached on top of the runtime's mount through the same fd,
 *     checked to be the mount that was looked at.  Nothing is ever unmounted.
 *
 * systemd's remount_idmap_fd clones all first and attaches all after; here
 * the outermost planned mounts' trees are disjoint, so attaching one changes
 * nothing another's clone would see, and one volume at a time the hook
 * holds two fds however many volumes there are.
 *
 * What each mount of a clone gets is its role (roles.h).  The kernel idmaps
 * only the root of a detached tree, so a tree whose mounts need different things
 * is assembled: each part is cloned and set as a root of its own, then
 * moved onto its place in the clone above it (Linux 6.15+ attaches to
 * detached trees; before, such a tree falls back).
 */
#include "remount.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "kver.h"
#include "log.h"
#include "mapset.h"
#include "mnt.h"
#include "mnt_compose.h"
#include "mntns.h"
#include "roles.h"
#include "pathres.h"
#include "verify.h"

struct remount {
	const struct oci_spec *spec;
	struct plan *plan;
	const struct mount_facts *facts;
	const struct facts_view *view;
	const struct mount_table *table;
	struct roles roles; /* what each mount of the container's tree gets */
	struct mapset maps; /* the user namespaces, one per mapping */
	bool *outermost;    /* per spec mount: planned, and in no other planned mount's tree */
	bool strict;
	struct remount_timing *timing;
	struct err *e; /* the first failure, returned in strict mode */
	int failed;
};

static void remount_free(struct remount *rm)
{
	free(rm->outermost);
	mapset_free(&rm->maps);
	roles_free(&rm->roles);
}

static bool is_idmap(const struct remount *rm, size_t i)
{
	return roles_is_idmap(&rm->roles, i);
}

static bool should_stop(const struct remount *rm)
{
	return rm->strict && rm->failed;
}

/* A step failed for mount i (cause in why): the mount falls back. */
static void remount_fail(struct remount *rm, size_t i, int r, const struct err *why)
{
	struct plan_mount *pm = &rm->plan->mounts[i];
	struct err e = *why;

	e.code = -r;
	err_wrap(&e, "%s", pm->mount->destination);
	err_add_hint(&e);
	log_warn("cannot idmap, mount left as the runtime made it: %s", e.msg);
	plan_fall_back(pm, "%s", e.msg);
	if (!rm->failed) {
		rm->failed = r;
		*rm->e = e;
	}
}

/* --- clone ---------------------------------------------------------------- */

/* Propagation of a clone: it keeps the runtime's (a clone joins the peer
 * group and master of what it clones), except where config.json names one
 * that cannot carry events out of the container. */
static enum mnt_propagation clone_propagation(const struct spec_mount *m)
{
	switch (m->propagation) {
	case PROPAGATION_PRIVATE:
		return MNT_PROPAGATION_PRIVATE;
	case PROPAGATION_SLAVE:
		return MNT_PROPAGATION_SLAVE;
	case PROPAGATION_UNBINDABLE:
		return MNT_PROPAGATION_UNBINDABLE;
	case PROPAGATION_DEFAULT:
	case PROPAGATION_SHARED:
		break;
	}
	return MNT_PROPAGATION_KEEP;
}

/* A clone of the idmapped mount live (table entry k, alone) with its
 * composed map in place of its own. */
static int compose_clone(struct remount *rm, int live, size_t k, enum role role, size_t i,
			 int *ret_clone, struct err *e)
{
	long long t0 = log_now_us();
	int userns, r;

	userns = mapset_get(&rm->maps, roles_mapping(&rm->roles, k, role, i), e);
	if (userns < 0)
		return userns;
	r = mnt_compose_clone(live, "", false, userns, ret_clone, e);
	rm->timing->idmap_us += log_now_us() - t0;
	return r;
}

/* Give clone (a detached tree's root, table entry k) what role asks for
 * mount i: on it alone, or (recursive) on every mount of the tree. */
static int apply(struct remount *rm, int clone, size_t k, enum role role, size_t i, bool recursive,
		 struct err *e)
{
	const struct spec_mount *m;
	long long t0 = log_now_us();
	int userns, r;

	if (role == ROLE_KEEP)
		return 0;
	m = rm->plan->mounts[i].mount;
	userns = mapset_get(&rm->maps, roles_mapping(&rm->roles, k, role, i), e);
	if (userns < 0)
		return userns;
	if (roles_is_composed(&rm->roles, role, i))
		userns = -EBADF; /* the clone has its map already (compose_clone) */
	/* The clone has every flag the runtime set before the hooks.  Added, never
	 * cleared: nosuid always (setuid, setgid and file capabilities are not
	 * honoured through a remapped volume), and read-only, which crun applies
	 * only after the hooks, on its own mount (rro on its whole tree). */
	r = mnt_setattr(clone, recursive, (m->flags_tree & MOUNT_FLAG_RDONLY) | MOUNT_FLAG_NOSUID,
			clone_propagation(m), userns, e);
	/* Plain ro is for the top mount only (runc's rbind,ro leaves submounts rw). */
	if (r >= 0 && role == ROLE_TOP && (m->flags & MOUNT_FLAG_RDONLY))
		r = mnt_setattr(clone, false, MOUNT_FLAG_RDONLY, MNT_PROPAGATION_KEEP, -EBADF, e);
	rm->timing->idmap_us += log_now_us() - t0;
	return r;
}

static int build(struct remount *rm, int live, size_t k, int *ret_clone, struct err *e);

/* Child kc of the mount live (table entry k): clone it as a root of its own
 * and attach it at its place in clone (a clone of k alone). */
static int place(struct remount *rm, int live, size_t k, size_t kc, int clone, struct err *e)
{
	const struct mount_entry *me = &rm->table->entries[kc];
	_cleanup_close_ int child = -EBADF, sub = -EBADF, at = -EBADF;
	struct path_info li, ai, ci;
	const char *rel;
	int r;

	if (mounttree_relative(rm->table->entries[k].target, me->target, &rel) < 0 || !*rel)
		return err_msg(e, EBUSY, "%s: mounts stacked inside the tree", me->target);
	r = pathres_open_beneath(live, rel, false, &child, e);
	if (r >= 0)
		r = pathres_info(child, &li, e);
	if (r >= 0 && (!li.is_mount_root || li.mnt_id != (uint64_t)me->id))
		r = err_msg(e, ESTALE, "%s changed while the hook ran", me->target);
	if (r >= 0)
		r = build(rm, child, kc, &sub, e);
	/* Its place: in the clone's own filesystem, where the runtime's was. */
	if (r >= 0)
		r = pathres_open_beneath(clone, rel, true, &at, e);
	if (r >= 0)
		r = pathres_info(at, &ai, e);
	if (r >= 0)
		r = pathres_info(clone, &ci, e);
	if (r >= 0 && (ai.is_mount_root || ai.mnt_id != ci.mnt_id))
		r = err_msg(e, ESTALE, "%s changed while the hook ran", me->target);
	if (r >= 0 && (r = mnt_attach(sub, at, e)) == -EINVAL)
		err_set_hint(e, kver_is_older(6, 15) ? "attaching a mount to a detached tree needs "
						       "Linux 6.15"
						     : ERR_NO_HINT);
	return r < 0 ? err_wrap(e, "%s", me->target) : 0;
}

/* A detached clone of the live mount (table entry k) with its whole tree,
 * each mount of it given what its role asks. */
static int build(struct remount *rm, int live, size_t k, int *ret_clone, struct err *e)
{
	_cleanup_close_ int clone = -EBADF;
	size_t i, first, end;
	enum role role = roles_of(&rm->roles, k, &i);
	bool uniform = roles_is_uniform(&rm->roles, k, role, i);
	int r;

	/* Uniform: the whole tree in one clone.  Else the mount alone, and each
	 * mount below it placed on it as a clone of its own (kept ones exactly). */
	if (role != ROLE_KEEP && roles_is_composed(&rm->roles, role, i))
		r = compose_clone(rm, live, k, role, i, &clone, e);
	else
		r = mnt_clone(live, "", uniform, &clone, e);
	if (r < 0)
		return r;
	mounttree_children(&rm->roles.tree, k, &first, &end);
	if (uniform) {
		r = apply(rm, clone, k, role, i, first < end, e);
	} else {
		/* Receive, never send: what is attached below while assembling must
		 * not propagate anywhere. */
		r = mnt_setattr(clone, false, 0, MNT_PROPAGATION_SLAVE, -EBADF, e);
		if (r >= 0)
			r = apply(rm, clone, k, role, i, false, e);
		for (size_t c = first; c < end && r >= 0; c++)
			r = place(rm, live, k, rm->roles.tree.by_parent[c], clone, e);
	}
	if (r < 0)
		return r;
	*ret_clone = TAKE_FD(clone);
	return 0;
}

/* Destination i, resolved again: still the very mount that was looked at
 * (mount id, and the root's device and inode the owner was read from). */
static int open_dest(struct remount *rm, size_t i, int *ret_fd, struct err *e)
{
	const struct mount_facts *f = &rm->facts[i];
	_cleanup_close_ int fd = -EBADF;
	struct path_info at;
	int r;

	r = pathres_open_in_root(rm->view->root_fd, rm->spec->mounts[i].destination, &fd, e);
	if (r >= 0)
		r = pathres_info(fd, &at, e);
	if (r >= 0 &&
	    (!at.is_mount_root || at.mnt_id != f->mnt_id || at.dev != f->dev || at.ino != f->ino))
		r = err_msg(e, ESTALE, "the destination changed while the hook ran");
	if (r < 0)
		return r;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/* Is planned mount j in outermost mount i's tree (i itself included)?  An
 * outermost one other than i is in no other's tree: no walk for it. */
static bool in_tree(const struct remount *rm, size_t i, size_t j)
{
	return is_idmap(rm, j) &&
	       (j == i ||
		(!rm->outermost[j] && mountinfo_is_below(rm->table, (int)rm->facts[j].mnt_id,
							 (int)rm->facts[i].mnt_id)));
}

/* Planned mounts inside i's tree (i included) share its fate. */
static void fail_tree(struct remount *rm, size_t i, int r, const struct err *why)
{
	for (size_t j = 0; j < rm->plan->n_mounts; j++)
		if (in_tree(rm, i, j))
			remount_fail(rm, j, r, why);
}

/* Clone what is at planned mount i's destination (table entry k) and attach
 * the clone on top of it.  The destination may have been swapped (for a
 * symlink, say) since it was looked at: open_dest checks it still is the
 * root of the runtime's mount, and both steps go through that fd. */
static int remount_one(struct remount *rm, size_t i, size_t k, struct err *e)
{
	_cleanup_close_ int fd = -EBADF, clone = -EBADF;
	long long t0 = log_now_us(), t1;
	int r;

	r = open_dest(rm, i, &fd, e);
	if (r >= 0)
		r = build(rm, fd, k, &clone, e);
	rm->timing->clone_us += log_now_us() - t0;
	/* Verify before attach: a clone that does not show the planned owner to
	 * the container user is never attached (verify.h). */
	if (r >= 0)
		r = verify_clone(rm->plan, rm->facts, rm->table, rm->outermost, i, clone,
				 &rm->timing->verify_us, e);
	if (r < 0) {
		err_wrap(e, "%s%s", rm->spec->mounts[i].source,
			 rm->facts[i].n_subs ? " (rbind, with its submounts)" : "");
		return r;
	}
	t1 = log_now_us();
	r = mnt_attach(clone, fd, e);
	rm->timing->swap_us += log_now_us() - t1;
	return r;
}

static void remount_all(struct remount *rm)
{
	for (size_t i = 0; i < rm->plan->n_mounts && !should_stop(rm); i++) {
		struct err e = {0};
		size_t k;
		int r;

		if (!rm->outermost[i] || !is_idmap(rm, i))
			continue;
		k = mounttree_index_of(&rm->roles.tree, rm->facts[i].mnt_id);
		r = k == MOUNTTREE_NONE ? err_msg(&e, ENOENT, "not in the mount table")
					: remount_one(rm, i, k, &e);
		if (r < 0) {
			fail_tree(rm, i, r, &e);
			continue;
		}
		/* With it, every planned mount inside its tree. */
		for (size_t j = 0; j < rm->plan->n_mounts; j++)
			if (in_tree(rm, i, j))
				log_info("%s: idmapped", rm->spec->mounts[j].destination);
	}
}

/* --- the flow ------------------------------------------------------------- */

static int remount_alloc(struct remount *rm)
{
	size_t n = rm->plan->n_mounts;

	int r;

	rm->outermost = calloc_array(n, sizeof(*rm->outermost));
	if (!rm->outermost)
		return -ENOMEM;
	r = roles_build(rm->spec, rm->plan, rm->facts, rm->view, &rm->roles);
	if (r < 0)
		return r;
	/* Once: a mount falls back only with its whole tree, which changes no
	 * other mount's answer. */
	for (size_t i = 0; i < n; i++)
		rm->outermost[i] = is_idmap(rm, i) && roles_is_outermost(&rm->roles, i);
	return 0;
}

/* Every idmap entry falls back with the same cause. */
static void fail_all(struct remount *rm, int r, const struct err *why)
{
	for (size_t i = 0; i < rm->plan->n_mounts; i++)
		if (is_idmap(rm, i))
			remount_fail(rm, i, r, why);
}

int remount_execute(const struct oci_spec *spec, struct plan *plan, const struct mount_facts *facts,
		    const struct facts_view *view, const struct mntns *ns, bool strict,
		    struct remount_timing *timing, struct err *e)
{
	_cleanup_(remount_free) struct remount rm = {.spec = spec,
						     .plan = plan,
						     .facts = facts,
						     .view = view,
						     .table = &view->table,
						     .strict = strict,
						     .timing = timing,
						     .e = e};
	struct err ne = {0};
	long long t0;
	int r;

	if (plan_count(plan, PLAN_IDMAP) == 0)
		return 0;
	t0 = log_now_us();
	if (remount_alloc(&rm) < 0 || mapset_open(plan, &rm.maps) < 0)
		return err_set(e, ENOMEM, "remount");
	timing->userns_us += log_now_us() - t0;
	r = mntns_enter(ns, &ne);
	if (r < 0) {
		fail_all(&rm, r, &ne);
		return strict ? rm.failed : 0;
	}
	remount_all(&rm);
	r = mntns_leave(ns, &ne);
	if (r < 0) {
		*e = ne;
		return r; /* cannot happen short of a kernel bug; never carry on */
	}
	return strict ? rm.failed : 0;
}
