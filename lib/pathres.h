/* SPDX-License-Identifier: Apache-2.0 */
/* Destinations resolved inside the rootfs only: symlinks and ".." cannot leave it. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

struct path_info {
	uint64_t mnt_id;
	dev_t dev;
	ino_t ino;
	bool is_mount_root;
};

/* An O_PATH fd for dest, resolved as if root_fd were "/". */
int pathres_open_in_root(int root_fd, const char *dest, int *ret_fd, struct err *e);

/* Mount id, device, inode and mount-root flag of an fd. */
int pathres_info(int fd, struct path_info *ret_info, struct err *e);
