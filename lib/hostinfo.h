/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host-wide facts the plan needs, observed once per run: the overflow ids
 * (what an id that is not mapped here reads as) and whether the hook runs in
 * the initial user namespace (outside it, "rootless", the kernel refuses to
 * idmap any filesystem the host mounted).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define HOSTINFO_MAP_MAX 64

struct hostinfo {
	uint32_t overflow_uid, overflow_gid; /* /proc/sys/kernel/overflow{u,g}id */
	bool in_initial_userns;
	char uid_map[HOSTINFO_MAP_MAX]; /* first line of /proc/self/uid_map, for messages */
};

/* What a run as root on the host observes (unit tests, fuzzing). */
#define HOSTINFO_INITIAL                                                                           \
	((struct hostinfo){.overflow_uid = 65534, .overflow_gid = 65534, .in_initial_userns = true})

/* Observe the facts above from /proc.  What cannot be read takes the
 * kernel's default (65534); a user namespace that cannot be identified
 * counts as not the initial one, so the hook then idmaps nothing. */
void hostinfo_read(struct hostinfo *ret);
