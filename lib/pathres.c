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

int pathres_info(int fd, struct path_info *ret_info, struct err *e)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_SYMLINK_NOFOLLOW,
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
	    .is_dir = S_ISDIR(stx.stx_mode),
	    .is_mount_root = stx.stx_attributes & STATX_ATTR_MOUNT_ROOT,
	};
	return 0;
}

/* The walk's state: the directory it is in, and what is left to walk. */
struct walk {
	int root_fd;
	int cur;	     /* owned */
	char here[PATH_MAX]; /* the path of cur, for messages */
	char rest[2 * PATH_MAX];
	int links;
	struct path_walk *w;
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
static void note_dir(struct walk *k, const struct stat *st)
{
	const char *at = k->here[0] ? k->here : "/";

	record_owner(k->w, st->st_uid, at);
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) && !(st->st_mode & S_ISVTX) && !k->w->open_dir[0])
		set_at(k->w->open_dir, at, "");
}

/* Move to fd (owned), whose path is here/name ("" for the root). */
static void move_to(struct walk *k, int fd, const char *name)
{
	size_t n = strlen(k->here);

	close_fdp(&k->cur);
	k->cur = fd;
	if (!name)
		k->here[0] = '\0';
	else if (strcmp(name, "..") == 0) {
		char *slash = strrchr(k->here, '/');

		if (slash)
			*slash = '\0';
	} else
		snprintf(k->here + n, sizeof(k->here) - n, "/%s", name);
}

/* Replace the rest by target + "/" + rest; an absolute target restarts at the root. */
static int follow(struct walk *k, int fd)
{
	char target[PATH_MAX], joined[sizeof(k->rest)];
	ssize_t n;

	if (++k->links > PATHRES_SYMLINKS_MAX)
		return -ELOOP;
	n = readlinkat(fd, "", target, sizeof(target));
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
		move_to(k, root, NULL);
	}
	return 0;
}

/* One component: 1 to go on, 0 at the end of the path, -errno. */
static int step(struct walk *k, const char *name)
{
	_cleanup_close_ int fd = -EBADF;
	struct stat st, dir;

	if (!*name || strcmp(name, ".") == 0)
		return 1;
	if (strcmp(name, "..") != 0) {
		if (fstat(k->cur, &dir) < 0)
			return -errno;
		note_dir(k, &dir);
	}
	fd = openat(k->cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISLNK(st.st_mode)) {
		char at[PATHRES_AT_MAX];

		set_at(at, k->here, name);
		record_owner(k->w, st.st_uid, at);
		return follow(k, fd);
	}
	move_to(k, TAKE_FD(fd), name);
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

void pathres_walk(int root_fd, const char *path, struct path_walk *ret)
{
	struct walk k = {.root_fd = root_fd, .cur = -EBADF, .w = ret};
	char name[NAME_MAX + 1] = "";
	struct err e = {0};
	int r = 0;

	*ret = (struct path_walk){0};
	k.cur = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
	if (k.cur < 0 || (size_t)snprintf(k.rest, sizeof(k.rest), "%s", path) >= sizeof(k.rest)) {
		ret->err = k.cur < 0 ? errno : ENAMETOOLONG;
		set_at(ret->at, path, "");
		close_fdp(&k.cur);
		return;
	}
	while (r >= 0 && next_name(&k, name, &r))
		r = step(&k, name);
	if (r < 0)
		stop(&k, -r, name);
	else if (pathres_info(k.cur, &ret->end, &e) < 0)
		stop(&k, e.code, "");
	close_fdp(&k.cur);
}
