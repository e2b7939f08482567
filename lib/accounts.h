/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host's accounts, as files: who is in which group (owner.c asks).
 *
 * Read from <root>/etc/passwd and <root>/etc/group, and from
 * <root>/usr/lib/passwd and <root>/usr/lib/group where they exist (the
 * system accounts of hosts that ship them there: Fedora CoreOS, Clear
 * Linux).  Files only, never NSS: a lookup through an NSS module (LDAP,
 * sssd) can block a container's start.  Each file is read bounded, once,
 * at the first question; until then nothing is read.
 *
 * Each line is read as the C library's files module reads it (glibc:
 * getpwuid, getgrgid, initgroups), so that an entry the host has is never
 * missing here (a group missed would read as "the host has no such group")
 * and no line it skips makes one: blanks before an entry are skipped, a '#'
 * after them is a comment, an id may have blanks and a '+' before its
 * digits, a name may be empty, a NUL byte ends its line only.  NIS "+"/"-"
 * lines are no entries.  A member of a group is listed by its name, blanks
 * before it skipped.
 *
 * The subordinate ids (accounts_subids.c): <root>/etc/subuid and
 * <root>/etc/subgid, "owner:start:count" lines, the ranges the host hands
 * to user namespaces (newuidmap, Docker's userns-remap, LXD, Podman).  Read
 * the same way, bounded, once, at the first question about them; a missing
 * file has no ranges.  Every line with a number for start and count counts,
 * blanks around them and a '#' before the owner too: what shadow's tools or
 * an engine might take for a range is one here.
 *
 * A group the files do not list may still exist (accounts_nss.c): where
 * /etc/nsswitch.conf's group line names a source other than "files" or
 * "compat".  For "systemd" (nss-systemd) that is a JSON record in one of
 * its userdb drop-in directories, named <gid>.group, or a gid in a range
 * it makes groups for (homed's users, dynamic users, nspawn's containers);
 * any other source (sss, ldap, nis, winbind, ...) is not asked, and then
 * such a group may exist, whatever its gid.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Larger account files are not read (the questions then get no answer). */
#define ACCOUNTS_FILE_MAX (8 * 1024 * 1024)
#define ACCOUNTS_FILES 4

struct account_user {
	const char *name;
	uint32_t uid, gid; /* gid: the primary group */
};

struct account_group {
	const char *name;
	uint32_t gid;
	const char *members; /* "a,b,c" as in the file, or "" */
};

/* One line of /etc/subuid or /etc/subgid: ids start..start+count-1. */
struct account_subids {
	const char *owner; /* the first field, as written: a name or a uid */
	uint64_t start, count;
};

/* /etc/subuid (uid) or /etc/subgid (gid), read by accounts_read_subids(). */
struct account_subid_file {
	char *text;
	struct account_subids *ranges; /* in the file's order */
	size_t n;
};

struct accounts {
	const char *root; /* "" on the host; a fixture directory in tests */
	bool read;	  /* the files were read, or tried: once */
	int err;	  /* 0, or -errno when they could not be; msg says why */
	char msg[ERR_MSG_MAX];
	char *text[ACCOUNTS_FILES]; /* what was read; the entries point into it */
	struct account_user *users; /* sorted by uid */
	size_t n_users;
	struct account_group *groups; /* sorted by gid */
	size_t n_groups;
	bool subids_read; /* the subordinate ids were read, or tried: once */
	int subids_err;	  /* 0, or -errno; subids_msg says why */
	char subids_msg[ERR_MSG_MAX];
	struct account_subid_file subuid, subgid;
	bool nss_read;		     /* /etc/nsswitch.conf was read, or tried: once */
	bool nss_systemd;	     /* its group line lists systemd */
	char nss_other[ERR_MSG_MAX]; /* a source it lists that is not read, or
					why the file cannot be; "" when none */
	bool userdb_looked;	     /* systemd's userdb directories were looked at: once */
	unsigned userdb_absent;	     /* bit i: the i-th of them is not there */
};

/* The host's files, not read yet. */
#define ACCOUNTS_HOST ((struct accounts){.root = ""})

/* Read the files, the first time only.  Returns a->err: 0, or -errno with
 * a->msg naming the file (a missing /usr/lib file is no error). */
int accounts_read(struct accounts *a);

void accounts_free(struct accounts *a);

/* Has uid an account? */
bool accounts_has_user(const struct accounts *a, uint32_t uid);

/* Is an account of uid in group gid: its primary group, or a member listed
 * by one of uid's names? */
bool accounts_in_group(const struct accounts *a, uint32_t uid, uint32_t gid);

/* A name of uid or gid, or NULL when there is no such account or group. */
const char *accounts_user_name(const struct accounts *a, uint32_t uid);
const char *accounts_group_name(const struct accounts *a, uint32_t gid);

/* Read /etc/subuid and /etc/subgid, the first time only.  Returns
 * a->subids_err: 0, or -errno with a->subids_msg naming the file. */
int accounts_read_subids(struct accounts *a);

/* The first range of /etc/subuid (gid: /etc/subgid) that holds id, or NULL
 * (also before accounts_read_subids()). */
const struct account_subids *accounts_subids_of(const struct accounts *a, bool gid, uint32_t id);

/* May the host have group gid that the files do not list (accounts_group_name()
 * is NULL)?  Then where it may be, in why ("/run/userdb/47777.group,
 * systemd's userdb").  Reads /etc/nsswitch.conf at the first question. */
bool accounts_group_may_exist(struct accounts *a, uint32_t gid, char *why, size_t size);
