/* SPDX-License-Identifier: Apache-2.0 */
/* A user namespace fd carrying a pair of id maps, for MOUNT_ATTR_IDMAP. */
#pragma once

#include <sys/types.h>

#include "err.h"
#include "idmap.h"

/* The short-lived child that created a new user namespace and exited at
 * once, a zombie that holds it until it is reaped: it shared the hook's
 * memory (CLONE_VM) and ran on a stack of its own, freed when it is reaped.
 * Owned by whoever holds this struct. */
struct userns_holder {
	pid_t pid; /* -1: none */
	void *stack;
};

#define USERNS_HOLDER_NONE ((struct userns_holder){.pid = -1, .stack = NULL})

/* Create a user namespace with these maps and return an fd to it; the
 * holder is reaped before this returns, on every path. */
int userns_open(const struct idmap *uid_map, const struct idmap *gid_map, int *ret_fd,
		struct err *e);

/* The same, but the holder is handed over in *ret_holder, to be reaped
 * later (userns_holder_reap): its exit runs while the hook goes on.  On
 * failure there is nothing to reap. */
int userns_open_held(const struct idmap *uid_map, const struct idmap *gid_map, int *ret_fd,
		     struct userns_holder *ret_holder, struct err *e);

/* Reap the holder and free its stack; it exited at once, so waitpid() finds
 * it a zombie (and waits only for one that has not run yet).  -ECHILD if it
 * did not exit with 0.  One that cannot be reaped is not waited for again,
 * its stack left to it.  Does nothing for USERNS_HOLDER_NONE; always leaves
 * h as that. */
int userns_holder_reap(struct userns_holder *h, struct err *e);

/* For _cleanup_: reap, errors ignored. */
void userns_holder_freep(struct userns_holder *h);
