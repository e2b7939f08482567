/* SPDX-License-Identifier: Apache-2.0 */
/* Cheap facts first (plan_cheap.c): what config.json, the host and each
 * source's walk tell, before anything costly is looked at. */
#pragma once

#include "facts.h"
#include "hostinfo.h"
#include "idmap.h"
#include "owner.h"
#include "plan_types.h"
#include "spec.h"

/*
 * Cheap facts first (plan_cheap.c): the mounts plan_build() could idmap as
 * far as config.json, the host and each source's walk tell (facts from
 * facts_walk()).  ret_look: one per spec mount, true for a candidate.
 * Returns how many there are; with none, the plan needs no other fact.
 */
size_t plan_candidates(const struct oci_spec *spec, const struct idmap *uid_ns,
		       const struct idmap *gid_ns, const struct hostinfo *host,
		       const struct mount_facts *facts, bool *ret_look);

/* Why the hook leaves mount m alone whatever the ids and whatever is
 * mounted (not a bind mount, an annotation, config.json's own idmap), or
 * NULL (plan_cheap.c). */
const char *plan_left_alone(const struct oci_spec *spec, const struct spec_mount *m);

/* The container user as the host sees it, into p. */
void plan_host_ids(struct plan *p, const struct idmap *uid_ns, const struct idmap *gid_ns);

/* The cheap rules (plan_cheap.c), first for every mount: rootless, policy
 * from config.json alone, the source's walk and the owner it found. */
bool plan_skip_cheap(const struct oci_spec *spec, const struct plan *p, const struct owner_rules *o,
		     const struct hostinfo *host, const struct mount_facts *f,
		     struct plan_mount *pm);
