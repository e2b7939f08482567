/* SPDX-License-Identifier: Apache-2.0 */
#include "mntprop.h"

#include <fcntl.h>
#include <stdlib.h>

#include "cleanup.h"
#include "mnt.h"

int mntprop_keep(struct mntprop *p, const struct plan_tree *t, const struct plan_node *n, int clone,
		 struct err *e)
{
	int fd;

	if (!(t->nodes[0].propagation & MOUNT_PROP_SHARED) || (n->propagation & MOUNT_PROP_SHARED))
		return 0;
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 4;
		struct mntprop_clone *more = reallocarray(p->v, cap, sizeof(*more));

		if (!more)
			return err_set(e, ENOMEM, "%s", n->path);
		p->v = more;
		p->cap = cap;
	}
	fd = fcntl(clone, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return err_set(e, errno, "%s: dup", n->path);
	p->v[p->n++] = (struct mntprop_clone){fd, n};
	return 0;
}

int mntprop_restore(struct mntprop *p, struct err *e)
{
	int first = 0;

	for (size_t k = 0; k < p->n; k++) {
		const struct plan_node *n = p->v[k].n;
		bool slave = n->propagation & MOUNT_PROP_SLAVE;
		struct err ke = {0};
		int r;

		r = mnt_setattr(p->v[k].fd, false, 0,
				slave ? MNT_PROPAGATION_SLAVE : MNT_PROPAGATION_PRIVATE, -EBADF,
				&ke);
		if (r < 0 && !first) {
			first = r;
			*e = ke;
			err_wrap(e, "%s: left shared, not %s as the runtime made it", n->path,
				 slave ? "a slave" : "private");
		}
	}
	mntprop_close(p);
	return first;
}

void mntprop_close(struct mntprop *p)
{
	for (size_t k = 0; k < p->n; k++)
		close_fdp(&p->v[k].fd);
	p->n = 0;
}

void mntprop_free(struct mntprop *p)
{
	mntprop_close(p);
	free(p->v);
	*p = (struct mntprop){0};
}
