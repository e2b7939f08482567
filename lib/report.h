/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plan as JSON text, for `oci-idmap-hook plan` (schemas/plan.schema.json).
 * The only yajl_gen user.  The text is built from the same struct plan the
 * hook executes, so what is printed is what the hook would do.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "plan.h"

struct report_input {
	const char *id;	    /* the container id, or NULL when not known */
	const char *bundle; /* the bundle directory */
	const struct plan *plan;
};

/* Write the plan as a JSON document (pretty: indented, one member a line;
 * else on one line) into a new NUL-terminated buffer ending in "\n".
 * Fails with EINVAL when a string is not valid UTF-8. */
int report_plan_json(const struct report_input *in, bool pretty, char **ret_text, struct err *e);
