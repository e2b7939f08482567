/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where attaching onto each destination's mount would propagate: the fact
 * behind "nothing the hook attaches propagates out of the container".  With
 * rootfsPropagation shared or rshared the runtime's bind mount of a source
 * that is shared on the host is a peer of the host's mount: anything
 * attached onto it is copied onto the host's source, where it stays after
 * the container is gone.  Seen here, decided in the plan.
 */
#include <stdio.h>
#include <string.h>

#include "facts.h"
#include "mounttree.h"
#include "peers.h"

/* The mount a bind destination resolved to, when it is one the hook could act on. */
static const struct mount_entry *seen_mount(const struct oci_spec *spec,
					    const struct mount_facts *f, const struct facts_view *v,
					    size_t i)
{
	if (!spec->mounts[i].is_bind || !f->seen_in_container || f->dest_errno || !f->at_mount_root)
		return NULL;
	return mountinfo_find(&v->table, (int)f->mnt_id);
}

static bool facts_any_shared(const struct oci_spec *spec, const struct mount_facts *facts,
			     const struct facts_view *v)
{
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct mount_entry *me = seen_mount(spec, &facts[i], v, i);

		if (me && me->shared)
			return true;
	}
	return false;
}

/* Where the mount at target (a path of one namespace) is: "at" it, when
 * it is below root ("/" and its part below root), else target itself. */
static void where(struct mount_facts *f, const char *root, const char *target)
{
	const char *rel;
	int r;

	if (root && mounttree_in_root(root, target, &rel) == 0)
		r = snprintf(f->reach_at, sizeof(f->reach_at), "/%s", rel);
	else
		r = snprintf(f->reach_at, sizeof(f->reach_at), "%s", target);
	if (r < 0)
		f->reach_at[0] = '\0';
	err_trim_utf8(f->reach_at);
}

static void reach_one(const struct oci_spec *spec, struct mount_facts *f,
		      const struct facts_view *v, const struct mount_entry *me,
		      const struct mount_table *host, const struct err *host_err)
{
	struct peers_hit hit = {0};
	int r;

	f->reach_group = me->shared;
	r = host ? peers_reach(&v->table, host, spec->root_path, me->id, &hit) : -EIO;
	if (r < 0) {
		f->reach = REACH_UNKNOWN;
		where(f, NULL, r == -ENOMEM ? "out of memory" : host_err->msg);
	} else if (r > 0) {
		f->reach = hit.in_host ? REACH_HOST : REACH_CONTAINER;
		where(f, hit.in_host ? NULL : spec->root_path, hit.mount->target);
	}
}

void facts_reach(const struct oci_spec *spec, struct mount_facts *facts, const struct facts_view *v,
		 const struct mount_table *host, const struct err *host_err)
{
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct mount_entry *me = seen_mount(spec, &facts[i], v, i);

		if (me && me->shared)
			reach_one(spec, &facts[i], v, me, host, host_err);
	}
}

/* Back in the hook's own namespace: its table, read only when a
 * destination is shared (else nothing can propagate). */
int facts_reach_from_host(const struct oci_spec *spec, struct mount_facts *facts,
			  const struct facts_view *v)
{
	struct mount_table host = {0};
	struct err he = {0};
	int r;

	if (!facts_any_shared(spec, facts, v))
		return 0;
	r = mountinfo_read("/proc/self/mountinfo", &host, &he);
	facts_reach(spec, facts, v, r < 0 ? NULL : &host, &he);
	mountinfo_free(&host);
	return r == -ENOMEM ? r : 0;
}
