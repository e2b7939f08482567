/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /proc/<pid>/mountinfo, read by hand.  libmount did this first; it brought
 * libblkid, libselinux and libpcre2 into every hook process, ~1.4 ms of
 * loading and page faults at every container start (make bench), for five
 * fields of a line the kernel writes in one fixed format (proc(5)):
 *
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext4 /dev/root rw,errors=continue
 *   id parent dev root mount-point options [optional fields...] - fstype source super
 *
 * Paths are escaped by the kernel (space, tab, newline, backslash as \ooo),
 * so fields split on single spaces.  A line that does not have this shape is
 * skipped, never guessed at.
 */
#include "mountinfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "io.h"

#define MOUNTINFO_MAX (16 * 1024 * 1024)

static int compare_ids(const void *a, const void *b)
{
	const struct mount_entry *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Undo the kernel's \ooo escapes in place. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

/* Does a comma-separated option string contain exactly `name`? */
static bool has_option(const char *opts, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = opts; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		if (n == len && strncmp(p, name, len) == 0)
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

static bool parse_int(const char *s, int *ret)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < 0 || v > 0x7fffffff)
		return false;
	*ret = (int)v;
	return true;
}

/* One line (modified in place) into m: 1, 0 if it is not a mountinfo line,
 * -ENOMEM. */
static int parse_line(char *line, struct mount_entry *m)
{
	char *field[6], *fstype, *source, *save = NULL, *sep;
	size_t i;

	sep = strstr(line, " - "); /* ends the optional fields */
	if (!sep)
		return 0;
	*sep = '\0';
	fstype = strtok_r(sep + 3, " ", &save);
	source = fstype ? strtok_r(NULL, " ", &save) : NULL;
	save = NULL;
	for (i = 0; i < ARRAY_SIZE(field); i++)
		if (!(field[i] = strtok_r(i ? NULL : line, " ", &save)))
			return 0;
	if (!fstype || !parse_int(field[0], &m->id) || !parse_int(field[1], &m->parent_id))
		return 0;
	unescape(field[3]);
	unescape(field[4]);
	if (source)
		unescape(source);
	m->target = strdup(field[4]);
	m->root = strdup(field[3]);
	m->source = strdup(source ? source : "");
	if (!m->target || !m->root || !m->source) {
		free(m->target);
		free(m->root);
		free(m->source);
		return -ENOMEM;
	}
	snprintf(m->fstype, sizeof(m->fstype), "%s", fstype);
	m->idmapped = has_option(field[5], "idmapped");
	return 1;
}

int mountinfo_parse(char *text, struct mount_table *ret_table, struct err *e)
{
	struct mount_table t = {0};
	size_t lines = 1, i = 0;
	char *save = NULL;

	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	t.entries = calloc(lines, sizeof(*t.entries));
	if (!t.entries)
		return err_set(e, ENOMEM, "mount table");
	for (char *line = strtok_r(text, "\n", &save); line && i < lines;
	     line = strtok_r(NULL, "\n", &save)) {
		int r = parse_line(line, &t.entries[i]);

		if (r < 0) {
			mountinfo_free(&t);
			return err_set(e, -r, "mount table");
		}
		i += (size_t)r;
		t.n = i;
	}
	/* By id, for mountinfo_find(): walks up parent chains are frequent. */
	qsort(t.entries, t.n, sizeof(*t.entries), compare_ids);
	*ret_table = t;
	return 0;
}

int mountinfo_read(const char *path, struct mount_table *ret_table, struct err *e)
{
	_cleanup_free_ char *text = NULL;
	int r;

	r = io_read_file(path, MOUNTINFO_MAX, &text, NULL, e);
	if (r < 0)
		return r;
	return mountinfo_parse(text, ret_table, e);
}

const struct mount_entry *mountinfo_find(const struct mount_table *t, int id)
{
	struct mount_entry key = {.id = id};

	if (!t->entries)
		return NULL;
	return bsearch(&key, t->entries, t->n, sizeof(*t->entries), compare_ids);
}

bool mountinfo_is_below(const struct mount_table *t, int id, int ancestor)
{
	const struct mount_entry *m = mountinfo_find(t, id);

	/* A mount table is a tree, but bound the walk anyway. */
	for (size_t steps = 0; m && steps < t->n; steps++) {
		if (m->parent_id == ancestor)
			return true;
		if (m->parent_id == m->id)
			return false;
		m = mountinfo_find(t, m->parent_id);
	}
	return false;
}

void mountinfo_free(struct mount_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->entries[i].target);
		free(t->entries[i].root);
		free(t->entries[i].source);
	}
	free(t->entries);
	*t = (struct mount_table){0};
}
