/* SPDX-License-Identifier: Apache-2.0 */
/* A user namespace fd carrying a pair of id maps, for MOUNT_ATTR_IDMAP. */
#pragma once

#include "err.h"
#include "plan.h"

#include <sys/types.h>

/* Create a user namespace with these maps and return an fd to it.  The
 * short-lived child that holds it is reaped before this returns. */
int userns_open(const struct plan_mapping *m, int *ret_fd, struct err *e);

/* The same, but the child (told to exit, *ret_child) is left for
 * userns_reap(): its exit takes longer than everything else the hook does,
 * so the caller reaps it last.  On failure there is nothing to reap. */
int userns_open_async(const struct plan_mapping *m, int *ret_fd, pid_t *ret_child, struct err *e);
void userns_reap(pid_t child);
