/* SPDX-License-Identifier: Apache-2.0 */
#include "report.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "cleanup.h"

/* A generator and the first failure; once failed, every call is a no-op. */
struct out {
	yajl_gen g;
	yajl_gen_status st;
};

#define GEN(o, call)                                                                               \
	do {                                                                                       \
		if ((o)->st == yajl_gen_status_ok)                                                 \
			(o)->st = (call);                                                          \
	} while (0)

static void put_str(struct out *o, const char *s)
{
	if (s)
		GEN(o, yajl_gen_string(o->g, (const unsigned char *)s, strlen(s)));
	else
		GEN(o, yajl_gen_null(o->g));
}

static void put_key_str(struct out *o, const char *key, const char *s)
{
	put_str(o, key);
	put_str(o, s);
}

static void put_key_bool(struct out *o, const char *key, bool b)
{
	put_str(o, key);
	GEN(o, yajl_gen_bool(o->g, b));
}

/* "key": {"uid": U, "gid": G}, or "key": null when !present. */
static void put_ids(struct out *o, const char *key, bool present, uint32_t uid, uint32_t gid)
{
	put_str(o, key);
	if (!present) {
		GEN(o, yajl_gen_null(o->g));
		return;
	}
	GEN(o, yajl_gen_map_open(o->g));
	put_str(o, "uid");
	GEN(o, yajl_gen_integer(o->g, uid));
	put_str(o, "gid");
	GEN(o, yajl_gen_integer(o->g, gid));
	GEN(o, yajl_gen_map_close(o->g));
}

/* "key": [[first, lower, count], ...] */
static void put_extents(struct out *o, const char *key, const struct id_extent *ext, size_t n)
{
	put_str(o, key);
	GEN(o, yajl_gen_array_open(o->g));
	for (size_t i = 0; i < n; i++) {
		GEN(o, yajl_gen_array_open(o->g));
		GEN(o, yajl_gen_integer(o->g, ext[i].first));
		GEN(o, yajl_gen_integer(o->g, ext[i].lower));
		GEN(o, yajl_gen_integer(o->g, ext[i].count));
		GEN(o, yajl_gen_array_close(o->g));
	}
	GEN(o, yajl_gen_array_close(o->g));
}

static void put_map(struct out *o, const char *key, const struct idmap *m)
{
	put_extents(o, key, idmap_extents(m), m->n);
}

/* "key": {"uid_map": [...], "gid_map": [...], "note": note}, note when not NULL. */
static void put_maps(struct out *o, const char *key, const struct plan_mapping *m, const char *note)
{
	put_str(o, key);
	GEN(o, yajl_gen_map_open(o->g));
	put_map(o, "uid_map", &m->uid_map);
	put_map(o, "gid_map", &m->gid_map);
	if (note)
		put_key_str(o, "note", note);
	GEN(o, yajl_gen_map_close(o->g));
}

/* An rbind tree whose mounts get different maps: each idmapped submount's
 * own, and the one every other submount gets. */
static void put_submounts(struct out *o, const struct plan *p, const struct plan_mount *pm)
{
	if (pm->composed && pm->sub_mapping != pm->mapping)
		put_maps(o, "other_submounts", &p->mappings[pm->sub_mapping],
			 "the swap, not composed: these submounts are not idmapped");
	if (!pm->n_subs)
		return;
	put_str(o, "submounts");
	GEN(o, yajl_gen_map_open(o->g));
	for (size_t j = 0; j < pm->n_subs; j++)
		put_maps(o, pm->subs[j].path, &p->mappings[pm->subs[j].mapping],
			 "maps composed with the submount's own idmap");
	GEN(o, yajl_gen_map_close(o->g));
}

static const struct {
	unsigned int bit;
	const char *name;
} flag_names[] = {
    {MOUNT_FLAG_RDONLY, "ro"},
    {MOUNT_FLAG_NOSUID, "nosuid"},
    {MOUNT_FLAG_NODEV, "nodev"},
    {MOUNT_FLAG_NOEXEC, "noexec"},
    {MOUNT_FLAG_NOSYMFOLLOW, "nosymfollow"},
};

/* "key": ["ro", "nosuid", ...] */
static void put_flags(struct out *o, const char *key, unsigned int flags)
{
	put_str(o, key);
	GEN(o, yajl_gen_array_open(o->g));
	for (size_t i = 0; i < ARRAY_SIZE(flag_names); i++)
		if (flags & flag_names[i].bit)
			put_str(o, flag_names[i].name);
	GEN(o, yajl_gen_array_close(o->g));
}

/* The atime the hook sets (enum mount_atime), in mountinfo's words; "keep":
 * none, the mount keeps its own. */
static const char *atime_words(unsigned int atime)
{
	static const char *const words[] = {
	    "keep",
	    "relatime",
	    "noatime",
	    "strictatime",
	    "keep",
	    "relatime,nodiratime",
	    "noatime,nodiratime",
	    "strictatime,nodiratime",
	};

	return words[atime & 7];
}

