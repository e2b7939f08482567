/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where an attach propagates (pure, over mount tables).  A mount attached
 * onto a shared mount R is copied, by the kernel, onto every other member of
 * R's peer group and every mount that receives from it (its slaves, their
 * peers, their slaves, ...), wherever that mount is, as long as R's root
 * lies within that mount's root (the copy goes at the same place in the
 * filesystem).  Peer group ids are global, so tables of different mount
 * namespaces can be compared.
 */
#pragma once

#include <stdbool.h>

#include "mountinfo.h"

/* A mount an attach onto R would reach. */
struct peers_hit {
	const struct mount_entry *mount; /* borrowed from the table it is in */
	bool in_host;			 /* in host (else in the container's table) */
};

/*
 * Would attaching onto mount id of the container's table (ct) reach a mount
 * of host (the hook's own namespace), or a mount of ct at or below rootfs
 * (the container's tree; mounts of ct outside it are the runtime's old root,
 * which it detaches at pivot_root)?  1 with the first such mount in
 * *ret_hit, 0 when none is reached, -ENOMEM.  host may be NULL (not read).
 */
int peers_reach(const struct mount_table *ct, const struct mount_table *host, const char *rootfs,
		int id, struct peers_hit *ret_hit);

/* Is mount id of t shared (an attach onto it propagates to its peers)? */
bool peers_is_shared(const struct mount_table *t, int id);
