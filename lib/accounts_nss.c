/* SPDX-License-Identifier: Apache-2.0 */
/* Groups the host may have beyond its files: /etc/nsswitch.conf (accounts.h). */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "accounts_lines.h"
#include "cleanup.h"
#include "io.h"

/* Where nss-systemd looks for a group's JSON record by gid, <gid>.group
 * (systemd's USERDB_DROPIN_DIR_NULSTR; /lib/userdb on split-/usr hosts). */
static const char *const userdb_dirs[] = {
    "/etc/userdb",	     "/run/userdb",	"/run/host/userdb",
    "/usr/local/lib/userdb", "/usr/lib/userdb", "/lib/userdb",
};

/* The ids nss-systemd makes groups for without a record (systemd's
 * docs/UIDS-GIDS.md: "Listed in nss-systemd"). */
static const struct {
	uint32_t first, last;
	const char *what;
} systemd_ranges[] = {
    {60001, 60513, "the range of systemd-homed's users"},
    {61184, 65519, "the range of systemd's dynamic users"},
    {524288, 1879048191, "the range of systemd-nspawn's containers"},
};

/* Does a source of a group line ("files", "[NOTFOUND=return]" ...) need
 * asking?  Notes systemd, and the first other source, in a. */
static void note_source(struct accounts *a, const char *src)
{
	if (strcmp(src, "files") == 0 || strcmp(src, "compat") == 0)
		return;
	if (strcmp(src, "systemd") == 0)
		a->nss_systemd = true;
	else if (!a->nss_other[0])
		snprintf(a->nss_other, sizeof(a->nss_other),
			 "/etc/nsswitch.conf's group line lists %.64s, which is not read", src);
}

/* The sources of one "group:" line, its action blocks ("[...]") skipped. */
static void parse_group_line(struct accounts *a, char *sources)
{
	bool in_action = false;
	char *save = NULL;

	for (char *tok = strtok_r(sources, " \t\r", &save); tok;
	     tok = strtok_r(NULL, " \t\r", &save)) {
		if (tok[0] == '[')
			in_action = true;
		if (!in_action)
			note_source(a, tok);
		if (strchr(tok, ']'))
			in_action = false;
	}
}

/* Every "group:" line of the file's text (a '#' starts a comment). */
static void parse_nsswitch(struct accounts *a, char *text, size_t len)
{
	char *line, *end = text + len;

	while ((line = accounts_next_line(&text, end))) {
		char *colon;

		line[strcspn(line, "#")] = '\0';
		line += strspn(line, " \t");
		colon = strchr(line, ':');
		if (!colon || colon - line < 5 || strncmp(line, "group", 5) != 0 ||
		    line + 5 + strspn(line + 5, " \t") != colon)
			continue;
		parse_group_line(a, colon + 1);
	}
}

/* Read it once; a missing file means files only, as for the C library. */
static void read_nsswitch(struct accounts *a)
{
	_cleanup_free_ char *text = NULL;
	struct err e = {0};
	char path[PATH_MAX];
	size_t len = 0;
	int r;

	if (a->nss_read)
		return;
	a->nss_read = true;
	snprintf(path, sizeof(path), "%s/etc/nsswitch.conf", a->root);
	r = io_read_file(path, ACCOUNTS_FILE_MAX, &text, &len, &e);
	if (r == -ENOENT)
		return;
	if (r < 0)
		snprintf(a->nss_other, sizeof(a->nss_other), "the sources cannot be told: %.400s",
			 e.msg);
	else
		parse_nsswitch(a, text, len);
}

/* Which userdb directories are not there, looked at once a run (as the
 * files are read once): a directory that is not there holds no record, for
 * any gid.  Whatever else a directory answers, each gid is looked for in it,
 * and that look says what it found.  Volumes share owners: without this a
 * start with 64 volumes made 384 lstat calls that all said ENOENT. */
static void look_at_userdb_dirs(struct accounts *a)
{
	char path[PATH_MAX];
	struct stat st;

	if (a->userdb_looked)
		return;
	a->userdb_looked = true;
	for (size_t i = 0; i < ARRAY_SIZE(userdb_dirs); i++) {
		snprintf(path, sizeof(path), "%s%s", a->root, userdb_dirs[i]);
		if (lstat(path, &st) < 0 && (errno == ENOENT || errno == ENOTDIR))
			a->userdb_absent |= 1U << i;
	}
}

/* A record of gid in systemd's userdb directories, or one it cannot look
 * at: where, in why. */
static bool has_userdb_record(struct accounts *a, uint32_t gid, char *why, size_t size)
{
	char path[PATH_MAX];
	struct stat st;

	look_at_userdb_dirs(a);
	for (size_t i = 0; i < ARRAY_SIZE(userdb_dirs); i++) {
		if (a->userdb_absent & (1U << i))
			continue;
		snprintf(path, sizeof(path), "%s%s/%" PRIu32 ".group", a->root, userdb_dirs[i],
			 gid);
		if (lstat(path, &st) == 0) {
			snprintf(why, size, "%s/%" PRIu32 ".group, systemd's userdb",
				 userdb_dirs[i], gid);
			return true;
		}
		if (errno != ENOENT && errno != ENOTDIR) {
			snprintf(why, size,
				 "systemd's userdb: cannot look at %s/%" PRIu32 ".group: %s",
				 userdb_dirs[i], gid, strerror(errno));
			return true;
		}
	}
	return false;
}

bool accounts_group_may_exist(struct accounts *a, uint32_t gid, char *why, size_t size)
{
	read_nsswitch(a);
	if (a->nss_other[0]) {
		snprintf(why, size, "%s", a->nss_other);
		return true;
	}
	if (!a->nss_systemd)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(systemd_ranges); i++)
		if (gid >= systemd_ranges[i].first && gid <= systemd_ranges[i].last) {
			snprintf(why, size, "%s (%" PRIu32 "..%" PRIu32 ")", systemd_ranges[i].what,
				 systemd_ranges[i].first, systemd_ranges[i].last);
			return true;
		}
	return has_userdb_record(a, gid, why, size);
}
