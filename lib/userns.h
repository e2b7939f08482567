/* SPDX-License-Identifier: Apache-2.0 */
/* A user namespace fd carrying a pair of id maps, for MOUNT_ATTR_IDMAP. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "idmap.h"

/* The short-lived child that holds a new user namespace while its maps are
 * written: it shares the hook's memory (CLONE_VM) and runs on a stack of its
 * own, freed when it is reaped.  Owned by whoever holds this struct. */
struct userns_holder {
	pid_t pid; /* -1: none */
	void *stack;
	bool released;	/* killed, SIGCHLD ignored until it is reaped (userns.c) */
	int kill_errno; /* ... or why it could not be killed */
};

#define USERNS_HOLDER_NONE ((struct userns_holder){.pid = -1, .stack = NULL})

/* Create a user namespace with these maps and return an fd to it; the
 * holder is killed and reaped before this returns, on every path. */
int userns_open(const struct idmap *uid_map, const struct idmap *gid_map, int *ret_fd,
		struct err *e);

/* The same, but the holder, alive, is handed over in *ret_holder, for
 * userns_holder_release() once every namespace the caller needs is made,
 * and userns_holder_reap() last.  On failure there is nothing to reap. */
int userns_open_held(const struct idmap *uid_map, const struct idmap *gid_map, int *ret_fd,
		     struct userns_holder *ret_holder, struct err *e);

/* The namespace is open: kill the holder, and from now until the last
 * released holder is reaped ignore SIGCHLD, so that it dies without a
 * zombie and without the hook waiting for it.  Once only; nothing for
 * USERNS_HOLDER_NONE. */
void userns_holder_release(struct userns_holder *h);

/* Release (if not yet) and reap the holder, free its stack: waitpid()
 * returns at once for one that is gone, and waits only for one still
 * dying.  -ECHILD if it did not die of the hook's SIGKILL (when its status
 * could be seen).  One that cannot be reaped is not waited for again: it
 * dies with the hook (PR_SET_PDEATHSIG), its stack left to it.  Does
 * nothing for USERNS_HOLDER_NONE; always leaves h as that. */
int userns_holder_reap(struct userns_holder *h, struct err *e);

/* For _cleanup_: reap, errors ignored. */
void userns_holder_freep(struct userns_holder *h);
