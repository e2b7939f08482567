/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Paths the hook follows, each in the one way that is safe for it:
 *  - a destination, resolved inside the rootfs only (openat2 RESOLVE_IN_ROOT:
 *    symlinks and ".." cannot leave it);
 *  - a place inside a mount tree the hook holds (RESOLVE_BENEATH, no symlinks);
 *  - a bind mount's source on the host, walked component by component with
 *    every symlink followed by hand, recording who could have changed it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

#define PATHRES_AT_MAX 256
/* Distinct non-root owners kept: two differ from any one volume owner. */
#define PATHRES_OWNERS_MAX 2
/* Symlinks followed in one walk: the kernel's own limit (MAXSYMLINKS). */
#define PATHRES_SYMLINKS_MAX 40

struct path_info {
	uint64_t mnt_id;
	dev_t dev;
	ino_t ino;
	uint32_t uid, gid;
	bool is_dir;
	bool is_mount_root;
};

/* What a walk of a source path saw: where it ended, or where it stopped,
 * and every directory and symlink it went through. */
struct path_walk {
	int err;		       /* 0: the walk reached the end */
	char at[PATHRES_AT_MAX];       /* err: the component it stopped at */
	char open_dir[PATHRES_AT_MAX]; /* the first directory on the way whose entries
					  others may replace (g/o+w, no sticky bit), or "" */
	size_t n_owners;	       /* distinct non-root owners of directories and
					  symlinks on the way (at most PATHRES_OWNERS_MAX kept) */
	uint32_t owners[PATHRES_OWNERS_MAX];
	char owner_at[PATHRES_OWNERS_MAX][PATHRES_AT_MAX];
	struct path_info end; /* what the walk reached */
};

/* An O_PATH fd for dest, resolved as if root_fd were "/". */
int pathres_open_in_root(int root_fd, const char *dest, int *ret_fd, struct err *e);

/* An O_PATH fd for rel below dir_fd: no symlink, never above dir_fd, and
 * with same_mount never into another mount. */
int pathres_open_beneath(int dir_fd, const char *rel, bool same_mount, int *ret_fd, struct err *e);

/* Mount id, device, inode, owner and mount-root flag of an fd. */
int pathres_info(int fd, struct path_info *ret_info, struct err *e);

/* Walk path (absolute: from root_fd) as the kernel would, but one component
 * at a time, following symlinks by hand; never fails, it reports. */
void pathres_walk(int root_fd, const char *path, struct path_walk *ret);
