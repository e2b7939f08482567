/* SPDX-License-Identifier: Apache-2.0 */
/* The host's subordinate ids, /etc/subuid and /etc/subgid (accounts.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts_lines.h"
#include "cleanup.h"
#include "io.h"

/* A start or a count: blanks after the digits are fine too. */
static bool parse_field(char *s, uint64_t max, uint64_t *ret)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return accounts_parse_number(s, max, ret);
}

/* "owner:start:count" lines of f->text (len bytes) into f->ranges. */
static int parse_subids(struct account_subid_file *f, size_t len)
{
	char *text = f->text, *end = text + len, *line, *field[3];
	size_t n = 1;

	for (const char *p = text; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		n++;
	f->ranges = calloc_array(n, sizeof(*f->ranges));
	if (!f->ranges)
		return -ENOMEM;
	while ((line = accounts_next_line(&text, end))) {
		struct account_subids r;

		line += strspn(line, " \t");
		if (accounts_split_fields(line, field, 3) < 3 ||
		    !parse_field(field[1], UINT32_MAX, &r.start) ||
		    !parse_field(field[2], (uint64_t)UINT32_MAX + 1, &r.count) || r.count == 0)
			continue;
		r.owner = field[0];
		f->ranges[f->n++] = r;
	}
	return 0;
}

/* One file into f; a missing one has no ranges. */
static int read_subid_file(const char *root, const char *name, struct account_subid_file *f,
			   struct err *e)
{
	char path[PATH_MAX];
	size_t len = 0;
	int r;

	if ((size_t)snprintf(path, sizeof(path), "%s%s", root, name) >= sizeof(path))
		return err_msg(e, ENAMETOOLONG, "%s%s: path too long", root, name);
	r = io_read_file(path, ACCOUNTS_FILE_MAX, &f->text, &len, e);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	r = parse_subids(f, len);
	return r < 0 ? err_set(e, -r, "%s", path) : 0;
}

int accounts_read_subids(struct accounts *a)
{
	struct err e = {0};
	int r;

	if (a->subids_read)
		return a->subids_err;
	a->subids_read = true;
	r = read_subid_file(a->root, "/etc/subuid", &a->subuid, &e);
	if (r >= 0)
		r = read_subid_file(a->root, "/etc/subgid", &a->subgid, &e);
	if (r < 0) {
		accounts_free_subids(a);
		snprintf(a->subids_msg, sizeof(a->subids_msg), "%s", e.msg);
		a->subids_err = r;
	}
	return a->subids_err;
}

const struct account_subids *accounts_subids_of(const struct accounts *a, bool gid, uint32_t id)
{
	const struct account_subid_file *f = gid ? &a->subgid : &a->subuid;

	for (size_t i = 0; i < f->n; i++)
		if (id >= f->ranges[i].start && id - f->ranges[i].start < f->ranges[i].count)
			return &f->ranges[i];
	return NULL;
}

static void free_file(struct account_subid_file *f)
{
	free(f->text);
	free(f->ranges);
	*f = (struct account_subid_file){0};
}

void accounts_free_subids(struct accounts *a)
{
	free_file(&a->subuid);
	free_file(&a->subgid);
}
