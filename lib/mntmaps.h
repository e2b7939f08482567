/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The id maps of idmapped mounts, as the kernel reports them: listmount(2)
 * and statmount(2) with STATMOUNT_MNT_UIDMAP|GIDMAP (Linux 6.15), for every
 * mount of the caller's mount namespace.  The kernel shows a map as the
 * caller's user namespace sees it; from the initial one, each line "A B N"
 * reads as plan prints maps: on-disk ids A..A+N-1 are seen as B..B+N-1.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "spec.h"

struct mntmaps_entry {
	int id; /* the mount's id in /proc/<pid>/mountinfo */
	struct id_map uid_map, gid_map;
};

struct mnt_maps {
	struct mntmaps_entry *entries; /* idmapped mounts only, by id */
	size_t n;
	bool reported; /* this kernel reports maps: a mount not here has none */
};

/* The maps of every idmapped mount of the current mount namespace.
 * -ENOSYS or -EINVAL: this kernel cannot report them (older than 6.8, or
 * than 6.15 for the maps). */
int mntmaps_read(struct mnt_maps *ret_maps, struct err *e);

/* n map lines "A B N", each NUL-terminated, in text[0..len) (statmount's
 * format) into ret_map (allocated).  -EINVAL when they are not that. */
int mntmaps_parse(const char *text, size_t len, uint32_t n, struct id_map *ret_map);

const struct mntmaps_entry *mntmaps_find(const struct mnt_maps *m, int id);
void mntmaps_free(struct mnt_maps *m);
