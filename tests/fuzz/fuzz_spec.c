/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: bytes -> config.json text -> spec_parse() with a fixed
 * bundle -> plan_build() -> report_plan_json(), the path of `plan` mode.
 * The facts of each mount are derived from its destination, so the fuzzer
 * reaches every branch of the plan (root-owned, already idmapped, stat
 * failure, cannot idmap, hidden or not a mount in the container, a path
 * others can change, a real swap) by changing a string.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "plan.h"
#include "report.h"
#include "spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint32_t ids[] = {0, 20, 501, 1000, 65534, ID_MAX};
#define N_IDS (sizeof(ids) / sizeof(ids[0]))

static void facts_of(const struct oci_spec *s, size_t i, struct mount_facts *f)
{
	const struct spec_mount *m = &s->mounts[i];
	uint32_t h = 2166136261u;

	for (const char *p = m->destination; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	*f = (struct mount_facts){0};
	/* The source's walk on the host (the cheap facts), and what is mounted. */
	f->walk.err = h % 7 == 0 ? ENOENT : 0;
	f->walk.end.uid = f->uid = ids[(h >> 3) % N_IDS];
	f->walk.end.gid = f->gid = ids[(h >> 8) % N_IDS];
	f->walk.end.is_dir = f->is_dir = h & 1;
	f->already_idmapped = (h >> 13) % 5 == 0;
	f->made_by = FACTS_NO_ENTRY;
	if ((h >> 17) % 4 == 0)
		snprintf(f->fstype, sizeof(f->fstype), "%s", (h >> 19) % 2 ? "proc" : "fuse");
	/* Seen in a container: made by itself, a later entry, or not a mount. */
	if ((h >> 21) % 3 == 0) {
		f->seen_in_container = true;
		f->at_mount_root = (h >> 23) % 4 != 0;
		f->made_by = (h >> 25) % 2 && i + 1 < s->n_mounts ? s->n_mounts - 1 : i;
	}
	/* The path walk: the volume path itself may be long, as in messages. */
	if ((h >> 27) % 5 == 0) {
		f->walk.n_owners = 1;
		f->walk.owners[0] = ids[(h >> 5) % N_IDS];
		snprintf(f->walk.owner_at[0], sizeof(f->walk.owner_at[0]), "%.200s",
			 m->destination);
	}
}

/* The printed plan must be JSON that our own parser accepts. */
static void report(const struct plan *p, bool pretty)
{
	struct report_input in = {.id = "fuzz", .bundle = "/bundle", .plan = p};
	json_value *root = NULL;
	struct err e = {0};
	char *text = NULL;

	/* Every string came through yajl's UTF-8 check: printing cannot fail. */
	if (report_plan_json(&in, pretty, &text, &e) < 0 || json_parse(text, &root, &e) < 0)
		abort();
	json_free(root);
	free(text);
}

static void plan(const struct oci_spec *s)
{
	const struct idmap *uid_ns = NULL, *gid_ns = NULL;
	struct mount_facts *facts = calloc(s->n_mounts + 1, sizeof(*facts));
	struct hostinfo host = HOSTINFO_INITIAL;
	struct accounts acc = {.read = true}; /* read, and empty: never opens a file */
	struct plan p = {0};
	struct err e = {0};

	if (!facts)
		return;
	for (size_t i = 0; i < s->n_mounts; i++)
		facts_of(s, i, &facts[i]);
	if (s->has_userns && s->uid_map.n > 0 && s->gid_map.n > 0) {
		uid_ns = &s->uid_map;
		gid_ns = &s->gid_map;
	}
	if (plan_build(s, uid_ns, gid_ns, &host, &acc, facts, NULL, &p, &e) == 0) {
		if (p.n_mounts != s->n_mounts || p.n_mappings > s->n_mounts)
			abort();
		report(&p, false);
		report(&p, true);
		plan_free(&p);
	}
	free(facts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oci_spec s = {0};
	struct err e = {0};
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (spec_parse(text, "/bundle", &s, &e) == 0) {
		plan(&s);
		spec_free(&s);
	} else if (e.code == 0 || !e.msg[0] || strchr(e.msg, '\n')) {
		abort(); /* a failure must come with a one-line message */
	}
	free(text);
	return 0;
}
