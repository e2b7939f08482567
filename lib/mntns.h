/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Entering the container's mount namespace and coming back: the only setns.
 * Both namespaces are opened once, when the hook first looks at the pid:
 * every later step enters that same namespace, whatever becomes of the pid,
 * and pays for no further /proc lookups.
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

/* Open the hook's and pid's mount namespaces. */
int mntns_open(pid_t pid, struct mntns *ret_ns, struct err *e);

/* Enter ns's target.  Needs a single-threaded process. */
int mntns_enter(const struct mntns *ns, struct err *e);

/* Return to the hook's own mount namespace. */
int mntns_leave(const struct mntns *ns, struct err *e);

void mntns_close(struct mntns *ns);
