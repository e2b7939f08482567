/* SPDX-License-Identifier: Apache-2.0 */
#include "accounts.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts_lines.h"
#include "cleanup.h"
#include "io.h"
#include "idmap.h" /* ID_MAX */

/* Even: passwd, odd: group.  The /usr/lib ones need not exist. */
static const char *const account_files[ACCOUNTS_FILES] = {
    "/etc/passwd",
    "/etc/group",
    "/usr/lib/passwd",
    "/usr/lib/group",
};
#define ACCOUNTS_REQUIRED 2

char *accounts_next_line(char **s, char *end)
{
	char *line = *s, *nl;

	if (line >= end)
		return NULL;
	nl = memchr(line, '\n', (size_t)(end - line));
	if (!nl)
		nl = end; /* the NUL after the text */
	*s = nl < end ? nl + 1 : end;
	*nl = '\0';
	return line;
}

char *accounts_entry_of(char *line)
{
	while (isspace((unsigned char)*line))
		line++;
	return *line && *line != '#' ? line : NULL;
}

size_t accounts_split_fields(char *line, char **ret_fields, size_t n)
{
	size_t k = 0;

	ret_fields[k++] = line;
	for (char *p = line; *p && k < n; p++)
		if (*p == ':') {
			*p = '\0';
			ret_fields[k++] = p + 1;
		}
	return k;
}

bool accounts_parse_number(const char *s, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '+')
		s++;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return false;
	}
	*ret = v;
	return true;
}

/* An id as the C library reads one; false for what is no id of the kernel. */
static bool parse_id(const char *s, uint32_t *ret_id)
{
	uint64_t v;

	if (!accounts_parse_number(s, ID_MAX, &v))
		return false;
	*ret_id = (uint32_t)v;
	return true;
}

/* A name an entry can have: not an NIS "+"/"-" line (which the C library's
 * files module never returns).  It may be empty: the entry still exists. */
static bool is_name(const char *s)
{
	return *s != '+' && *s != '-';
}

/* "name:pw:uid:gid:..." lines of text into a->users (room was made). */
static void parse_passwd(struct accounts *a, char *text, char *end)
{
	char *line, *f[5];

	while ((line = accounts_next_line(&text, end))) {
		struct account_user u;

		if (!(line = accounts_entry_of(line)))
			continue;
		if (accounts_split_fields(line, f, 5) < 4 || !is_name(f[0]) ||
		    !parse_id(f[2], &u.uid) || !parse_id(f[3], &u.gid))
			continue;
		u.name = f[0];
		a->users[a->n_users++] = u;
	}
}

/* "name:pw:gid:members" lines of text into a->groups (room was made). */
static void parse_group(struct accounts *a, char *text, char *end)
{
	char *line, *f[4];

	while ((line = accounts_next_line(&text, end))) {
		struct account_group g;
		size_t n;

		if (!(line = accounts_entry_of(line)))
			continue;
		n = accounts_split_fields(line, f, 4);
		if (n < 3 || !is_name(f[0]) || !parse_id(f[2], &g.gid))
			continue;
		g.name = f[0];
		g.members = n == 4 ? f[3] : "";
		a->groups[a->n_groups++] = g;
	}
}

static size_t count_lines(const char *s, size_t len)
{
	const char *end = s + len;
	size_t n = 1;

	while ((s = memchr(s, '\n', (size_t)(end - s))))
		n++, s++;
	return n;
}

static int by_uid(const void *x, const void *y)
{
	const struct account_user *a = x, *b = y;

	return (a->uid > b->uid) - (a->uid < b->uid);
}

static int by_gid(const void *x, const void *y)
{
	const struct account_group *a = x, *b = y;

	return (a->gid > b->gid) - (a->gid < b->gid);
}

/* The texts read (len bytes each) into the sorted entry arrays. */
static int accounts_parse(struct accounts *a, const size_t len[ACCOUNTS_FILES])
{
	size_t n[2] = {0, 0};

	for (size_t i = 0; i < ACCOUNTS_FILES; i++)
		n[i % 2] += a->text[i] ? count_lines(a->text[i], len[i]) : 0;
	a->users = calloc_array(n[0], sizeof(*a->users));
	a->groups = calloc_array(n[1], sizeof(*a->groups));
	if (!a->users || !a->groups)
		return -ENOMEM;
	for (size_t i = 0; i < ACCOUNTS_FILES; i++) {
		if (!a->text[i])
			continue;
		if (i % 2 == 0)
			parse_passwd(a, a->text[i], a->text[i] + len[i]);
		else
			parse_group(a, a->text[i], a->text[i] + len[i]);
	}
	qsort(a->users, a->n_users, sizeof(*a->users), by_uid);
	qsort(a->groups, a->n_groups, sizeof(*a->groups), by_gid);
	return 0;
}

