/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a mount's root shows to a given caller: the owner statx reports with
 * that caller's ids as the hook's fsuid and fsgid (a FUSE or virtiofs server
 * may answer by who asks), or as root where the filesystem answers every
 * caller alike.  The primitive under verify-before-attach (verify.h) and
 * `check` (probe.h).
 */
#pragma once

#include <stdint.h>

#include "err.h"

/* Does fd (a mount's root) show want_uid:want_gid to a caller whose fsuid and
 * fsgid are as_uid and as_gid?  0, or -errno with the reason in e.  Asked
 * with those ids unless the filesystem (fstype, "" or NULL when unknown)
 * answers every caller alike; the hook's own fsuid and fsgid are back as
 * they were on return. */
int verify_owner(int fd, uint32_t as_uid, uint32_t as_gid, uint32_t want_uid, uint32_t want_gid,
		 const char *fstype, struct err *e);
