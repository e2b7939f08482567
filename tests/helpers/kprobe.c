/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kprobe FEATURE: can the running kernel do FEATURE?  Each is probed by doing
 * it, never by the version string; nothing is mounted or changed (a detached
 * clone goes when its fd is closed).  Prints "yes" (exit 0) or "no: <why>"
 * (exit 1); 2 for usage.  The syscall numbers of statmount (457) and
 * open_tree_attr (467) are the same on every architecture the tests run on.
 *   attach_detached  move a mount into a detached tree (Linux 6.15)
 *   open_tree_attr   open_tree_attr(2) (6.15)
 *   statmount_maps   statmount(2) reports a mount's id maps (6.15; statmount
 *                    6.8, statx's unique mount id 6.8)
 * Whether a filesystem can be idmapped is probed with idmap_mount (helpers).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NR_STATMOUNT 457
#define NR_OPEN_TREE_ATTR 467
#define OPEN_TREE_CLONE 1
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#define STATX_MNT_ID_UNIQUE 0x00004000U
#define STATMOUNT_MNT_UIDMAP 0x00002000U
#define STATMOUNT_SUPPORTED_MASK 0x00001000U

struct mnt_id_req {
	uint32_t size, spare;
	uint64_t mnt_id, param, mnt_ns_id;
};

/* Where struct statmount has its mask and supported_mask (6.15). */
#define STATMOUNT_MASK_AT 8
#define STATMOUNT_SUPPORTED_AT 144

static int no(const char *what)
{
	printf("no: %s: %s\n", what, strerror(errno));
	return 1;
}

static int clone_of(const char *path)
{
	return (int)syscall(SYS_open_tree, AT_FDCWD, path, OPEN_TREE_CLONE | O_CLOEXEC);
}

/* A clone of / moved onto /tmp in another clone of /, both detached. */
static int attach_detached(void)
{
	int tree = clone_of("/"), part = clone_of("/"), r;

	if (tree < 0 || part < 0)
		return no("open_tree(/)");
	r = (int)syscall(SYS_move_mount, part, "", tree, "tmp", MOVE_MOUNT_F_EMPTY_PATH);
	if (r < 0)
		return no("move_mount into a detached tree");
	close(part);
	close(tree);
	return 0;
}

static int open_tree_attr(void)
{
	int fd = (int)syscall(NR_OPEN_TREE_ATTR, AT_FDCWD, "/", OPEN_TREE_CLONE | O_CLOEXEC, NULL,
			      (size_t)0);

	if (fd < 0)
		return no("open_tree_attr");
	close(fd);
	return 0;
}

/* statmount on /'s mount: does the kernel support reporting its uid map? */
static int statmount_maps(void)
{
	static char buf[64 * 1024];
	uint64_t mask, supported;
	struct mnt_id_req req = {.size = 24};
	struct statx stx;

	if (statx(AT_FDCWD, "/", 0, STATX_MNT_ID_UNIQUE, &stx) < 0)
		return no("statx");
	if (!(stx.stx_mask & STATX_MNT_ID_UNIQUE)) {
		errno = EOPNOTSUPP;
		return no("statx: a unique mount id");
	}
	req.mnt_id = stx.stx_mnt_id;
	req.param = STATMOUNT_SUPPORTED_MASK;
	if (syscall(NR_STATMOUNT, &req, buf, sizeof(buf), 0) < 0)
		return no("statmount");
	memcpy(&mask, buf + STATMOUNT_MASK_AT, sizeof(mask));
	memcpy(&supported, buf + STATMOUNT_SUPPORTED_AT, sizeof(supported));
	if (!(mask & STATMOUNT_SUPPORTED_MASK) || !(supported & STATMOUNT_MNT_UIDMAP)) {
		errno = EOPNOTSUPP;
		return no("statmount: a mount's maps");
	}
	return 0;
}

int main(int argc, char **argv)
{
	int r;

	if (argc != 2)
		r = 2;
	else if (strcmp(argv[1], "attach_detached") == 0)
		r = attach_detached();
	else if (strcmp(argv[1], "open_tree_attr") == 0)
		r = open_tree_attr();
	else if (strcmp(argv[1], "statmount_maps") == 0)
		r = statmount_maps();
	else
		r = 2;
	if (r == 2)
		fprintf(stderr, "usage: kprobe attach_detached|open_tree_attr|statmount_maps\n");
	else if (r == 0)
		printf("yes\n");
	return r;
}
