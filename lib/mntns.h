/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Entering the container's mount namespace and coming back: the only setns.
 * Both namespaces are opened once, when the hook first looks into the
 * container (at the first mount worth the look): every later step enters
 * that same namespace, whatever becomes of the pid, and pays for no further
 * /proc lookups.  Whether there is a container at all is asked before, by
 * name (mntns_is_own): a start with nothing to remap opens neither.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

struct mntns {
	int home;   /* the hook's own mount namespace */
	int target; /* pid's */
	pid_t pid;
	bool own; /* the same namespace: pid is not in a container */
};

#define MNTNS_INIT ((struct mntns){.home = -EBADF, .target = -EBADF})

/* Is pid in the hook's own mount namespace (so in no container)?  Told from
 * the names of the two namespaces ("mnt:[INODE]"), without opening them;
 * false when it cannot be told.  The namespaces mntns_open() opens stay the
 * authority (struct mntns.own). */
bool mntns_is_own(pid_t pid);

/* Open the hook's and pid's mount namespaces. */
int mntns_open(pid_t pid, struct mntns *ret_ns, struct err *e);

/* Enter ns's target.  Needs a single-threaded process. */
int mntns_enter(const struct mntns *ns, struct err *e);

/* Return to the hook's own mount namespace. */
int mntns_leave(const struct mntns *ns, struct err *e);

void mntns_close(struct mntns *ns);
