/* SPDX-License-Identifier: Apache-2.0 */
/* What the plan needs to know of each bind mount's source, observed on the host. */
#pragma once

#include "err.h"
#include "plan.h"
#include "spec.h"

/* One struct mount_facts per spec mount (allocated); mountinfo names the
 * mount table the sources live in, normally "/proc/self/mountinfo". */
int facts_collect(const struct oci_spec *spec, const char *mountinfo,
		  struct mount_facts **ret_facts, struct err *e);
