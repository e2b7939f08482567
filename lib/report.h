/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plan as JSON text, for `oci-idmap-hook plan` (schemas/plan.schema.json),
 * and a container's mounts for `oci-idmap-hook status`
 * (schemas/status.schema.json).  The only yajl_gen user.  Both also as
 * tables for people (report_table.c), from the same structs.  The plan's text is
 * built from the same struct plan the hook executes, so what is printed is
 * what the hook would do.  And the log lines of a hook run (report_log.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "mountinfo.h"
#include "plan.h"
#include "remount.h"
#include "status.h"

struct report_input {
	const char *id;	    /* the container id, or NULL when not known */
	const char *bundle; /* the bundle directory */
	const struct plan *plan;
};

/* Write the plan as a JSON document (pretty: indented, one member a line;
 * else on one line) into a new NUL-terminated buffer ending in "\n".
 * Fails with EINVAL when a string is not valid UTF-8. */
int report_plan_json(const struct report_input *in, bool pretty, char **ret_text, struct err *e);

/* The plan as a table: a line naming the container user, then one row per
 * mount of config.json (destination, owner, action, the owner the container
 * user sees through an idmap, reason), each planned tree's other mounts
 * below their volume's row. */
int report_plan_table(const struct report_input *in, char **ret_text, struct err *e);

/* The mounts of a container as a JSON document, as report_plan_json. */
int report_status_json(const struct status *in, bool pretty, char **ret_text, struct err *e);

/* The same as a table: one row per mount, its maps as first:lower:count. */
int report_status_table(const struct status *in, char **ret_text, struct err *e);

/* Before acting (report_log.c): a log line per mount of the plan, what it
 * says (info: idmap, or skip and why; warn: a mount to idmap that cannot be),
 * none for a mount whose skip fails the start under strict. */
void report_log_plan(const struct plan *p, bool strict);

/* After acting: one line (info) for the container, what was remapped and
 * what was left as it was and why, in short. */
void report_log_summary(const struct plan *p, const struct remount_result *res);
