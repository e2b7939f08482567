/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Execute a plan inside the container's mount namespace, and nothing but the
 * plan: for each of its trees, a clone of what the runtime mounted at the
 * volume's destination, every mount of it given what its node says, stacked
 * on top of the runtime's mount.  Whatever cannot be done falls back (the
 * tree stays as the runtime made it; the result says why); in strict mode
 * the first such failure is returned as an error instead.  The plan is read,
 * never written: outcomes go into a result of their own.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "mntns.h"
#include "plan.h"

struct remount_timing {
	long long userns_us, clone_us, idmap_us, verify_us, swap_us;
};

enum remount_state {
	REMOUNT_NOT_TRIED = 0, /* not reached (strict mode stopped at a failure) */
	REMOUNT_DONE,	       /* attached */
	REMOUNT_FAILED,	       /* left as the runtime made it */
};

struct remount_outcome {
	enum remount_state state;
	struct err why; /* REMOUNT_FAILED: the step and its error */
};

/* One outcome per tree of the plan (plan.trees). */
struct remount_result {
	struct remount_outcome *trees;
	size_t n;
};

int remount_execute(const struct plan *plan, const struct mntns *ns, bool strict,
		    struct remount_result *ret_result, struct remount_timing *timing,
		    struct err *e);

/* Is planned mount i of plan idmapped after remount_execute() gave r?  Else
 * (for a mount the plan idmaps) why not, in *ret_why. */
bool remount_is_done(const struct remount_result *r, const struct plan *plan, size_t i,
		     const char **ret_why);

void remount_result_free(struct remount_result *r);
