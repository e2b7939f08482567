/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plan's questions about the kernel (plan_kernel.c), answered by trying
 * each step (probe.c), in the hook's own mount namespace: nothing is ever
 * attached, and each clone is gone when its fd is closed.  A volume's
 * filesystem is tried through its source on the host, which the runtime's
 * mount in the container is a bind of (the same filesystem, as the walk of
 * the source checked: facts.c), with the map the plan gives that mount.
 * Facts only: what the kernel did, and in its words.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "cleanup.h"
#include "facts.h"
#include "pathres.h"
#include "probe.h"

static void say(struct kernel_says *s, enum kernel_answer a, const struct err *e)
{
	*s = (struct kernel_says){.answer = a, .code = e ? e->code : 0};
	if (e && snprintf(s->why, sizeof(s->why), "%s", e->msg) < 0)
		s->why[0] = '\0';
	err_trim_utf8(s->why);
}

/* The source the walk saw (facts.c), opened again and checked to be it;
 * or, with sub, its submount below it. */
static int open_source(const struct spec_mount *m, const struct mount_facts *f,
		       const struct submount_facts *sub, int *ret_fd, struct err *e)
{
	_cleanup_close_ int fd = open(m->source, O_PATH | O_CLOEXEC), at = -EBADF;
	struct path_info info;
	int r;

	if (fd < 0)
		return err_set(e, errno, "open %s", m->source);
	r = pathres_info(fd, &info, e);
	if (r >= 0 && (info.dev != f->walk.end.dev || info.ino != f->walk.end.ino))
		r = err_msg(e, ESTALE, "%s changed while the hook ran", m->source);
	if (r >= 0 && sub && !sub->rel)
		r = err_msg(e, ENOENT, "%s: its submount is not below it", m->source);
	if (r < 0 || !sub) {
		*ret_fd = TAKE_FD(fd);
		return r;
	}
	r = pathres_open_beneath(fd, sub->rel, false, &at, e);
	if (r >= 0)
		r = pathres_info(at, &info, e);
	if (r >= 0 && (!info.is_mount_root || info.dev != sub->dev))
		r = err_msg(e, ESTALE, "%s/%s changed while the hook ran", m->source, sub->rel);
	*ret_fd = TAKE_FD(at);
	return r;
}

int facts_kernel_fs(const struct oci_spec *spec, const struct mount_facts *facts,
		    const struct fs_question *q, int userns_fd, const struct err *userns_err,
		    struct kernel_facts *kf)
{
	const struct mount_facts *f = &facts[q->mount];
	const struct submount_facts *sub = q->sub == FACTS_NO_ENTRY ? NULL : &f->subs[q->sub];
	struct fs_answer *more, *a;
	_cleanup_close_ int fd = -EBADF;
	struct err e = {0};
	int r;

	more = reallocarray(kf->fs, kf->n_fs + 1, sizeof(*more));
	if (!more)
		return -ENOMEM;
	kf->fs = more;
	a = &kf->fs[kf->n_fs++];
	*a = (struct fs_answer){.dev = q->dev};
	/* Without its user namespace the hook cannot act either: it says so then. */
	if (userns_fd < 0) {
		say(&a->idmap, KERNEL_UNKNOWN, userns_err);
		return 0;
	}
	r = open_source(&spec->mounts[q->mount], f, sub, &fd, &e);
	if (r < 0) {
		say(&a->idmap, KERNEL_UNKNOWN, &e);
		return 0;
	}
	r = probe_idmap_clone(fd, userns_fd, &e);
	if (r < 0) {
		err_wrap(&e, "%s filesystem", sub ? sub->fstype : f->fstype);
		err_add_hint(&e);
	}
	say(&a->idmap, r < 0 ? KERNEL_CANNOT : KERNEL_CAN, r < 0 ? &e : NULL);
	return 0;
}

void facts_kernel_attach(struct kernel_facts *kf)
{
	struct err e = {0};
	bool can = false;

	/* Not even the clones: not known, and not assumed (stacked then). */
	if (probe_attach_detached(&can, &e) < 0)
		say(&kf->attach_detached, KERNEL_UNKNOWN, &e);
	else
		say(&kf->attach_detached, can ? KERNEL_CAN : KERNEL_CANNOT, can ? NULL : &e);
}

void facts_kernel_open_tree_attr(struct kernel_facts *kf)
{
	struct err e = {0};
	int r = probe_open_tree_attr(&e);

	if (r < 0)
		err_add_hint(&e);
	say(&kf->open_tree_attr, r < 0 ? KERNEL_CANNOT : KERNEL_CAN, r < 0 ? &e : NULL);
}
