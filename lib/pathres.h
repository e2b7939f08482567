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
#include <limits.h>
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
	uint32_t mode; /* st_mode */
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

/*
 * The sources of one config.json share their first directories (/var/lib/...,
 * a volumes directory).  A cache keeps the directories the last walk went
 * through by name from the root (up to its first symlink or ".."), each with
 * what the walk had recorded on reaching it; the next walk through the same
 * names starts from the deepest one, with that record, and reports exactly
 * what a walk from the root would have, minus the system calls.
 */
#define PATHRES_CACHE_LEVELS 32

struct pathres_level {
	int fd;		       /* owned by the cache */
	struct path_info info; /* of fd */
	size_t here_len;       /* this level's path: the cache's here[0..here_len) */
	size_t n_owners;       /* the walk's owners on reaching it */
	bool open_dir;	       /* the walk's open_dir was set on reaching it */
};

struct pathres_cache {
	int root_fd; /* the root every walk starts from (borrowed) */
	size_t n;    /* levels kept; level 0 is the root */
	struct pathres_level levels[PATHRES_CACHE_LEVELS];
	char here[PATH_MAX];  /* the deepest level's path */
	struct path_walk rec; /* owners and open_dir as the deepest level was reached */
};

/* A cache for walks from root_fd, which must stay open as long as it. */
void pathres_cache_init(struct pathres_cache *c, int root_fd);
void pathres_cache_free(struct pathres_cache *c);

/* pathres_walk() from c's root, through c. */
void pathres_walk_cached(struct pathres_cache *c, const char *path, struct path_walk *ret);
