/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel's answers and the plan judged again with them (plan_kernel.c). */
#pragma once

#include "facts.h"
#include "plan_types.h"
#include "spec.h"

/* What the plan needs the kernel to answer before it is final (plan_kernel.c):
 * whether the filesystems of the mounts it idmaps can be idmapped, each tried
 * with a clone of a mount the plan idmaps (the mount's own source, or a
 * submount below it), with the map it gets; whether the kernel can attach a
 * mount to a detached tree; whether it has open_tree_attr. */

struct plan_questions {
	struct fs_question *fs;
	size_t n_fs;
	bool attach_detached, open_tree_attr;
};

int plan_questions(const struct mount_facts *facts, const struct facts_view *view,
		   const struct plan *p, struct plan_questions *ret_q);
bool plan_questions_any(const struct plan_questions *q);
void plan_questions_free(struct plan_questions *q);

/* Judge the plan again with what the kernel answered (view->kernel): a mount
 * it cannot do falls back, and the trees are built again.  -ENOMEM only. */
int plan_kernel(const struct oci_spec *spec, const struct mount_facts *facts,
		const struct facts_view *view, struct plan *p);
