/* SPDX-License-Identifier: Apache-2.0 */
/*
 * idmap_mount SRC DST UIDMAP [GIDMAP]: make an idmapped bind mount of SRC at
 * DST, for tests that need a source that is already idmapped (util-linux
 * 2.38's mount has no X-mount.idmap).  A map is lines "A B N" (on-disk ids
 * A..A+N-1 show as B..B+N-1); without GIDMAP the gid map is UIDMAP.
 * Unmount DST with umount.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif

struct attr {
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};

static void die(const char *what)
{
	fprintf(stderr, "idmap_mount: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die(path);
	close(fd);
}

/* A user namespace with these maps: its fd. */
static int make_userns(const char *map, const char *gid_map)
{
	char path[64], c;
	int hold[2], fd;
	pid_t pid;

	if (pipe(hold) < 0)
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(hold[1]);
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(1);
		(void)!read(hold[0], &c, 1); /* until the parent is done */
		_exit(0);
	}
	close(hold[0]);
	/* Wait until the child has its namespace: its ns/user differs from ours. */
	for (;;) {
		char a[64] = "", b[64] = "";

		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		if (readlink(path, a, sizeof(a) - 1) < 0 ||
		    readlink("/proc/self/ns/user", b, sizeof(b) - 1) < 0)
			die("readlink ns/user");
		if (strcmp(a, b) != 0)
			break;
		usleep(1000);
	}
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	write_file(path, map);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	write_file(path, gid_map);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(path);
	close(hold[1]);
	waitpid(pid, NULL, 0);
	return fd;
}

int main(int argc, char **argv)
{
	struct attr a = {.attr_set = MOUNT_ATTR_IDMAP};
	int tree;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: idmap_mount SRC DST UIDMAP [GIDMAP]\n");
		return 2;
	}
	a.userns_fd = (uint64_t)make_userns(argv[3], argv[argc == 5 ? 4 : 3]);
	tree = (int)syscall(SYS_open_tree, AT_FDCWD, argv[1], OPEN_TREE_CLONE | O_CLOEXEC);
	if (tree < 0)
		die("open_tree");
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
		die("mount_setattr(IDMAP)");
	if (syscall(SYS_move_mount, tree, "", AT_FDCWD, argv[2], MOVE_MOUNT_F_EMPTY_PATH) < 0)
		die("move_mount");
	return 0;
}
