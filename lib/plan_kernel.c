/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the kernel answered, judged.  Whether a step works on this kernel is
 * found out by trying it (facts_kernel.c, in the observe step), never taken
 * from the kernel's version; the plan decides what the answers mean, so that
 * `plan` says what a start on this kernel does:
 *  - a mount whose filesystem refused an idmapped clone is left as the
 *    runtime made it, with the kernel's words (tmpfs before Linux 6.3, a
 *    FUSE server that does not allow it, ...); so is a volume an rbind of
 *    which brought a submount on such a filesystem;
 *  - maps composed with a mount's own idmap need open_tree_attr (6.15);
 *  - a tree whose mounts cannot all be cloned at once is assembled detached
 *    where the kernel can attach a mount to a detached tree (6.15), else
 *    stacked on the attached tree (plan_tree.c).
 * The plan asks only what it needs (plan_questions): about the filesystems
 * of the mounts it idmaps, one each, and about the rest only when a planned
 * mount needs it.  A start that remaps nothing asks nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "plan_kernel.h"
#include "plan_maps.h"
#include "plan_suid.h"
#include "plan_tree.h"

static const struct kernel_facts no_answers;

static const struct kernel_facts *answers_of(const struct facts_view *view)
{
	return view ? &view->kernel : &no_answers;
}

static const struct fs_answer *fs_answer(const struct kernel_facts *kf, dev_t dev)
{
	for (size_t k = 0; k < kf->n_fs; k++)
		if (kf->fs[k].dev == dev)
			return &kf->fs[k];
	return NULL;
}

/* The kernel's refusal to idmap a clone of a mount of filesystem dev, or NULL. */
static const struct kernel_says *fs_refused(const struct kernel_facts *kf, dev_t dev)
{
	const struct fs_answer *a = fs_answer(kf, dev);

	return a && a->idmap.answer == KERNEL_CANNOT ? &a->idmap : NULL;
}

/* Does planned mount pm need maps composed with an idmapped mount's own? */
static bool needs_composing(const struct plan_mount *pm)
{
	return pm->composed || pm->n_subs > 0;
}

/* Left as the runtime made it: the kernel refused a step the hook would
 * take (a failed step, as the remount would have met it). */
static bool refused(struct plan_mount *pm, const struct kernel_says *no, const char *what)
{
	plan_fall_back(pm, "%s%s: %s", pm->mount->source, what, no->why);
	pm->failed = -(no->code ? no->code : EOPNOTSUPP);
	return true;
}

/* Does the kernel refuse a step planned mount pm needs? */
static bool skip_by_kernel(const struct oci_spec *spec, const struct kernel_facts *kf,
			   const struct mount_facts *f, struct plan_mount *pm)
{
	const struct kernel_says *no;

	if (!f->already_idmapped && (no = fs_refused(kf, f->dev)))
		return refused(pm, no, "");
	for (size_t k = 0; k < f->n_subs; k++) {
		char what[PLAN_REASON_MAX], path[PLAN_REASON_MAX];

		if (f->subs[k].idmapped || !(no = fs_refused(kf, f->subs[k].dev)))
			continue;
		snprintf(what, sizeof(what), " (rbind, with its submounts): submount %s",
			 plan_sub_path(spec, pm->mount, &f->subs[k], path));
		return refused(pm, no, what);
	}
	if (needs_composing(pm) && kf->open_tree_attr.answer == KERNEL_CANNOT)
		return refused(pm, &kf->open_tree_attr, ": composing its maps with an idmap");
	return false;
}

int plan_kernel(const struct oci_spec *spec, const struct mount_facts *facts,
		const struct facts_view *view, struct plan *p)
{
	const struct kernel_facts *kf = answers_of(view);

	for (size_t i = 0; i < p->n_mounts; i++)
		if (p->mounts[i].action == PLAN_IDMAP)
			(void)skip_by_kernel(spec, kf, &facts[i], &p->mounts[i]);
	plan_trees_free(p);
	return plan_trees_owned(spec, facts, view, p);
}

/* --- the questions -------------------------------------------------------- */

/* Ask about filesystem dev (through mount i, or its submount sub) unless it
 * is answered or asked already. */
static int ask_fs(struct plan_questions *q, const struct kernel_facts *kf, size_t i, size_t sub,
		  dev_t dev, size_t mapping)
{
	struct fs_question *more;

	if (fs_answer(kf, dev))
		return 0;
	for (size_t k = 0; k < q->n_fs; k++)
		if (q->fs[k].dev == dev)
			return 0;
	more = reallocarray(q->fs, q->n_fs + 1, sizeof(*more));
	if (!more)
		return -ENOMEM;
	q->fs = more;
	q->fs[q->n_fs++] = (struct fs_question){i, sub, dev, mapping};
	return 0;
}

/* The filesystems of planned mount i's own mount and of its plain submounts
 * (an idmapped one is composed: open_tree_attr's question). */
static int ask_mount(struct plan_questions *q, const struct kernel_facts *kf,
		     const struct mount_facts *f, const struct plan_mount *pm, size_t i)
{
	int r = 0;

	if (!f->already_idmapped)
		r = ask_fs(q, kf, i, FACTS_NO_ENTRY, f->dev, pm->mapping);
	for (size_t k = 0; k < f->n_subs && r >= 0; k++)
		if (!f->subs[k].idmapped)
			r = ask_fs(q, kf, i, k, f->subs[k].dev, pm->sub_mapping);
	if (needs_composing(pm) && kf->open_tree_attr.answer == KERNEL_NOT_ASKED)
		q->open_tree_attr = true;
	return r;
}

/* Is any node of tree t not whole (cloned alone, or with copies)? */
static bool has_parts(const struct plan_tree *t)
{
	for (size_t j = 0; j < t->n; j++)
		if (!t->nodes[j].whole)
			return true;
	return false;
}

int plan_questions(const struct mount_facts *facts, const struct facts_view *view,
		   const struct plan *p, struct plan_questions *ret_q)
{
	const struct kernel_facts *kf = answers_of(view);
	struct plan_questions q = {0};
	int r = 0;

	for (size_t i = 0; i < p->n_mounts && r >= 0; i++)
		if (p->mounts[i].action == PLAN_IDMAP)
			r = ask_mount(&q, kf, &facts[i], &p->mounts[i], i);
	for (size_t t = 0; t < p->n_trees; t++)
		if (has_parts(&p->trees[t]) && kf->attach_detached.answer == KERNEL_NOT_ASKED)
			q.attach_detached = true;
	if (r < 0) {
		plan_questions_free(&q);
		return r;
	}
	*ret_q = q;
	return 0;
}

bool plan_questions_any(const struct plan_questions *q)
{
	return q->n_fs > 0 || q->attach_detached || q->open_tree_attr;
}

void plan_questions_free(struct plan_questions *q)
{
	free(q->fs);
	*q = (struct plan_questions){0};
}
