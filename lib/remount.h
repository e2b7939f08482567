/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Execute a plan inside the container's mount namespace: every planned mount
 * gets an idmapped clone of what the runtime mounted at its destination,
 * stacked on top of it.  Whatever cannot be done falls back (the mount stays
 * as the runtime made it, and the plan entry becomes a skip with the reason);
 * in strict mode the first such failure is returned as an error instead.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "facts.h"
#include "mntns.h"
#include "plan.h"
#include "spec.h"

struct remount_timing {
	long long userns_us, clone_us, idmap_us, verify_us, swap_us;
};

/* facts and view: what facts_collect() saw in ns's container. */
int remount_execute(const struct oci_spec *spec, struct plan *plan, const struct mount_facts *facts,
		    const struct facts_view *view, const struct mntns *ns, bool strict,
		    struct remount_timing *timing, struct err *e);