/* A propagation type in mountinfo's words: "private", "shared", "slave",
 * "shared,slave", "unbindable", "slave,unbindable". */
static const char *prop_words(unsigned int prop)
{
	static const char *const words[] = {
	    "private",
	    "shared",
	    "slave",
	    "shared,slave",
	    "unbindable",
	    "shared,unbindable",
	    "slave,unbindable",
	    "shared,slave,unbindable",
	};

	return words[prop & 7];
}

/* How a node is cloned (plan.h, struct plan_node's whole). */
static const char *clone_words(const struct plan_tree *t, const struct plan_node *n)
{
	return n->whole ? "whole" : t->stacked ? "stacked" : "assembled";
}

static void put_node(struct out *o, const struct plan *p, const struct plan_tree *t,
		     const struct plan_node *n)
{
	bool idmap = n->role == PLAN_ROLE_IDMAP;

	GEN(o, yajl_gen_map_open(o->g));
	put_key_str(o, "path", n->path);
	put_key_str(o, "role", idmap ? "idmap" : "keep");
	if (idmap) {
		put_map(o, "uid_map", &p->mappings[n->mapping].uid_map);
		put_map(o, "gid_map", &p->mappings[n->mapping].gid_map);
		put_key_bool(o, "composed", n->composed);
	}
	put_flags(o, "flags", n->flags | n->add);
	put_flags(o, "added", n->add);
	put_key_str(o, "atime", atime_words(n->atime));
	put_key_str(o, "propagation", prop_words(n->propagation));
	put_key_str(o, "clone", clone_words(t, n));
	GEN(o, yajl_gen_map_close(o->g));
}

/* Every mount of the planned mount's tree (its node and all below it). */
static void put_tree(struct out *o, const struct plan *p, const struct plan_mount *pm)
{
	const struct plan_tree *t = &p->trees[pm->tree];

	put_str(o, "tree");
	GEN(o, yajl_gen_array_open(o->g));
	for (size_t j = pm->node; j < pm->node + t->nodes[pm->node].size; j++)
		put_node(o, p, t, &t->nodes[j]);
	GEN(o, yajl_gen_array_close(o->g));
}

static void put_mount(struct out *o, const struct plan *p, const struct plan_mount *pm)
{
	const struct spec_mount *m = pm->mount;
	bool idmap = pm->action == PLAN_IDMAP;

	GEN(o, yajl_gen_map_open(o->g));
	put_key_str(o, "destination", m->destination);
	put_key_str(o, "source", m->source);
	put_key_str(o, "type", m->type);
	put_key_bool(o, "bind", m->is_bind);
	put_ids(o, "owner", pm->has_owner, pm->owner_uid, pm->owner_gid);
	put_key_str(o, "action", idmap ? "idmap" : "skip");
	/* A skip always says why; an idmap only when there is a note. */
	if (!idmap || pm->reason[0])
		put_key_str(o, "reason", pm->reason[0] ? pm->reason : "skipped");
	if (idmap) {
		put_map(o, "uid_map", &p->mappings[pm->mapping].uid_map);
		put_map(o, "gid_map", &p->mappings[pm->mapping].gid_map);
	}
	if (idmap && (pm->n_subs || pm->composed))
		put_submounts(o, p, pm);
	if (idmap && pm->tree < p->n_trees)
		put_tree(o, p, pm);
	GEN(o, yajl_gen_map_close(o->g));
}

static void put_plan(struct out *o, const struct report_input *in)
{
	const struct plan *p = in->plan;

	GEN(o, yajl_gen_map_open(o->g));
	put_key_str(o, "id", in->id);
	put_key_str(o, "bundle", in->bundle);
	put_str(o, "container");
	GEN(o, yajl_gen_map_open(o->g));
	put_ids(o, "user", true, p->uid, p->gid);
	put_key_bool(o, "userns", p->has_userns);
	put_ids(o, "host_user", p->has_host_ids, p->host_uid, p->host_gid);
	GEN(o, yajl_gen_map_close(o->g));
	put_str(o, "mounts");
	GEN(o, yajl_gen_array_open(o->g));
	for (size_t i = 0; i < p->n_mounts; i++)
		put_mount(o, p, &p->mounts[i]);
	GEN(o, yajl_gen_array_close(o->g));
	GEN(o, yajl_gen_map_close(o->g));
}

/* Does the array whose body starts at p hold only scalars (no [ or {)? */
static bool is_flat_array(const char *p)
{
	bool in_str = false;

	for (; *p; p++) {
		if (in_str && *p == '\\' && p[1])
			p++;
		else if (*p == '"')
			in_str = !in_str;
		else if (!in_str && (*p == '[' || *p == '{'))
			return false;
		else if (!in_str && *p == ']')
			return true;
	}
	return true;
}

static void newline(FILE *f, int depth)
{
	fprintf(f, "\n%*s", 2 * depth, "");
}

/* Indent compact JSON text (well-formed: yajl's output), two spaces a level
 * and a member a line; an array of scalars, like a map extent, stays on one
 * line: [501, 1000, 1]. */
