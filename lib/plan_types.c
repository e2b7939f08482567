/* SPDX-License-Identifier: Apache-2.0 */
#include "plan_types.h"

#include <stdarg.h>
#include <stdio.h>

#include "err.h"

void plan_fall_back(struct plan_mount *pm, const char *fmt, ...)
{
	va_list ap;

	/* An idmap that cannot be done is a fallback; a skip by policy is not. */
	pm->fallback = pm->action == PLAN_IDMAP;
	pm->action = PLAN_SKIP;
	va_start(ap, fmt);
	vsnprintf(pm->reason, sizeof(pm->reason), fmt, ap);
	va_end(ap);
	/* Cut here or in facts: `plan` prints it as JSON. */
	err_trim_utf8(pm->reason);
}

bool plan_mount_fails(const struct plan_mount *pm, bool strict)
{
	return pm->failed || (strict && pm->fallback);
}
