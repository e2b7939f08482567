/* SPDX-License-Identifier: Apache-2.0 */
/* A user namespace fd carrying a pair of id maps, for MOUNT_ATTR_IDMAP. */
#pragma once

#include "err.h"
#include "plan.h"

/* Create a user namespace with these maps and return an fd to it.  The
 * short-lived child that holds it is reaped before this returns. */
int userns_open(const struct plan_mapping *m, int *ret_fd, struct err *e);
