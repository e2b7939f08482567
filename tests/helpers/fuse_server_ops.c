/* SPDX-License-Identifier: Apache-2.0 */
/* fuse_server's operations: each a passthrough to the backing directory. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "fuse_server.h"

/* The name a request carries after its fixed part, NUL-terminated. */
static const char *name_after(const char *in, size_t len, size_t fixed)
{
	if (len <= fixed || in[len - 1] != '\0')
		return NULL;
	return in + fixed;
}

static int stat_node(struct server *s, uint64_t id, struct stat *st)
{
	const char *p = node_path(s, id);

	if (!p)
		return -ESTALE;
	return fstatat(s->backing, p, st, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

/* The entry of node id (entries and attributes valid for 0 s). */
static int entry_of(struct server *s, const struct fuse_in_header *h, uint64_t id,
		    struct fuse_entry_out *out)
{
	struct stat st;
	int r = stat_node(s, id, &st);

	if (r < 0)
		return r;
	*out = (struct fuse_entry_out){.nodeid = id};
	fill_attr(s, h, &st, &out->attr);
	return 0;
}

static void reply_entry(struct server *s, const struct fuse_in_header *h, uint64_t id)
{
	struct fuse_entry_out out;
	int r = id ? entry_of(s, h, id, &out) : -ENOMEM;

	reply(s, h->unique, r, &out, sizeof(out));
}

static void reply_attr(struct server *s, const struct fuse_in_header *h)
{
	struct fuse_attr_out out = {0};
	struct stat st;
	int r = stat_node(s, h->nodeid, &st);

	if (r == 0)
		fill_attr(s, h, &st, &out.attr);
	reply(s, h->unique, r, &out, sizeof(out));
}

static void lookup(struct server *s, const struct fuse_in_header *h, const char *name)
{
	uint64_t id = name ? node_child(s, h->nodeid, name) : 0;
	struct stat st;
	int r = !name ? -EINVAL : !id ? -ENOMEM : stat_node(s, id, &st);

	if (r < 0)
		reply(s, h->unique, r, NULL, 0);
	else
		reply_entry(s, h, id);
}

/* The uid:gid of a new inode: the request's, when it carries them. */
static int own_new(struct server *s, const char *path, const struct fuse_in_header *h)
{
	if (h->uid == FUSE_INVALID_UIDGID || h->gid == FUSE_INVALID_UIDGID)
		return 0;
	return fchownat(s->backing, path, h->uid, h->gid, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

static void make_dir(struct server *s, const struct fuse_in_header *h, const char *in, size_t len)
{
	const struct fuse_mkdir_in *arg = (const void *)in;
	const char *name = name_after(in, len, sizeof(*arg));
	uint64_t id = name ? node_child(s, h->nodeid, name) : 0;
	const char *p = node_path(s, id);
	int r = !p ? -EINVAL : mkdirat(s->backing, p, arg->mode & 07777) < 0 ? -errno : 0;

	if (r == 0)
		r = own_new(s, p, h);
	if (r < 0)
		reply(s, h->unique, r, NULL, 0);
	else
		reply_entry(s, h, id);
}

static void create(struct server *s, const struct fuse_in_header *h, const char *in, size_t len)
{
	const struct fuse_create_in *arg = (const void *)in;
	const char *name = name_after(in, len, sizeof(*arg));
	uint64_t id = name ? node_child(s, h->nodeid, name) : 0;
	const char *p = node_path(s, id);
	struct fuse_entry_out entry;
	struct fuse_open_out open_out = {0};
	int fd, r;

	fd = !p ? -1
		: openat(s->backing, p, (int)(arg->flags & ~O_NOCTTY) | O_CREAT | O_CLOEXEC,
			 arg->mode & 07777);
	r = fd < 0 ? (p ? -errno : -EINVAL) : own_new(s, p, h);
	if (r == 0)
		r = entry_of(s, h, id, &entry);
	if (r < 0) {
		if (fd >= 0)
			close(fd);
		reply(s, h->unique, r, NULL, 0);
		return;
	}
	open_out.fh = (uint64_t)fd;
	reply2(s, h->unique, &entry, sizeof(entry), &open_out, sizeof(open_out));
}

static void remove_entry(struct server *s, const struct fuse_in_header *h, const char *name,
			 int flags)
{
	uint64_t id = name ? node_child(s, h->nodeid, name) : 0;
	const char *p = node_path(s, id);
	int r = !p ? -EINVAL : unlinkat(s->backing, p, flags) < 0 ? -errno : 0;

	reply(s, h->unique, r, NULL, 0);
}

static int set_times(struct server *s, const char *p, const struct fuse_setattr_in *a)
{
	struct timespec t[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};

	if (a->valid & FATTR_ATIME)
		t[0] = (struct timespec){(time_t)a->atime, a->atimensec};
	if (a->valid & FATTR_ATIME_NOW)
		t[0].tv_nsec = UTIME_NOW;
	if (a->valid & FATTR_MTIME)
		t[1] = (struct timespec){(time_t)a->mtime, a->mtimensec};
	if (a->valid & FATTR_MTIME_NOW)
		t[1].tv_nsec = UTIME_NOW;
	return utimensat(s->backing, p, t, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

static int truncate_node(struct server *s, const char *p, uint64_t size)
{
	int fd = openat(s->backing, p, O_WRONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0)
		r = -errno;
	close(fd);
	return r;
}

static void set_attr(struct server *s, const struct fuse_in_header *h, const char *in)
{
	const struct fuse_setattr_in *a = (const void *)in;
	const char *p = node_path(s, h->nodeid);
	uid_t uid = a->valid & FATTR_UID ? a->uid : (uid_t)-1;
	gid_t gid = a->valid & FATTR_GID ? a->gid : (gid_t)-1;
	int r = p ? 0 : -ESTALE;

	if (r == 0 && (a->valid & FATTR_MODE) && fchmodat(s->backing, p, a->mode & 07777, 0) < 0)
		r = -errno;
	if (r == 0 && (a->valid & (FATTR_UID | FATTR_GID)) &&
	    fchownat(s->backing, p, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
		r = -errno;
	if (r == 0 && (a->valid & FATTR_SIZE))
		r = truncate_node(s, p, a->size);
	if (r == 0 && (a->valid & (FATTR_ATIME | FATTR_MTIME | FATTR_ATIME_NOW | FATTR_MTIME_NOW)))
		r = set_times(s, p, a);
	if (r < 0)
		reply(s, h->unique, r, NULL, 0);
	else
		reply_attr(s, h);
}

static void open_node(struct server *s, const struct fuse_in_header *h, const char *in)
{
	const struct fuse_open_in *arg = (const void *)in;
	const char *p = node_path(s, h->nodeid);
	struct fuse_open_out out = {0};
	int fd = p ? openat(s->backing, p,
			    (int)(arg->flags & ~(O_CREAT | O_EXCL | O_NOCTTY)) | O_CLOEXEC)
		   : -1;

	out.fh = (uint64_t)fd;
	reply(s, h->unique, fd < 0 ? (p ? -errno : -ESTALE) : 0, &out, sizeof(out));
}

static void read_node(struct server *s, const struct fuse_in_header *h, const char *in)
{
	const struct fuse_read_in *arg = (const void *)in;
	char *buf = malloc(arg->size ? arg->size : 1);
	ssize_t n = buf ? pread((int)arg->fh, buf, arg->size, (off_t)arg->offset) : -1;

	reply(s, h->unique, n < 0 ? (buf ? -errno : -ENOMEM) : 0, buf, n < 0 ? 0 : (size_t)n);
	free(buf);
}

static void write_node(struct server *s, const struct fuse_in_header *h, const char *in, size_t len)
{
	const struct fuse_write_in *arg = (const void *)in;
	struct fuse_write_out out = {0};
	ssize_t n = -1;

	errno = EINVAL;
	if (len >= sizeof(*arg) + arg->size)
		n = pwrite((int)arg->fh, in + sizeof(*arg), arg->size, (off_t)arg->offset);
	out.size = n < 0 ? 0 : (uint32_t)n;
	reply(s, h->unique, n < 0 ? -errno : 0, &out, sizeof(out));
}

/* Entries from offset on (offset k: the k-th entry), as many as fit size. */
static void read_dir(struct server *s, const struct fuse_in_header *h, const char *in)
{
	const struct fuse_read_in *arg = (const void *)in;
	const char *p = node_path(s, h->nodeid);
	int fd = p ? openat(s->backing, p, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	char *buf = calloc(1, arg->size + 1);
	size_t used = 0;
	uint64_t k = 0;
	struct dirent *de;

	if (!d || !buf) {
		reply(s, h->unique, !buf ? -ENOMEM : p ? -errno : -ESTALE, NULL, 0);
		if (d)
			closedir(d);
		else if (fd >= 0)
			close(fd);
		free(buf);
		return;
	}
	while ((de = readdir(d))) {
		struct fuse_dirent *fd_ent = (void *)(buf + used);
		size_t nl = strlen(de->d_name), rec = FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + nl);

		if (k++ < arg->offset)
			continue;
		if (used + rec > arg->size)
			break;
		*fd_ent = (struct fuse_dirent){
		    .ino = de->d_ino, .off = k, .namelen = (uint32_t)nl, .type = de->d_type};
		memcpy(fd_ent->name, de->d_name, nl);
		used += rec;
	}
	closedir(d);
	reply(s, h->unique, 0, buf, used);
	free(buf);
}

static void stat_fs(struct server *s, const struct fuse_in_header *h)
{
	struct fuse_statfs_out out = {0};
	struct statfs st;
	int r = fstatfs(s->backing, &st) < 0 ? -errno : 0;

	out.st = (struct fuse_kstatfs){
	    .blocks = st.f_blocks,
	    .bfree = st.f_bfree,
	    .bavail = st.f_bavail,
	    .files = st.f_files,
	    .ffree = st.f_ffree,
	    .bsize = (uint32_t)st.f_bsize,
	    .namelen = (uint32_t)st.f_namelen,
	    .frsize = (uint32_t)st.f_frsize,
	};
	reply(s, h->unique, r, &out, sizeof(out));
}

void handle(struct server *s, const struct fuse_in_header *h, const char *in, size_t len)
{
	switch (h->opcode) {
	case FUSE_LOOKUP:
		return lookup(s, h, name_after(in, len, 0));
	case FUSE_FORGET:
	case FUSE_BATCH_FORGET:
	case FUSE_INTERRUPT:
		return; /* no reply; nodes are kept */
	case FUSE_GETATTR:
		return reply_attr(s, h);
	case FUSE_SETATTR:
		return len < sizeof(struct fuse_setattr_in) ? reply(s, h->unique, -EINVAL, NULL, 0)
							    : set_attr(s, h, in);
	case FUSE_MKDIR:
		return make_dir(s, h, in, len);
	case FUSE_CREATE:
		return create(s, h, in, len);
	case FUSE_UNLINK:
		return remove_entry(s, h, name_after(in, len, 0), 0);
	case FUSE_RMDIR:
		return remove_entry(s, h, name_after(in, len, 0), AT_REMOVEDIR);
	case FUSE_OPEN:
		return open_node(s, h, in);
	case FUSE_READ:
		return read_node(s, h, in);
	case FUSE_WRITE:
		return write_node(s, h, in, len);
	case FUSE_READDIR:
		return read_dir(s, h, in);
	case FUSE_STATFS:
		return stat_fs(s, h);
	case FUSE_RELEASE:
		close((int)((const struct fuse_release_in *)(const void *)in)->fh);
		return reply(s, h->unique, 0, NULL, 0);
	case FUSE_OPENDIR: {
		struct fuse_open_out out = {0};
		return reply(s, h->unique, node_path(s, h->nodeid) ? 0 : -ESTALE, &out,
			     sizeof(out));
	}
	case FUSE_RELEASEDIR:
	case FUSE_FLUSH:
	case FUSE_FSYNC:
	case FUSE_FSYNCDIR:
	case FUSE_ACCESS:
		return reply(s, h->unique, 0, NULL, 0);
	default:
		return reply(s, h->unique, -ENOSYS, NULL, 0);
	}
}
