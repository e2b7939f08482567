/* SPDX-License-Identifier: Apache-2.0 */
/* A user namespace fd carrying a pair of id maps, for MOUNT_ATTR_IDMAP. */
#pragma once

#include <sys/types.h>

#include "err.h"
#include "idmap.h"

/* The short-lived child that holds a new user namespace while its maps are
 * written: it shares the hook's memory (CLONE_VM) and runs on a stack of its
 * own, freed when it is reaped.  Owned by whoever holds this struct. */
struct userns_holder {
	pid_t pid; /* -1: none */
	void *stack;
};

#define USERNS_HOLDER_NONE ((struct userns_holder){.pid = -1, .stack = NULL})

/* Create a user namespace with these maps and return an fd to it; the
 * holder is killed and reaped before this returns, on every path. */
int userns_open(const struct idmap *uid_map, const struct idmap *gid_map, int *ret_fd,
		struct err *e);

/* The same, but the holder, already killed, is handed over in *ret_holder:
 * its exit (the kernel flushing its /proc entries) runs while the hook goes
 * on, and userns_holder_reap() collects it later.  On failure there is
 * nothing to reap. */
int userns_open_async(const struct idmap *uid_map, const struct idmap *gid_map, int *ret_fd,
		      struct userns_holder *ret_holder, struct err *e);

/* Kill (again: harmless) and reap the holder, free its stack.  -ECHILD if it
 * did not die of the hook's SIGKILL.  A holder that cannot be killed is not
 * waited for (that would hang the hook): it dies with the hook
 * (PR_SET_PDEATHSIG), its stack left to it, as is the stack of one that
 * cannot be reaped.  Does nothing for USERNS_HOLDER_NONE; always leaves h
 * as that. */
int userns_holder_reap(struct userns_holder *h, struct err *e);

/* For _cleanup_: reap, errors ignored. */
void userns_holder_freep(struct userns_holder *h);
