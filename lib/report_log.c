/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The log lines of a hook run (log.h: syslog, stderr or --log-file): before
 * acting, what the plan says of each bind mount; after acting, one summary
 * line for the container.  What the exit code is, and the one error line,
 * hook_outcome() decides (hook.c); these only tell.
 */
#include "report.h"

#include <stdio.h>
#include <string.h>

#include "log.h"

/* A mount that was to be idmapped and cannot be (the filesystem, the
 * kernel) is a warning: a mismatched volume left as it was; a skip by
 * policy is information, and so is the skip of a step that failed while the
 * hook looked (hook_execute warns of those).  With strict, such a mount
 * fails the start instead, and the one error line names it. */
void report_log_plan(const struct plan *p, bool strict)
{
	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct plan_mount *pm = &p->mounts[i];

		if (pm->action == PLAN_IDMAP)
			log_info("%s: idmap (owner %u:%u -> %u:%u)%s%s", pm->mount->destination,
				 pm->owner_uid, pm->owner_gid, p->host_uid,
				 pm->gid_left ? pm->owner_gid : p->host_gid,
				 pm->reason[0] ? "; " : "", pm->reason);
		else if (pm->mount->is_bind && !(strict && plan_mount_fails(pm, strict)))
			log_msg(pm->fallback && !pm->failed ? LOG_WARN : LOG_INFO, "%s: skip: %s",
				pm->mount->destination, pm->reason);
	}
}

/* Append "<sep><text>" to buf (size SUMMARY_MAX), cut with "..." when
 * full; *full says it was cut (a text may end in "..." itself). */
#define SUMMARY_MAX 1024
#define SUMMARY_REASON_MAX 80
static void summary_add(char *buf, bool *full, const char *sep, const char *text)
{
	size_t n = strlen(buf);

	if (*full)
		return;
	if (n + 4 >= SUMMARY_MAX ||
	    (size_t)snprintf(buf + n, SUMMARY_MAX - n, "%s%s", sep, text) >= SUMMARY_MAX - n) {
		buf[SUMMARY_MAX - 4] = '\0';
		err_trim_utf8(buf);
		strcat(buf, "...");
		*full = true;
	}
}

void report_log_summary(const struct plan *p, const struct remount_result *res)
{
	char idmapped[SUMMARY_MAX] = "", skipped[SUMMARY_MAX] = "", item[SUMMARY_MAX];
	char reason[SUMMARY_REASON_MAX + 1];
	bool idmapped_full = false, skipped_full = false;
	size_t n_idmap = 0, n_bind = 0;

	if (!log_enabled(LOG_INFO))
		return;
	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct plan_mount *pm = &p->mounts[i];
		const char *why = pm->reason;

		if (!pm->mount->is_bind)
			continue;
		n_bind++;
		if (remount_is_done(res, p, i, &why)) {
			summary_add(idmapped, &idmapped_full, n_idmap++ ? ", " : "",
				    pm->mount->destination);
			continue;
		}
		snprintf(reason, sizeof(reason), "%.*s", SUMMARY_REASON_MAX, why);
		err_trim_utf8(reason);
		snprintf(item, sizeof(item), "%s (%s%s)", pm->mount->destination, reason,
			 strlen(why) > SUMMARY_REASON_MAX ? "..." : "");
		summary_add(skipped, &skipped_full, skipped[0] ? "; " : "", item);
	}
	log_info("summary: %zu of %zu bind mounts remapped%s%s%s%s", n_idmap, n_bind,
		 n_idmap ? ": " : "", idmapped, skipped[0] ? "; left as they were: " : "", skipped);
}
