/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cheap facts first.  The plan's first rules need only what costs
 * microseconds: config.json, the host-wide facts, and the walk of each
 * source on the host (one statx a step).  What costs milliseconds (loading
 * libmount, entering the container, reading its mount table, resolving the
 * destinations there) is the exact view, taken afterwards for the mounts
 * these rules leave, the candidates, and not at all when there are none:
 * then the hook is done.
 *
 * The invariant: a mount the cheap rules pass over is left as the runtime
 * made it.  That is always safe (the container sees what it would see
 * without the hook), and no exact view could have changed the answer: each
 * rule holds whatever the container shows.  The owner rule is applied to
 * the owner of what the source path leads to on the host; the runtime's
 * mount at the destination is that very inode, or the exact view finds it
 * is not and skips the mount anyway (plan.c, "leads elsewhere").  The
 * exact view stays the authority for every candidate: it applies the owner
 * rule again, to the owner the runtime's mount shows.
 *
 * plan_build() applies these rules first to every mount, so a mount gets
 * the same decision and the same words whether or not anything else in
 * config.json was a candidate; `plan` prints what a start does.
 */
#include <inttypes.h>
#include <string.h>

#include "cleanup.h"
#include "plan_cheap.h"

void plan_host_ids(struct plan *p, const struct idmap *uid_ns, const struct idmap *gid_ns)
{
	p->has_userns = uid_ns || gid_ns;
	p->host_uid = p->uid;
	p->host_gid = p->gid;
	p->has_host_ids = true;
	if (uid_ns && !idmap_apply(uid_ns, p->uid, &p->host_uid))
		p->has_host_ids = false;
	if (gid_ns && !idmap_apply(gid_ns, p->gid, &p->host_gid))
		p->has_host_ids = false;
}

/* Outside the initial user namespace (a rootless engine runs its hooks
 * there) the kernel refuses to idmap a filesystem the host mounted (EPERM).
 * Only one mounted inside that namespace (a tmpfs) could be, but the swap's
 * map covers every id, and a child namespace can map only the ids its
 * parent has (measured rootless: EPERM on uid_map).  So every bind mount is
 * left alone, saying why, and no user namespace is created. */
static bool plan_skip_rootless(const struct hostinfo *host, const struct mount_facts *f,
			       struct plan_mount *pm)
{
	if (host->in_initial_userns || !pm->mount->is_bind)
		return false;
	if (!f->walk.err) {
		pm->has_owner = true; /* as seen there: often the overflow id */
		pm->owner_uid = f->walk.end.uid;
		pm->owner_gid = f->walk.end.gid;
	}
	plan_fall_back(pm,
		       "rootless: the hook runs in a user namespace (uid_map %s), where the kernel "
		       "refuses to idmap a filesystem of the host",
		       host->uid_map[0] ? host->uid_map : "unknown");
	return true;
}

const char *plan_left_alone(const struct oci_spec *spec, const struct spec_mount *m)
{
	if (!m->is_bind)
		return "not a bind mount";
	if (spec->disabled)
		return "disabled by annotation " ANNOTATION_DISABLE;
	if (spec_is_skipped_destination(spec, m->destination))
		return "skipped by annotation " ANNOTATION_SKIP;
	if (m->has_idmap)
		return "config.json already gives this mount an id mapping";
	return NULL;
}

/* Policy that needs no knowledge of the source. */
static bool plan_skip_by_config(const struct oci_spec *spec, const struct plan *p,
				struct plan_mount *pm)
{
	const char *reason = plan_left_alone(spec, pm->mount);

	if (reason)
		plan_fall_back(pm, "%s", reason);
	else if (!p->has_host_ids)
		plan_fall_back(pm,
			       "container user %" PRIu32 ":%" PRIu32
			       " has no host id in the container's user namespace",
			       p->uid, p->gid);
	else if (p->host_uid == 0)
		plan_fall_back(pm, "container user is root on the host; nothing to map");
	else
		return false;
	return true;
}

