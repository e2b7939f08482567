/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The facts of idmapped mounts: their own maps, read through an fd on each
 * by mntmaps_of_fd() (statmount, Linux 6.15), checked to be of the mount the
 * table showed, or why they are unknown, in the facts' words.  A part of
 * facts.c (its private header), not a reader of its own.
 */
#pragma once

#include <stdbool.h>

#include "idmap.h"
#include "facts.h"

/*
 * The maps of the idmapped mount fd lies on, into *uid and *gid (*known set);
 * or, when they cannot be read, *ret_errno and err (the failed step and its
 * errno's text).  expect_id: the mountinfo id of the mount fd must lie on,
 * or -1 for any; another mount there is ESTALE and its maps are not kept.
 */
void facts_read_maps(int fd, int expect_id, bool *known, struct idmap *uid, struct idmap *gid,
		     int *ret_errno, char err[static FACTS_REASON_MAX]);

/* The maps of each idmapped submount of f, through its mount point (in the
 * mount namespace its table was read in), checked to be that very mount. */
void facts_read_subs_maps(struct mount_facts *f);
