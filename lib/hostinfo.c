/* SPDX-License-Identifier: Apache-2.0 */
#include "hostinfo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"

/* The inode of the initial user namespace's nsfs file (PROC_USER_INIT_INO,
 * fixed in the kernel's ABI).  A child namespace, even one that maps every
 * id, has another. */
#define USER_INIT_INO 0xEFFFFFFDU
#define OVERFLOW_ID_DEFAULT 65534

static uint32_t read_id(const char *path)
{
	_cleanup_free_ char *text = NULL;
	struct err e = {0};
	unsigned long v;
	char *end;

	if (io_read_file(path, 64, &text, NULL, &e) < 0)
		return OVERFLOW_ID_DEFAULT;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || end == text || (*end && *end != '\n') || v > UINT32_MAX)
		return OVERFLOW_ID_DEFAULT;
	return (uint32_t)v;
}

/* The first line of /proc/self/uid_map, spaces squeezed: "0 1000 1". */
static void read_uid_map(char ret[static HOSTINFO_MAP_MAX])
{
	_cleanup_free_ char *text = NULL;
	struct err e = {0};
	unsigned long a, b, n;

	if (io_read_file("/proc/self/uid_map", 4096, &text, NULL, &e) < 0)
		snprintf(ret, HOSTINFO_MAP_MAX, "unreadable");
	else if (sscanf(text, "%lu %lu %lu", &a, &b, &n) != 3)
		snprintf(ret, HOSTINFO_MAP_MAX, "empty");
	else
		snprintf(ret, HOSTINFO_MAP_MAX, "%lu %lu %lu", a, b, n);
}

/* Is the hook in the initial user namespace?  Told from the name of its
 * own, "user:[INODE]" (a readlink: cheaper than a stat, which makes the
 * namespace's file). */
static bool is_initial_userns(void)
{
	char name[64], want[64];
	ssize_t n;
	int k;

	n = readlink("/proc/self/ns/user", name, sizeof(name));
	k = snprintf(want, sizeof(want), "user:[%u]", USER_INIT_INO);
	return n > 0 && n == k && memcmp(name, want, (size_t)n) == 0;
}

void hostinfo_read(struct hostinfo *ret)
{
	struct hostinfo h = {0};

	h.overflow_uid = read_id("/proc/sys/kernel/overflowuid");
	h.overflow_gid = read_id("/proc/sys/kernel/overflowgid");
	h.in_initial_userns = is_initial_userns();
	/* Only the rootless reason quotes it. */
	if (!h.in_initial_userns)
		read_uid_map(h.uid_map);
	*ret = h;
}