static void free_entries(struct accounts *a)
{
	for (size_t i = 0; i < ACCOUNTS_FILES; i++) {
		free(a->text[i]);
		a->text[i] = NULL;
	}
	free(a->users);
	free(a->groups);
	a->users = NULL;
	a->groups = NULL;
	a->n_users = a->n_groups = 0;
}

/* Keep nothing of what was read, and say why. */
static int accounts_fail(struct accounts *a, const struct err *e)
{
	snprintf(a->msg, sizeof(a->msg), "%s", e->msg);
	a->err = -e->code;
	free_entries(a);
	return a->err;
}

int accounts_read(struct accounts *a)
{
	struct err e = {0};
	char path[PATH_MAX];
	size_t len[ACCOUNTS_FILES] = {0};
	int r;

	if (a->read)
		return a->err;
	a->read = true;
	for (size_t i = 0; i < ACCOUNTS_FILES; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s%s", a->root, account_files[i]) >=
		    sizeof(path)) {
			err_msg(&e, ENAMETOOLONG, "%s%s: path too long", a->root, account_files[i]);
			return accounts_fail(a, &e);
		}
		r = io_read_file(path, ACCOUNTS_FILE_MAX, &a->text[i], &len[i], &e);
		if (r == -ENOENT && i >= ACCOUNTS_REQUIRED)
			continue;
		if (r < 0)
			return accounts_fail(a, &e);
	}
	if (accounts_parse(a, len) < 0) {
		err_set(&e, ENOMEM, "accounts");
		return accounts_fail(a, &e);
	}
	return 0;
}

void accounts_free(struct accounts *a)
{
	free_entries(a);
	accounts_free_subids(a);
}

/* The first of n entries (size bytes each, sorted by the uint32_t at off)
 * whose id is id or more. */
static size_t lower_bound(const void *base, size_t n, size_t size, size_t off, uint32_t id)
{
	const char *p = base;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t v;

		memcpy(&v, p + mid * size + off, sizeof(v));
		if (v < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t first_user(const struct accounts *a, uint32_t uid)
{
	return lower_bound(a->users, a->n_users, sizeof(*a->users),
			   offsetof(struct account_user, uid), uid);
}

static size_t first_group(const struct accounts *a, uint32_t gid)
{
	return lower_bound(a->groups, a->n_groups, sizeof(*a->groups),
			   offsetof(struct account_group, gid), gid);
}

const char *accounts_user_name(const struct accounts *a, uint32_t uid)
{
	size_t i = first_user(a, uid);

	return i < a->n_users && a->users[i].uid == uid ? a->users[i].name : NULL;
}

const char *accounts_group_name(const struct accounts *a, uint32_t gid)
{
	size_t i = first_group(a, gid);

	return i < a->n_groups && a->groups[i].gid == gid ? a->groups[i].name : NULL;
}

bool accounts_has_user(const struct accounts *a, uint32_t uid)
{
	return accounts_user_name(a, uid) != NULL;
}

/* Is name in a comma-separated member list?  Blanks before a member are
 * skipped (not after it), and an empty one is nobody, as for the C
 * library. */
static bool is_listed(const char *members, const char *name)
{
	size_t n = strlen(name);

	if (n == 0)
		return false;
	for (const char *p = members; *p;) {
		const char *end;

		while (isspace((unsigned char)*p))
			p++;
		end = strchrnul(p, ',');

		if ((size_t)(end - p) == n && strncmp(p, name, n) == 0)
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

bool accounts_in_group(const struct accounts *a, uint32_t uid, uint32_t gid)
{
	size_t first = first_group(a, gid);

	for (size_t i = first_user(a, uid); i < a->n_users && a->users[i].uid == uid; i++) {
		if (a->users[i].gid == gid)
			return true;
		for (size_t k = first; k < a->n_groups && a->groups[k].gid == gid; k++)
			if (is_listed(a->groups[k].members, a->users[i].name))
				return true;
	}
	return false;
}
