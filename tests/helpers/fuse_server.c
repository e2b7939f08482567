/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuse_server: a passthrough FUSE filesystem for tests, speaking the protocol
 * on /dev/fuse itself (Debian 12's libfuse 3.14 cannot set FUSE_ALLOW_IDMAP).
 *
 *   fuse_server [-t TRACE] MODE BACKING MOUNTPOINT
 *
 * MODE   allow      allows idmapped mounts (FUSE_ALLOW_IDMAP in the INIT reply)
 *        deny       does not
 *        percaller  allows them, and answers owners by who asks: a caller
 *                   whose fsuid is 0 sees the backing directory's owners,
 *                   any other caller sees 0:0
 *        junk       allows them, and its owners do not follow the idmap: a
 *                   caller other than root sees every owner shifted by
 *                   1000000, as if the server mapped ids itself
 *
 * It mounts BACKING's tree at MOUNTPOINT with mount(2): type fuse.idmapfs,
 * "fd=N,rootmode=40000,user_id=0,group_id=0,default_permissions,allow_other",
 * writes "ready" on stdout once the kernel's INIT is answered, and serves
 * until the filesystem is unmounted (then it exits 0).  It dies with its
 * parent (PR_SET_PDEATHSIG).  One thread; nothing is cached by the kernel
 * (entry and attribute timeouts 0), so every stat asks the server.  Created
 * files and directories get the request's uid:gid, which for an idmapped
 * mount is the caller's id mapped back through the idmap.
 * -t TRACE appends "OPCODE NODEID UID GID PID" for every request to TRACE.
 *
 * Requests with FUSE_ALLOW_IDMAP carry no caller ids (FUSE_INVALID_UIDGID)
 * except those that create an inode; the caller is then known by its pid
 * only, whose fsuid /proc tells.  Test-only: one request at a time, a node
 * table that only grows, no rename, link, symlink, xattr or lock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <signal.h>
#include <unistd.h>

#include "fuse_server.h"

#define MAX_WRITE (128 * 1024)
#define OUR_MINOR 41 /* FUSE_ALLOW_IDMAP */

static FILE *trace;

void reply2(struct server *s, uint64_t unique, const void *a, size_t alen, const void *b,
	    size_t blen)
{
	struct fuse_out_header out = {.len = (uint32_t)(sizeof(out) + alen + blen),
				      .unique = unique};
	struct iovec iov[3] = {{&out, sizeof(out)}, {(void *)a, alen}, {(void *)b, blen}};

	/* ENOENT: the request was interrupted meanwhile.  Nothing to do. */
	if (writev(s->dev, iov, 3) < 0 && errno != ENOENT)
		fprintf(stderr, "fuse_server: reply: %s\n", strerror(errno));
}

void reply(struct server *s, uint64_t unique, int error, const void *data, size_t len)
{
	struct fuse_out_header out = {
	    .len = (uint32_t)(sizeof(out) + (error ? 0 : len)), .error = error, .unique = unique};
	struct iovec iov[2] = {{&out, sizeof(out)}, {(void *)data, error ? 0 : len}};

	if (writev(s->dev, iov, 2) < 0 && errno != ENOENT)
		fprintf(stderr, "fuse_server: reply: %s\n", strerror(errno));
}

const char *node_path(const struct server *s, uint64_t id)
{
	return id >= 1 && id <= s->n_paths ? s->paths[id - 1] : NULL;
}

static uint64_t node_add(struct server *s, char *path)
{
	for (size_t i = 0; i < s->n_paths; i++)
		if (strcmp(s->paths[i], path) == 0) {
			free(path);
			return i + 1;
		}
	if (s->n_paths == s->cap_paths) {
		size_t cap = s->cap_paths ? 2 * s->cap_paths : 64;
		char **more = reallocarray(s->paths, cap, sizeof(*more));

		if (!more) {
			free(path);
			return 0;
		}
		s->paths = more;
		s->cap_paths = cap;
	}
	s->paths[s->n_paths++] = path;
	return s->n_paths;
}

uint64_t node_child(struct server *s, uint64_t parent, const char *name)
{
	const char *dir = node_path(s, parent);
	char *path;

	if (!dir || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return 0;
	return node_add(s, path);
}

/* The caller's fsuid: the request's uid, or (without one) its pid's. */
static uint32_t caller_fsuid(const struct fuse_in_header *h)
{
	char path[64], line[256];
	unsigned r, e, saved, fs;
	uint32_t uid = FUSE_INVALID_UIDGID;
	FILE *f;

	if (h->uid != FUSE_INVALID_UIDGID)
		return h->uid;
	snprintf(path, sizeof(path), "/proc/%u/status", h->pid);
	f = fopen(path, "re");
	if (!f)
		return uid; /* gone: not root */
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %u %u %u %u", &r, &e, &saved, &fs) == 4) {
			uid = fs;
			break;
		}
	fclose(f);
	return uid;
}

void fill_attr(const struct server *s, const struct fuse_in_header *h, const struct stat *st,
	       struct fuse_attr *a)
{
	uint32_t uid = st->st_uid, gid = st->st_gid;

	if ((s->mode == MODE_PERCALLER || s->mode == MODE_JUNK) && caller_fsuid(h) != 0) {
		uid = s->mode == MODE_JUNK ? uid + JUNK_SHIFT : 0;
		gid = s->mode == MODE_JUNK ? gid + JUNK_SHIFT : 0;
	}
	*a = (struct fuse_attr){
	    .ino = st->st_ino,
	    .size = (uint64_t)st->st_size,
	    .blocks = (uint64_t)st->st_blocks,
	    .atime = (uint64_t)st->st_atim.tv_sec,
	    .mtime = (uint64_t)st->st_mtim.tv_sec,
	    .ctime = (uint64_t)st->st_ctim.tv_sec,
	    .atimensec = (uint32_t)st->st_atim.tv_nsec,
	    .mtimensec = (uint32_t)st->st_mtim.tv_nsec,
	    .ctimensec = (uint32_t)st->st_ctim.tv_nsec,
	    .mode = st->st_mode,
	    .nlink = (uint32_t)st->st_nlink,
	    .uid = uid,
	    .gid = gid,
	    .rdev = (uint32_t)st->st_rdev,
	    .blksize = (uint32_t)st->st_blksize,
	};
}

static void init(struct server *s, const struct fuse_in_header *h, const char *in, size_t len)
{
	struct fuse_init_in arg = {0};
	struct fuse_init_out out = {0};
	uint64_t flags = 0;

	memcpy(&arg, in, len < sizeof(arg) ? len : sizeof(arg));
	out.major = FUSE_KERNEL_VERSION;
	out.minor = arg.minor < OUR_MINOR ? arg.minor : OUR_MINOR;
	out.max_readahead = arg.max_readahead;
	out.max_write = MAX_WRITE;
	out.max_background = 16;
	out.congestion_threshold = 12;
	out.time_gran = 1;
	if (arg.flags & FUSE_INIT_EXT) {
		flags |= FUSE_INIT_EXT;
		if (s->mode != MODE_DENY)
			flags |= FUSE_ALLOW_IDMAP;
	}
	out.flags = (uint32_t)flags;
	out.flags2 = (uint32_t)(flags >> 32);
	reply(s, h->unique, 0, &out, sizeof(out));
	printf("ready\n");
	fflush(stdout);
}

/* Serve until unmounted (ENODEV). */
static int serve(struct server *s)
{
	static char buf[MAX_WRITE + 64 * 1024];

	for (;;) {
		const struct fuse_in_header *h = (const void *)buf;
		ssize_t n = read(s->dev, buf, sizeof(buf));

		if (n < 0 && (errno == EINTR || errno == ENOENT || errno == EAGAIN))
			continue;
		if (n < 0 && errno == ENODEV)
			return 0;
		if (n < 0)
			return perror("fuse_server: read /dev/fuse"), 1;
		if ((size_t)n < sizeof(*h) || h->len != (size_t)n)
			return fprintf(stderr, "fuse_server: short request\n"), 1;
		if (trace)
			fprintf(trace, "%u %llu %u %u %u\n", h->opcode,
				(unsigned long long)h->nodeid, h->uid, h->gid, h->pid);
		if (h->opcode == FUSE_INIT)
			init(s, h, buf + sizeof(*h), (size_t)n - sizeof(*h));
		else
			handle(s, h, buf + sizeof(*h), (size_t)n - sizeof(*h));
	}
}

static int parse_mode(const char *m, enum fs_mode *ret)
{
	static const char *const names[] = {"allow", "deny", "percaller", "junk"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(m, names[i]) == 0)
			return *ret = (enum fs_mode)i, 0;
	return -1;
}

int main(int argc, char **argv)
{
	struct server s = {.dev = -1, .backing = -1};
	char opts[256], *root = strdup(".");
	int a = 1;

	if (argc > 2 && strcmp(argv[1], "-t") == 0) {
		trace = fopen(argv[2], "ae");
		if (!trace)
			return perror(argv[2]), 125;
		setvbuf(trace, NULL, _IOLBF, 0);
		a = 3;
	}
	if (argc - a != 3 || parse_mode(argv[a], &s.mode) < 0) {
		fprintf(stderr, "usage: fuse_server [-t TRACE] allow|deny|percaller|junk "
				"BACKING MOUNTPOINT\n");
		return 125;
	}
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	s.backing = open(argv[a + 1], O_PATH | O_DIRECTORY | O_CLOEXEC);
	s.dev = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (s.backing < 0 || s.dev < 0 || !root || node_add(&s, root) != FUSE_ROOT_ID)
		return perror("fuse_server: open"), 125;
	snprintf(opts, sizeof(opts),
		 "fd=%d,rootmode=40000,user_id=0,group_id=0,default_permissions,allow_other",
		 s.dev);
	if (mount("idmapfs", argv[a + 2], "fuse.idmapfs", MS_NOSUID | MS_NODEV, opts) < 0)
		return perror("fuse_server: mount"), 125;
	return serve(&s);
}
