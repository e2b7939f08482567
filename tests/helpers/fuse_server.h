/* SPDX-License-Identifier: Apache-2.0 */
/* fuse_server: shared between its loop (fuse_server.c) and its operations
 * (fuse_server_ops.c).  Test-only. */
#pragma once

#include <linux/fuse.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* Linux 6.12 (protocol 7.41): the server allows idmapped mounts (a flags2
 * bit of the INIT reply, honoured only with default_permissions). */
#ifndef FUSE_ALLOW_IDMAP
#define FUSE_ALLOW_IDMAP (1ULL << 40)
#endif
/* The uid and gid of a request that carries no caller ids: with
 * FUSE_ALLOW_IDMAP, every request but those that create an inode. */
#ifndef FUSE_INVALID_UIDGID
#define FUSE_INVALID_UIDGID ((uint32_t)-1)
#endif

enum fs_mode { MODE_ALLOW, MODE_DENY, MODE_PERCALLER, MODE_JUNK };

/* What junk adds to every owner a caller other than root sees. */
#define JUNK_SHIFT 1000000u

struct server {
	int dev;     /* /dev/fuse */
	int backing; /* O_PATH fd of the backing directory */
	enum fs_mode mode;
	char **paths; /* per node id - 1: its path below the backing directory ("." for the root) */
	size_t n_paths, cap_paths;
};

/* The reply to request unique: error (0 or -errno) and a payload. */
void reply(struct server *s, uint64_t unique, int error, const void *data, size_t len);
/* The same with two parts (CREATE: entry then open). */
void reply2(struct server *s, uint64_t unique, const void *a, size_t alen, const void *b,
	    size_t blen);

/* The path of node id, or NULL. */
const char *node_path(const struct server *s, uint64_t id);
/* The node id of parent/name, made when new; 0 when out of memory. */
uint64_t node_child(struct server *s, uint64_t parent, const char *name);

/* Fill a's owner for the caller of h (the mode's rule) and the rest from st. */
void fill_attr(const struct server *s, const struct fuse_in_header *h, const struct stat *st,
	       struct fuse_attr *a);

/* Answer one request (not INIT); in: its payload, len bytes. */
void handle(struct server *s, const struct fuse_in_header *h, const char *in, size_t len);