static void indent_json(FILE *f, const char *s)
{
	bool in_str = false, flat = false;
	int depth = 0;

	for (const char *p = s; *p; p++) {
		char c = *p;

		fputc(c, f);
		if (in_str) {
			if (c == '\\' && p[1])
				fputc(*++p, f);
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == ':') {
			fputc(' ', f);
		} else if (c == ',') {
			if (flat)
				fputc(' ', f);
			else
				newline(f, depth);
		} else if (c == '[' && is_flat_array(p + 1)) {
			flat = true;
		} else if ((c == '[' || c == '{') && p[1] != ']' && p[1] != '}') {
			newline(f, ++depth);
		} else if (c == '[' || c == '{') {
			fputc(*++p, f); /* empty: [] or {} */
		} else if (c == ']' && flat) {
			flat = false;
		}
		if ((p[1] == ']' || p[1] == '}') && !in_str && !flat && *p != '[' && *p != '{')
			newline(f, --depth);
	}
}

/* Copy the generated text, indented or not, ending in one newline. */
static int take_text(yajl_gen g, const char *what, bool pretty, char **ret_text, struct err *e)
{
	_cleanup_free_ char *compact = NULL;
	const unsigned char *buf;
	char *text = NULL;
	size_t len, size;
	FILE *f;

	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		return err_msg(e, EIO, "%s: JSON generator has no output", what);
	compact = strndup((const char *)buf, len);
	f = compact ? open_memstream(&text, &size) : NULL;
	if (!f)
		return err_set(e, ENOMEM, "%s", what);
	if (pretty)
		indent_json(f, compact);
	else
		fputs(compact, f);
	fputc('\n', f);
	if (fclose(f) != 0) {
		free(text);
		return err_set(e, ENOMEM, "%s", what);
	}
	*ret_text = text;
	return 0;
}

/* Run put(o, in) and take its text; what names the document in errors. */
static int generate(void (*put)(struct out *, const void *), const void *in, const char *what,
		    bool pretty, char **ret_text, struct err *e)
{
	struct out o = {.st = yajl_gen_status_ok};
	int r;

	o.g = yajl_gen_alloc(NULL);
	if (!o.g)
		return err_set(e, ENOMEM, "%s", what);
	yajl_gen_config(o.g, yajl_gen_validate_utf8, 1);
	put(&o, in);
	if (o.st == yajl_gen_invalid_string)
		r = err_msg(e, EINVAL, "%s: a path or id is not valid UTF-8", what);
	else if (o.st != yajl_gen_status_ok)
		r = err_msg(e, EIO, "%s: JSON generator failed (status %d)", what, (int)o.st);
	else
		r = take_text(o.g, what, pretty, ret_text, e);
	yajl_gen_free(o.g);
	return r;
}

static void put_plan_doc(struct out *o, const void *in)
{
	put_plan(o, in);
}

int report_plan_json(const struct report_input *in, bool pretty, char **ret_text, struct err *e)
{
	return generate(put_plan_doc, in, "plan", pretty, ret_text, e);
}

static void put_status_mount(struct out *o, const struct status_mount *sm)
{
	const struct mount_entry *m = sm->entry;

	GEN(o, yajl_gen_map_open(o->g));
	put_str(o, "id");
	GEN(o, yajl_gen_integer(o->g, m->id));
	put_str(o, "parent_id");
	GEN(o, yajl_gen_integer(o->g, m->parent_id));
	put_key_str(o, "destination", m->target);
	put_key_str(o, "source", m->source);
	put_key_str(o, "root", m->root);
	put_key_str(o, "fstype", m->fstype);
	put_key_bool(o, "idmapped", m->idmapped);
	put_key_bool(o, "covered", sm->covered);
	if (m->idmapped && sm->uid_map && sm->gid_map) {
		put_map(o, "uid_map", sm->uid_map);
		put_map(o, "gid_map", sm->gid_map);
	} else if (m->idmapped) {
		put_key_str(o, "uid_map", NULL);
		put_key_str(o, "gid_map", NULL);
	}
	GEN(o, yajl_gen_map_close(o->g));
}

static void put_status_doc(struct out *o, const void *arg)
{
	const struct status *in = arg;

	GEN(o, yajl_gen_map_open(o->g));
	put_str(o, "pid");
	GEN(o, yajl_gen_integer(o->g, in->pid));
	put_key_bool(o, "maps_reported", in->maps_reported);
	put_str(o, "mounts");
	GEN(o, yajl_gen_array_open(o->g));
	for (size_t i = 0; i < in->n_mounts; i++)
		put_status_mount(o, &in->mounts[i]);
	GEN(o, yajl_gen_array_close(o->g));
	GEN(o, yajl_gen_map_close(o->g));
}

int report_status_json(const struct status *in, bool pretty, char **ret_text, struct err *e)
{
	return generate(put_status_doc, in, "status", pretty, ret_text, e);
}
