/* SPDX-License-Identifier: Apache-2.0 */
/* Entering the container's mount namespace and coming back: the only setns. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

/* Is pid's mount namespace our own (then it is not a container's)? */
int mntns_is_own(pid_t pid, bool *ret_own, struct err *e);

/* Enter pid's mount namespace; *ret_home is an fd to return with.
 * Needs a single-threaded process. */
int mntns_enter(pid_t pid, int *ret_home, struct err *e);

/* Return to the namespace of home (from mntns_enter) and close it. */
int mntns_leave(int home, struct err *e);
