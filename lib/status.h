/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What is mounted now in a running container, for `oci-idmap-hook status`:
 * every mount of /proc/PID/mountinfo (its destination as the container sees
 * it), whether another mount covers it, whether it is idmapped and, where
 * the kernel reports them (statmount, Linux 6.15), its maps.  Observes only:
 * `plan` says what the hook would do, `status` shows what is.  Printed as a
 * table or JSON by report.h.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "mntmaps.h"
#include "mountinfo.h"

struct status_mount {
	const struct mount_entry *entry;
	bool covered; /* another mount is stacked on it */
	/* An idmapped mount's maps; NULL when the kernel does not report them. */
	const struct idmap *uid_map, *gid_map;
};

struct status {
	int pid;
	bool maps_reported; /* the kernel reports the maps of idmapped mounts */
	struct status_mount *mounts;
	size_t n_mounts;
	struct mount_table table; /* what mounts[] point into */
	struct mnt_maps maps;
};

/* The mounts of pid's mount namespace.  "status: pid N: no such process"
 * (-ESRCH) when there is none; maps this kernel cannot report are no
 * error (maps_reported false).  status_free() either way. */
int status_read(int pid, struct status *ret, struct err *e);
void status_free(struct status *s);
