/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plan and a container's mounts as tables for people (table.h): what
 * `plan` and `status` print unless asked for --json.  Built from the same
 * structs as the JSON (report.c), so the two never say different things.
 */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "table.h"

/* "uid:gid", or NULL (printed "-") when there is none. */
static void add_ids(struct table *t, bool present, uint32_t uid, uint32_t gid)
{
	if (present)
		table_addf(t, "%u:%u", uid, gid);
	else
		table_add(t, NULL);
}

/* What the mount's action is, in one word: a fallback (to be remapped and
 * the kernel or filesystem cannot) and a failure are not decisions. */
static const char *action_word(const struct plan_mount *pm)
{
	if (pm->action == PLAN_IDMAP)
		return "idmap";
	if (pm->failed)
		return "failed";
	return pm->fallback ? "fallback" : "skip";
}

static void add_mount(struct table *t, const struct plan_mount *pm)
{
	bool idmap = pm->action == PLAN_IDMAP;

	table_add(t, pm->mount->destination);
	add_ids(t, pm->has_owner, pm->owner_uid, pm->owner_gid);
	table_add(t, action_word(pm));
	add_ids(t, idmap && pm->shows_known, pm->shows_uid, pm->shows_gid);
	table_add(t, pm->reason);
}

/* The mounts of an idmapped volume's tree below its own: each kept as the
 * runtime made it or idmapped, as the tree says. */
static void add_tree_below(struct table *t, const struct plan *p, const struct plan_mount *pm)
{
	const struct plan_tree *tree;

	if (pm->action != PLAN_IDMAP || pm->tree >= p->n_trees || pm->node == PLAN_NO_NODE)
		return;
	tree = &p->trees[pm->tree];
	for (size_t j = pm->node + 1; j < pm->node + tree->nodes[pm->node].size; j++) {
		const struct plan_node *n = &tree->nodes[j];

		if (n->entry_mount)
			continue; /* a config.json mount: it has its own row */
		table_add(t, n->path);
		table_add(t, NULL);
		table_add(t, n->role == PLAN_ROLE_IDMAP ? "idmap" : "keep");
		table_add(t, NULL);
		table_addf(t, "below %s", pm->mount->destination);
	}
}

int report_plan_table(const struct report_input *in, char **ret_text, struct err *e)
{
	static const char *const header[] = {"DESTINATION", "OWNER",  "ACTION",
					     "SHOWS",	    "REASON", NULL};
	const struct plan *p = in->plan;
	_cleanup_free_ char *rows = NULL;
	struct table t;
	int r;

	table_init(&t, header);
	for (size_t i = 0; i < p->n_mounts; i++) {
		add_mount(&t, &p->mounts[i]);
		add_tree_below(&t, p, &p->mounts[i]);
	}
	r = table_text(&t, &rows, e);
	table_free(&t);
	if (r < 0)
		return err_wrap(e, "plan");
	if (p->has_host_ids)
		r = asprintf(ret_text, "container user %u:%u (%u:%u on the host)%s\n%s", p->uid,
			     p->gid, p->host_uid, p->host_gid,
			     p->has_userns ? ", in a user namespace" : "", rows);
	else
		r = asprintf(ret_text, "container user %u:%u (no id on the host)\n%s", p->uid,
			     p->gid, rows);
	return r < 0 ? err_set(e, ENOMEM, "plan") : 0;
}

/* "first:lower:count,..." of a map; "?" when the kernel does not report it. */
static void add_map(struct table *t, bool idmapped, const struct idmap *m)
{
	_cleanup_free_ char *text = NULL;
	const struct id_extent *x;
	size_t size = 0;
	FILE *f;

	if (!idmapped) {
		table_add(t, NULL);
		return;
	}
	if (!m) {
		table_add(t, "?");
		return;
	}
	f = open_memstream(&text, &size);
	if (!f) {
		table_add(t, NULL);
		t->failed = -ENOMEM;
		return;
	}
	x = idmap_extents(m);
	for (size_t i = 0; i < m->n; i++)
		fprintf(f, "%s%u:%u:%u", i ? "," : "", x[i].first, x[i].lower, x[i].count);
	if (fclose(f) != 0)
		t->failed = -ENOMEM;
	table_add(t, text);
}

int report_status_table(const struct status *in, char **ret_text, struct err *e)
{
	static const char *const header[] = {"DESTINATION", "FSTYPE",  "SOURCE", "IDMAPPED",
					     "UID_MAP",	    "GID_MAP", NULL};
	struct table t;
	int r;

	table_init(&t, header);
	for (size_t i = 0; i < in->n_mounts; i++) {
		const struct status_mount *sm = &in->mounts[i];
		const struct mount_entry *m = sm->entry;

		table_add(&t, m->target);
		table_add(&t, m->fstype);
		table_add(&t, m->source);
		table_addf(&t, "%s%s", m->idmapped ? "yes" : "no", sm->covered ? ",covered" : "");
		add_map(&t, m->idmapped, sm->uid_map);
		add_map(&t, m->idmapped, sm->gid_map);
	}
	r = table_text(&t, ret_text, e);
	table_free(&t);
	return r < 0 ? err_wrap(e, "status") : 0;
}
