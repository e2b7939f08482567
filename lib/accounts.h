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
