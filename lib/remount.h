/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Execute a plan: give every PLAN_IDMAP mount an idmapped clone, inside the
 * container's mount namespace, on top of the mount the runtime made.
 * Whatever cannot be done falls back (the mount stays as the runtime made
 * it, and the plan entry becomes a skip with the reason); in strict mode
 * the first such failure is returned as an error instead.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "plan.h"
#include "spec.h"

struct remount_timing {
	long long userns_us, clone_us, idmap_us, swap_us;
};

int remount_execute(const struct oci_spec *spec, struct plan *plan, pid_t pid, bool strict,
		    struct remount_timing *timing, struct err *e);
