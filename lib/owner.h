/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Whose ids the container user may receive (pure; plan.c uses it).
 *
 * Owners never handed to a container user, uid and gid each: root on the
 * host, the container's root (the host ids container 0 maps to; host 0
 * without a user namespace) and the overflow id (what an id not mapped
 * where the hook runs reads as).  Such an id is never swapped; the other
 * one of the pair is decided on its own.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hostinfo.h"
#include "idmap.h"
#include "spec.h"

struct owner_rules {
	uint32_t root_uid, root_gid; /* the container's root on the host */
	uint32_t overflow_uid, overflow_gid;
};

/* uid_ns/gid_ns: the container's user namespace maps, or NULL. */
struct owner_rules owner_rules(const struct id_map *uid_ns, const struct id_map *gid_ns,
			       const struct hostinfo *host);

/*
 * The maps for a source owned uid:gid and a container user who is
 * host_uid:host_gid on the host.  Returns true when nothing may or need be
 * swapped, with the reason to skip in why; false with both maps filled and,
 * in why, a note on what is left unmapped ("" when nothing is).
 */
bool owner_decide(const struct owner_rules *o, uint32_t uid, uint32_t gid, uint32_t host_uid,
		  uint32_t host_gid, struct idmap *ret_uid_map, struct idmap *ret_gid_map,
		  char *why, size_t size);
