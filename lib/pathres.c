/* SPDX-License-Identifier: Apache-2.0 */
#include "pathres.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "cleanup.h"
#include "syscalls.h"

/* openat2 fails with EAGAIN when a rename raced with the walk; the kernel
 * leaves the retry to the caller.  A few tries, never an endless loop. */
#define PATHRES_EAGAIN_TRIES 8

static int open_how(int dfd, const char *path, uint64_t resolve, int *ret_fd)
{
	struct sys_open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = resolve};
	int fd = -1;

	for (int tries = 0; tries < PATHRES_EAGAIN_TRIES; tries++) {
		fd = sys_openat2(dfd, path, &how);
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

int pathres_open_in_root(int root_fd, const char *dest, int *ret_fd, struct err *e)
{
	int r = open_how(root_fd, dest, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, ret_fd);

	return r < 0 ? err_set(e, -r, "resolve %s in the rootfs", dest) : 0;
}

int pathres_open_beneath(int dir_fd, const char *rel, bool same_mount, int *ret_fd, struct err *e)
{
	int r = open_how(dir_fd, *rel ? rel : ".",
			 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
			     (same_mount ? RESOLVE_NO_XDEV : 0),
			 ret_fd);

	return r < 0 ? err_set(e, -r, "resolve %s beneath the mount", rel) : 0;
}

/* name below dirfd ("" and AT_EMPTY_PATH: dirfd itself), never through a
 * symlink or an automount. */
static int info_at(int dirfd, const char *name, int flags, struct path_info *ret_info,
		   struct err *e)
{
	struct statx stx;

	if (statx(dirfd, name, flags | AT_NO_AUTOMOUNT | AT_SYMLINK_NOFOLLOW,
		  STATX_BASIC_STATS | STATX_MNT_ID, &stx) < 0)
		return err_set(e, errno, "statx");
	if (!(stx.stx_mask & STATX_MNT_ID) || !(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return err_msg(e, ENOSYS, "statx: kernel does not report mount ids");
	*ret_info = (struct path_info){
	    .mnt_id = stx.stx_mnt_id,
	    .dev = makedev(stx.stx_dev_major, stx.stx_dev_minor),
	    .ino = stx.stx_ino,
	    .uid = stx.stx_uid,
	    .gid = stx.stx_gid,
	    .mode = stx.stx_mode,
	    .is_dir = S_ISDIR(stx.stx_mode),
	    .is_mount_root = stx.stx_attributes & STATX_ATTR_MOUNT_ROOT,
	};
	return 0;
}

int pathres_info(int fd, struct path_info *ret_info, struct err *e)
{
	return info_at(fd, "", AT_EMPTY_PATH, ret_info, e);
}

/* The walk's state: the directory it is in, and what is left to walk. */
struct walk {
	int root_fd;
	int cur;		   /* owned unless cur_cached */
	bool cur_cached;	   /* cur belongs to the cache */
	struct path_info cur_info; /* of cur, once have_info */
	bool have_info;
	struct path_info end; /* the last component, seen by name (at_end) */
	bool at_end;
	char here[PATH_MAX]; /* the path of cur, for messages */
	char rest[2 * PATH_MAX];
	int links;
	struct path_walk *w;
	struct pathres_cache *cache; /* NULL: none */
	size_t depth;		     /* cur is cache level depth, while by_name */
	bool by_name;		     /* only names from the root so far: cacheable */
};

/* dir + "/" + name, cut to fit: these are for messages. */
static void set_at(char out[static PATHRES_AT_MAX], const char *dir, const char *name)
{
	int n = snprintf(out, PATHRES_AT_MAX, "%s%s%s", dir, *name ? "/" : "", name);

	if (n >= PATHRES_AT_MAX) /* ... keep it a C string that says it was cut */
		memcpy(out + PATHRES_AT_MAX - 4, "...", 4);
}

static void stop(struct walk *k, int err, const char *name)
{
	k->w->err = err;
	set_at(k->w->at, k->here, name);
}

static void record_owner(struct path_walk *w, uint32_t uid, const char *at)
{
	if (uid == 0)
		return;
	for (size_t i = 0; i < w->n_owners; i++)
		if (w->owners[i] == uid)
			return;
	if (w->n_owners == PATHRES_OWNERS_MAX)
		return;
	w->owners[w->n_owners] = uid;
	set_at(w->owner_at[w->n_owners], at[0] ? at : "/", "");
	w->n_owners++;
}

/* cur is a directory on the way (the walk goes on below it). */
static void note_dir(struct walk *k, const struct path_info *dir)
{
	const char *at = k->here[0] ? k->here : "/";

	record_owner(k->w, dir->uid, at);
	if ((dir->mode & (S_IWGRP | S_IWOTH)) && !(dir->mode & S_ISVTX) && !k->w->open_dir[0])
		set_at(k->w->open_dir, at, "");
}

static void drop_cur(struct walk *k)
{
	if (!k->cur_cached)
		close_fdp(&k->cur);
	k->cur = -EBADF;
	k->cur_cached = false;
	k->have_info = false;
}

/* --- the cache ---------------------------------------------------------------- */

void pathres_cache_init(struct pathres_cache *c, int root_fd)
{
	c->root_fd = root_fd;
	c->n = 0;
}

/* Keep levels [0, n) only. */
static void cache_cut(struct pathres_cache *c, size_t n)
{
	while (c->n > n)
		close_fdp(&c->levels[--c->n].fd);
}

void pathres_cache_free(struct pathres_cache *c)
{
	cache_cut(c, 0);
}

/* Is level d + 1 of the cache reached from level d by name? */
static bool cache_has_next(const struct pathres_cache *c, size_t d, const char *name)
{
	const char *at = c->here + c->levels[d].here_len;
	size_t len = strlen(name);

	return d + 1 < c->n && c->levels[d + 1].here_len == c->levels[d].here_len + 1 + len &&
	       at[0] == '/' && memcmp(at + 1, name, len) == 0;
}

/* The walk is at level d of the cache, with the record it had there. */
static void cache_resume(struct walk *k, size_t d)
{
	const struct pathres_cache *c = k->cache;
	const struct pathres_level *l = &c->levels[d];
	struct path_walk *w = k->w;

	drop_cur(k);
	k->cur = l->fd;
	k->cur_cached = true;
	k->cur_info = l->info;
	k->have_info = true;
	k->depth = d;
	memcpy(k->here, c->here, l->here_len);
	k->here[l->here_len] = '\0';
	w->n_owners = l->n_owners;
	for (size_t i = 0; i < PATHRES_OWNERS_MAX; i++) {
		bool had = i < l->n_owners;

		w->owners[i] = had ? c->rec.owners[i] : 0;
		memcpy(w->owner_at[i], had ? c->rec.owner_at[i] : "", had ? PATHRES_AT_MAX : 1);
	}
	if (l->open_dir)
		memcpy(w->open_dir, c->rec.open_dir, sizeof(w->open_dir));
	else
		w->open_dir[0] = '\0';
}

/* The walk reached the directory cur by name from level k->depth: keep it
 * as the next level.  Past the last level the walk goes on uncached. */
static void cache_keep(struct walk *k)
{
	struct pathres_cache *c = k->cache;
	size_t d = k->depth + 1;

	if (!c || !k->by_name || k->cur_cached)
		return;
	if (d >= PATHRES_CACHE_LEVELS) {
		k->by_name = false;
		return;
	}
	cache_cut(c, d);
	c->levels[d] = (struct pathres_level){.fd = k->cur,
					      .info = k->cur_info,
					      .here_len = strlen(k->here),
					      .n_owners = k->w->n_owners,
					      .open_dir = k->w->open_dir[0] != '\0'};
	c->n = d + 1;
	memcpy(c->here, k->here, c->levels[d].here_len + 1);
	c->rec = *k->w;
	k->cur_cached = true;
	k->depth = d;
}

/* Start at the root: the cache's level 0, or a new fd (kept as level 0). */
static int start(struct walk *k)
{
	struct pathres_cache *c = k->cache;
	struct err e = {0};

	if (c && c->n > 0) {
		cache_resume(k, 0);
		return 0;
	}
	k->cur = fcntl(k->root_fd, F_DUPFD_CLOEXEC, 3);
	if (k->cur < 0)
		return -errno;
	if (!c)
		return 0;
	if (pathres_info(k->cur, &k->cur_info, &e) < 0)
		return -e.code;
	k->have_info = true;
	c->levels[0] = (struct pathres_level){.fd = k->cur, .info = k->cur_info};
	c->here[0] = '\0';
	c->rec = *k->w;
	c->n = 1;
	k->cur_cached = true;
	k->depth = 0;
	return 0;
}

/* --- the walk ----------------------------------------------------------------- */

/* Move to fd (owned, with its stat st), whose path is here/name ("" for the
 * root).  A path cut to fit here[] is fine for messages, not as the cache's
 * key: the walk goes on uncached. */
static void move_to(struct walk *k, int fd, const struct path_info *info, const char *name)
{
	size_t n = strlen(k->here);

	drop_cur(k);
	k->cur = fd;
	if (info) {
		k->cur_info = *info;
		k->have_info = true;
	}
	if (!name)
		k->here[0] = '\0';
	else if (strcmp(name, "..") == 0) {
		char *slash = strrchr(k->here, '/');

		if (slash)
			*slash = '\0';
	} else if ((size_t)snprintf(k->here + n, sizeof(k->here) - n, "/%s", name) >=
		   sizeof(k->here) - n)
		k->by_name = false;
}

/* Replace the rest by the target of the symlink name below dirfd ("": dirfd
 * itself) + "/" + rest; an absolute target restarts at the root. */
static int follow(struct walk *k, int dirfd, const char *name)
{
	char target[PATH_MAX], joined[sizeof(k->rest)];
	ssize_t n;

	k->by_name = false;
	if (++k->links > PATHRES_SYMLINKS_MAX)
		return -ELOOP;
	n = readlinkat(dirfd, name, target, sizeof(target));
	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(target))
		return -ENAMETOOLONG;
	target[n] = '\0';
	if ((size_t)snprintf(joined, sizeof(joined), "%s/%s", target, k->rest) >= sizeof(joined))
		return -ENAMETOOLONG;
	memcpy(k->rest, joined, sizeof(joined));
	if (target[0] == '/') {
		int root = fcntl(k->root_fd, F_DUPFD_CLOEXEC, 3);

		if (root < 0)
			return -errno;
		move_to(k, root, NULL, NULL);
	}
	return 0;
}

/* cur's mount id, device, inode, owner and mode, once per directory. */
static int cur_info(struct walk *k, struct err *e)
{
	if (!k->have_info && pathres_info(k->cur, &k->cur_info, e) < 0)
		return -e->code;
	k->have_info = true;
	return 0;
}

/* Is name the path's last component (nothing but slashes left)? */
static bool is_last(const struct walk *k)
{
	return k->rest[strspn(k->rest, "/")] == '\0';
}

/* A symlink at here/name, owned by uid: who could change it, then its target. */
static int symlink_step(struct walk *k, int dirfd, const char *name, uint32_t uid)
{
	char at[PATHRES_AT_MAX];

	set_at(at, k->here, name);
	record_owner(k->w, uid, at);
	return follow(k, dirfd, name);
}

/* The last component, by name below cur: nothing is walked below it, so it
 * needs no fd of its own (two system calls less a source).  Its statx is the
 * walk's end, unless it is a symlink, which is followed. */
static int last_step(struct walk *k, const char *name)
{
	struct err e = {0};

	if (info_at(k->cur, name, 0, &k->end, &e) < 0)
		return -e.code;
	if (S_ISLNK(k->end.mode))
		return symlink_step(k, k->cur, name, k->end.uid);
	k->at_end = true;
	return 0;
}

/* One component: 1 to go on, 0 at the end of the path, -errno.  Each step
 * takes one statx of what it opened; the end's is the walk's report. */
static int step(struct walk *k, const char *name)
{
	_cleanup_close_ int fd = -EBADF;
	struct path_info info;
	struct err e = {0};
	int r;

	if (!*name || strcmp(name, ".") == 0)
		return 1;
	if (strcmp(name, "..") == 0)
		k->by_name = false;
	else {
		if (k->by_name && k->cache && cache_has_next(k->cache, k->depth, name)) {
			cache_resume(k, k->depth + 1);
			return 1;
		}
		r = cur_info(k, &e);
		if (r < 0)
			return r;
		note_dir(k, &k->cur_info);
		if (is_last(k))
			return last_step(k, name);
	}
	fd = openat(k->cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (pathres_info(fd, &info, &e) < 0)
		return -e.code;
	if (S_ISLNK(info.mode))
		return symlink_step(k, fd, "", info.uid);
	move_to(k, TAKE_FD(fd), &info, name);
	/* Below a file there is nothing to walk (ENOTDIR next); the cache, by
	 * name from its parent, would find a sibling. */
	if (info.is_dir)
		cache_keep(k);
	else
		k->by_name = false;
	return 1;
}

/* The next component of rest, into name; false at the end. */
static bool next_name(struct walk *k, char name[static NAME_MAX + 1], int *ret_err)
{
	char *p = k->rest, *slash;
	size_t len;

	while (*p == '/')
		p++;
	if (!*p)
		return false;
	slash = strchr(p, '/');
	len = slash ? (size_t)(slash - p) : strlen(p);
	if (len > NAME_MAX) {
		*ret_err = -ENAMETOOLONG;
		return false;
	}
	memcpy(name, p, len);
	name[len] = '\0';
	memmove(k->rest, p + len, strlen(p + len) + 1);
	return true;
}

/* A walk and its report, as they start: only what is read before it is
 * written (the paths are 12 KiB of buffers, written as the walk goes). */
static void walk_init(struct walk *k, struct pathres_cache *c, int root_fd, struct path_walk *w)
{
	k->root_fd = root_fd;
	k->cur = -EBADF;
	k->cur_cached = k->have_info = k->at_end = false;
	k->here[0] = '\0';
	k->links = 0;
	k->w = w;
	k->cache = c;
	k->depth = 0;
	k->by_name = true;
	w->err = 0;
	w->at[0] = w->open_dir[0] = '\0';
	w->n_owners = 0;
	w->end = (struct path_info){0};
}

static void walk_from(struct pathres_cache *c, int root_fd, const char *path, struct path_walk *ret)
{
	struct walk k;
	char name[NAME_MAX + 1];
	struct err e = {0};
	int r = 0;

	walk_init(&k, c, root_fd, ret);
	name[0] = '\0';
	if ((size_t)snprintf(k.rest, sizeof(k.rest), "%s", path) >= sizeof(k.rest))
		r = -ENAMETOOLONG;
	else
		r = start(&k);
	if (r < 0) {
		ret->err = -r;
		set_at(ret->at, path, "");
		drop_cur(&k);
		return;
	}
	while (r >= 0 && !k.at_end && next_name(&k, name, &r))
		r = step(&k, name);
	if (r < 0)
		stop(&k, -r, name);
	else if (k.at_end)
		ret->end = k.end;
	else if ((r = cur_info(&k, &e)) < 0)
		stop(&k, -r, "");
	else
		ret->end = k.cur_info;
	drop_cur(&k);
}

void pathres_walk(int root_fd, const char *path, struct path_walk *ret)
{
	walk_from(NULL, root_fd, path, ret);
}

void pathres_walk_cached(struct pathres_cache *c, const char *path, struct path_walk *ret)
{
	walk_from(c, c->root_fd, path, ret);
}
