/* SPDX-License-Identifier: Apache-2.0 */
#include "plan.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "owner.h"
#include "plan_maps.h"
#include "plan_owner.h"
#include "plan_tree.h"

/* The length of path without trailing slashes ("/" keeps its slash). */
static size_t trimmed_len(const char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	return n;
}

/* Is destination inner at or below outer (string-wise, as written)? */
static bool is_at_or_below(const char *inner, const char *outer)
{
	size_t n = trimmed_len(outer), k = trimmed_len(inner);

	if (n == 1)
		return true; /* outer is "/" */
	return k >= n && strncmp(inner, outer, n) == 0 && (k == n || inner[n] == '/');
}

/* The runtimes mount in config.json's order (runc and crun do not sort): a
 * later mount at or above this destination covers it for good.  Returns the
 * covering mount, or NULL.  Paths that alias only through symlinks are not
 * seen here; the hook checks what is really at the destination anyway. */
static const struct spec_mount *plan_covered_by(const struct oci_spec *spec,
						const struct spec_mount *m)
{
	const struct spec_mount *cover = NULL;

	for (size_t k = (size_t)(m - spec->mounts) + 1; k < spec->n_mounts; k++)
		if (is_at_or_below(m->destination, spec->mounts[k].destination))
			cover = &spec->mounts[k];
	return cover;
}

/* Is mount i's own mount what the container shows at its destination?  In
 * the container this was seen (facts.c); without one, by spelling only. */
static bool plan_skip_hidden(const struct oci_spec *spec, const struct mount_facts *facts,
			     struct plan_mount *pm)
{
	size_t i = (size_t)(pm->mount - spec->mounts);
	const struct mount_facts *f = &facts[i];
	const struct spec_mount *cover;

	if (!f->seen_in_container) {
		if (!(cover = plan_covered_by(spec, pm->mount)))
			return false;
		plan_fall_back(pm, "hidden by %s, which config.json mounts later on top of it",
			       cover->destination);
	} else if (f->dest_errno) {
		plan_fall_back(pm, "cannot look at the destination in the container: %s",
			       f->dest_err);
		pm->failed = -f->dest_errno;
	} else if (f->made_by != FACTS_NO_ENTRY && f->made_by > i)
		plan_fall_back(pm, "hidden by %s, which config.json mounts later on top of it",
			       spec->mounts[f->made_by].destination);
	else if (!f->at_mount_root || f->made_by != i)
		plan_fall_back(pm, "no mount at the destination (it resolves to %s)",
			       f->at_mount_root ? "another entry's mount"
						: "a place that is not a mount");
	else
		return false;
	return true;
}

/* Filesystems whose mounts Linux (up to 6.18 at least) never idmaps. */
static const char *const never_idmappable[] = {
    "proc",    "sysfs",	     "devtmpfs", "devpts", "mqueue",   "cgroup",   "cgroup2",	  "debugfs",
    "tracefs", "securityfs", "bpf",	 "pstore", "configfs", "efivarfs", "binfmt_misc", "fusectl",
    "autofs",  "nsfs",	     "overlay",	 "nfs",	   "nfs4",     "9p",	   "cifs",	  "smb3",
};

static bool is_never_idmappable(const char *fstype)
{
	for (size_t i = 0; i < ARRAY_SIZE(never_idmappable); i++)
		if (strcmp(fstype, never_idmappable[i]) == 0)
			return true;
	return false;
}

/* Can a mount (what names it) be idmapped, as far as the facts tell? */
static bool plan_skip_unidmappable(const char *what, const char *fstype, bool idmapped,
				   struct plan_mount *pm)
{
	if (idmapped)
		plan_fall_back(pm, "%s is already an idmapped mount", what);
	else if (is_never_idmappable(fstype))
		plan_fall_back(pm, "%s is on a filesystem of type %s, which cannot be idmapped",
			       what, fstype);
	else
		return false;
	/* To be idmapped, and the kernel cannot: a fallback, not a decision. */
	pm->fallback = true;
	return true;
}

/* The source path as written must lead to the very mount that is there
 * (the walk itself succeeded: plan_skip_cheap). */
