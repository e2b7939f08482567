/* SPDX-License-Identifier: Apache-2.0 */
#include "verify.h"

#include <fcntl.h>
#include <inttypes.h>
#include <string.h>

#include "cleanup.h"
#include "fs_owner.h"
#include "log.h"
#include "mounttree.h"
#include "pathres.h"

/* The root of the mount at rel in the clone (beneath it, no symlink). */
static int open_in_clone(int clone, const char *rel, int *ret_fd, struct err *e)
{
	_cleanup_close_ int fd = -EBADF;
	struct path_info info;
	int r;

	r = pathres_open_beneath(clone, rel, false, &fd, e);
	if (r >= 0)
		r = pathres_info(fd, &info, e);
	if (r >= 0 && !info.is_mount_root)
		r = err_msg(e, ESTALE, "%s is no mount's root in the clone", rel);
	if (r < 0)
		return r;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/* Planned mount pm (the clone's root, or its own root within it, fd) as
 * planned? */
static int verify_one(const struct plan *p, const struct plan_mount *pm, int fd, struct err *e)
{
	int r;

	if (!pm->shows_known)
		r = err_msg(e, EINVAL,
			    "the planned maps do not cover the owner %" PRIu32 ":%" PRIu32,
			    pm->owner_uid, pm->owner_gid);
	else
		r = verify_owner(fd, p->host_uid, p->host_gid, pm->shows_uid, pm->shows_gid,
				 pm->fstype, e);
	if (r < 0)
		err_wrap(e, "%s filesystem", pm->fstype[0] ? pm->fstype : "unknown");
	return r;
}

/* Node j of t as planned, in the clone of node top: the clone itself for
 * top, else its own root found below the clone's. */
static int verify_node(const struct plan *p, const struct plan_tree *t, size_t top, size_t j,
		       int clone, struct err *e)
{
	const struct plan_mount *pm = &p->mounts[t->nodes[j].entry];
	_cleanup_close_ int fd = -EBADF;
	const char *rel;
	int r;

	if (j == top)
		return verify_one(p, pm, clone, e);
	if (mounttree_relative(t->nodes[top].path, t->nodes[j].path, &rel) < 0 || !*rel)
		r = err_msg(e, EINVAL, "%s is not below %s", t->nodes[j].path, t->nodes[top].path);
	else
		r = open_in_clone(clone, rel, &fd, e);
	if (r >= 0)
		r = verify_one(p, pm, fd, e);
	return r < 0 ? err_wrap(e, "%s", pm->mount->destination) : 0;
}

/* Nodes top..end (end excluded) of t, in the clone of node top. */
static int verify_nodes(const struct plan *p, const struct plan_tree *t, size_t top, size_t end,
			int clone, long long *us, struct err *e)
{
	long long t0 = log_now_us();
	int r = 0;

	for (size_t j = top; j < end && r >= 0; j++) {
		const struct plan_node *n = &t->nodes[j];

		if (n->entry_mount && p->mounts[n->entry].action == PLAN_IDMAP)
			r = verify_node(p, t, top, j, clone, e);
	}
	*us += log_now_us() - t0;
	return r;
}

int verify_clone(const struct plan *p, const struct plan_tree *t, int clone, long long *us,
		 struct err *e)
{
	return verify_nodes(p, t, 0, t->n, clone, us, e);
}

int verify_layer(const struct plan *p, const struct plan_tree *t, size_t j, int clone,
		 long long *us, struct err *e)
{
	return verify_nodes(p, t, j, t->nodes[j].whole ? j + t->nodes[j].size : j + 1, clone, us,
			    e);
}