/* The source as the walk on the host found it: there, and whose. */
static bool plan_skip_by_walk(const struct plan *p, const struct owner_rules *o,
			      const struct spec_mount *m, const struct path_walk *w,
			      struct plan_mount *pm)
{
	struct owner_view v = {.seen = OWNER_SEEN_SOURCE, .has_uid = true, .has_gid = true};

	if (w->err && w->at[0] && m->source && strcmp(w->at, m->source) != 0) {
		plan_fall_back(pm, "cannot stat source: %s: %s", w->at, strerror(w->err));
		return true;
	}
	if (w->err) {
		plan_fall_back(pm, "cannot stat source: %s", strerror(w->err));
		return true;
	}
	v.uid = w->end.uid;
	v.gid = w->end.gid;
	if (!owner_skip(o, &v, 1, p->host_uid, p->host_gid, pm->reason, sizeof(pm->reason)))
		return false;
	pm->action = PLAN_SKIP;
	pm->has_owner = true;
	pm->owner_uid = v.uid;
	pm->owner_gid = v.gid;
	return true;
}

/*
 * A volume a linux.readonlyPaths entry overlaps is left as the runtime made
 * it.  After the hooks, runc and crun bind each such path onto itself, with
 * everything below it, and remount the copy read-only: the copy of an
 * idmapped clone loses the nosuid the hook gives it (measured with crun),
 * and a copy made above a volume lands, with the clone, on every peer of
 * the mount it is made in, the host's among them (the mount-tree rule:
 * every mount ends with at least what the runtime gives it and nosuid, and
 * nothing propagates out).  The hook cannot make the runtime's copy, so it
 * adds nothing for the copy to carry (a warning: the volume was to be
 * remapped).  Runtimes put readonlyPaths under
 * /proc (Docker, Podman: /proc/bus, /proc/sys, ...), where no volume goes.
 */
static bool plan_skip_readonly_path(const struct oci_spec *spec, const struct mount_facts *f,
				    struct plan_mount *pm)
{
	const char *ro = spec_readonly_overlap(spec, pm->mount->destination);

	if (!ro)
		return false;
	pm->has_owner = true;
	pm->owner_uid = f->walk.end.uid;
	pm->owner_gid = f->walk.end.gid;
	plan_fall_back(pm,
		       "linux.readonlyPaths has %s, which the runtime binds onto itself after the "
		       "hooks: a copy of an idmapped clone would lose its nosuid, or propagate",
		       ro);
	/* A volume that was to be remapped and is not: a warning, and with
	 * --strict a failed start, as where an attach would propagate. */
	pm->fallback = true;
	return true;
}

bool plan_skip_cheap(const struct oci_spec *spec, const struct plan *p, const struct owner_rules *o,
		     const struct hostinfo *host, const struct mount_facts *f,
		     struct plan_mount *pm)
{
	return plan_skip_rootless(host, f, pm) || plan_skip_by_config(spec, p, pm) ||
	       plan_skip_by_walk(p, o, pm->mount, &f->walk, pm) ||
	       plan_skip_readonly_path(spec, f, pm);
}

size_t plan_candidates(const struct oci_spec *spec, const struct idmap *uid_ns,
		       const struct idmap *gid_ns, const struct hostinfo *host,
		       const struct mount_facts *facts, bool *ret_look)
{
	struct plan p = {.uid = spec->uid, .gid = spec->gid};
	struct owner_rules o = owner_rules(uid_ns, gid_ns, host);
	size_t n = 0;

	plan_host_ids(&p, uid_ns, gid_ns);
	for (size_t i = 0; i < spec->n_mounts; i++) {
		struct plan_mount pm = {.mount = &spec->mounts[i]};

		ret_look[i] = !plan_skip_cheap(spec, &p, &o, host, &facts[i], &pm);
		n += ret_look[i];
	}
	return n;
}