static bool plan_skip_elsewhere(const struct spec_mount *m, const struct mount_facts *f,
				struct plan_mount *pm)
{
	if (f->walk.end.dev == f->dev && f->walk.end.ino == f->ino)
		return false;
	plan_fall_back(pm,
		       "the mount at the destination is not the runtime's mount of %s (the "
		       "source path leads elsewhere now)",
		       m->source);
	return true;
}

/* Every directory and symlink on the source path belongs to root or to the
 * volume's owner, and none lets others replace its entries (in the spirit
 * of OpenSSH's StrictModes and the kernel's protected_symlinks). */
static bool plan_skip_by_path(const struct mount_facts *f, struct plan_mount *pm)
{
	const struct path_walk *w = &f->walk;

	if (w->open_dir[0]) {
		plan_fall_back(
		    pm,
		    "%s, on the source path, lets others replace its entries (writable by "
		    "group or others, no sticky bit)",
		    w->open_dir);
		return true;
	}
	for (size_t k = 0; k < w->n_owners; k++) {
		if (w->owners[k] == f->uid)
			continue;
		plan_fall_back(pm,
			       "%s, on the source path, belongs to uid %" PRIu32
			       ", neither root nor the volume's owner",
			       w->owner_at[k], w->owners[k]);
		return true;
	}
	return false;
}

/* Policy on what is mounted; on idmap, fills the mapping pair. */
static bool plan_skip_by_source(const struct oci_spec *spec, const struct plan *p,
				const struct owner_rules *o, struct accounts *acc,
				const struct mount_facts *f, struct plan_mount *pm,
				struct tree_maps *ret_t)
{
	if (plan_skip_elsewhere(pm->mount, f, pm))
		return true;
	pm->has_owner = true;
	pm->owner_uid = f->uid;
	pm->owner_gid = f->gid;
	if (f->already_idmapped && !f->maps_known) {
		int code = plan_maps_errno(f->maps_errno);

		plan_fall_back(pm, "source is already an idmapped mount, whose maps %s: %s",
			       plan_unknown_maps_words(code), f->maps_err);
		pm->fallback = true;
		/* A step failed (statmount): as a failed step of the remount would. */
		pm->failed = -code;
		return true;
	}
	if (plan_skip_by_owner(spec, p, o, f, pm))
		return true;
	if (plan_skip_by_path(f, pm))
		return true;
	if (plan_skip_unidmappable("source", f->fstype, false, pm))
		return true;
	for (size_t k = 0; k < f->n_subs; k++) {
		char what[PLAN_REASON_MAX], path[PLAN_REASON_MAX];

		snprintf(what, sizeof(what), "submount %s",
			 plan_sub_path(spec, pm->mount, &f->subs[k], path));
		/* An idmapped one gets its own composed maps (plan_skip_maps). */
		if (plan_skip_unidmappable(what, f->subs[k].fstype, false, pm))
			return true;
	}
	/* Only now, when nothing else skips it, may the account files be read. */
	if (plan_skip_by_group(spec, p, o, acc, f, pm, &ret_t->swap))
		return true;
	/* Last: the composed maps may own memory, which only an idmap keeps. */
	return plan_skip_maps(spec, p, o, f, pm, ret_t);
}

/* FUSE ("fuse", "fuseblk", "fuse.<subtype>") and virtiofs: up to the server. */
static bool is_fuse(const char *fstype)
{
	return strcmp(fstype, "fuse") == 0 || strcmp(fstype, "fuseblk") == 0 ||
	       strncmp(fstype, "fuse.", 5) == 0 || strcmp(fstype, "virtiofs") == 0;
}

/* A note on an idmap entry: maps composed with an idmapped source's, and
 * FUSE left to the kernel, after the owner's note (what is left unmapped). */
static void plan_note(const struct mount_facts *f, struct plan_mount *pm)
{
	static const char fuse_note[] =
	    "FUSE can be idmapped only where its server allows it: tried at start";
	static const char composed_note[] = "maps composed with the source's own idmap";
	bool fuse = is_fuse(f->fstype);
	size_t n = strlen(pm->reason);

	if (pm->composed && snprintf(pm->reason + n, sizeof(pm->reason) - n, "%s%s", n ? "; " : "",
				     composed_note) < 0)
		pm->reason[n] = '\0';
	n = strlen(pm->reason);

	for (size_t k = 0; k < f->n_subs && !fuse; k++)
		fuse = is_fuse(f->subs[k].fstype);
	if (fuse &&
	    snprintf(pm->reason + n, sizeof(pm->reason) - n, "%s%s", n ? "; " : "", fuse_note) < 0)
		pm->reason[n] = '\0';
}

/* One id of a planned mount's root through its clone: seen (as the hook read
 * it) taken back to the on-disk id where the source is idmapped (composed
 * maps apply to on-disk ids), then sent through the planned map. */
static bool plan_shown_id(const struct idmap *map, const struct idmap *src_map, bool composed,
			  uint32_t seen, uint32_t *ret)
{
	uint32_t on_disk = seen;

	if (composed && !idmap_apply_inverse(src_map, seen, &on_disk))
		return false;
	return idmap_apply(map, on_disk, ret);
}

/* What the clone of planned mount pm must show before it is attached. */
static void plan_shows(const struct plan *p, const struct mount_facts *f, struct plan_mount *pm)
{
	const struct plan_mapping *m = &p->mappings[pm->mapping];

	snprintf(pm->fstype, sizeof(pm->fstype), "%s", f->fstype);
	pm->shows_known = pm->has_owner &&
			  plan_shown_id(&m->uid_map, &f->src_uid_map, pm->composed, pm->owner_uid,
					&pm->shows_uid) &&
			  plan_shown_id(&m->gid_map, &f->src_gid_map, pm->composed, pm->owner_gid,
					&pm->shows_gid);
}

int plan_build(const struct oci_spec *spec, const struct idmap *uid_ns, const struct idmap *gid_ns,
	       const struct hostinfo *host, struct accounts *acc, const struct mount_facts *facts,
	       const struct facts_view *view, struct plan *ret_plan, struct err *e)
{
	struct plan p = {.uid = spec->uid, .gid = spec->gid};
	struct owner_rules o = owner_rules(uid_ns, gid_ns, host);

	plan_host_ids(&p, uid_ns, gid_ns);
	p.n_mounts = spec->n_mounts;
	if (spec->n_mounts > 0 && !(p.mounts = calloc(spec->n_mounts, sizeof(*p.mounts))))
		return err_set(e, ENOMEM, "plan");
	for (size_t i = 0; i < spec->n_mounts; i++) {
		struct plan_mount *pm = &p.mounts[i];
		struct tree_maps t = {0};
		bool skipped;
		int r = 0;

		pm->mount = &spec->mounts[i];
		/* Cheap rules first (plan_cheap.c), then the exact view's. */
		skipped = plan_skip_cheap(spec, &p, &o, host, &facts[i], pm) ||
			  plan_skip_hidden(spec, facts, pm) ||
			  plan_skip_by_source(spec, &p, &o, acc, &facts[i], pm, &t);
		if (!skipped) {
			pm->action = PLAN_IDMAP;
			r = plan_take_maps(spec, &p, &facts[i], pm, &t);
			if (r >= 0)
				plan_shows(&p, &facts[i], pm);
			plan_note(&facts[i], pm);
		}
		plan_tree_maps_free(&t);
		if (r < 0) {
			plan_free(&p);
			return err_set(e, -r, "plan");
		}
	}
	if (plan_kernel(spec, facts, view, &p) < 0) {
		plan_free(&p);
		return err_set(e, ENOMEM, "plan");
	}
	*ret_plan = p;
	return 0;
}

size_t plan_count(const struct plan *p, enum plan_action action)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_mounts; i++)
		n += p->mounts[i].action == action;
	return n;
}

void plan_free(struct plan *p)
{
	plan_trees_free(p);
	for (size_t i = 0; i < p->n_mappings; i++)
		plan_mapping_free(&p->mappings[i]);
	for (size_t i = 0; p->mounts && i < p->n_mounts; i++)
		free(p->mounts[i].subs);
	free(p->mounts);
	free(p->mappings);
	*p = (struct plan){0};
}
