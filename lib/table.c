/* SPDX-License-Identifier: Apache-2.0 */
#include "table.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

void table_init(struct table *t, const char *const *header)
{
	*t = (struct table){0};
	while (t->n_cols < TABLE_MAX_COLUMNS && header[t->n_cols]) {
		t->header[t->n_cols] = header[t->n_cols];
		t->width[t->n_cols] = strlen(header[t->n_cols]);
		t->n_cols++;
	}
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n_rows * t->n_cols + t->filled; i++)
		free(t->cells[i]);
	free(t->cells);
	*t = (struct table){0};
}

/* Printable ASCII but the backslash; a space only in the last column, which
 * a script takes whole after splitting the others off. */
static bool is_plain(unsigned char c, bool last)
{
	return (c > ' ' || (last && c == ' ')) && c < 0x7f && c != '\\';
}

/* s with every byte that is not plain as \xNN (a new string). */
static char *escape(const char *s, bool last)
{
	size_t n = 0;
	char *out, *p;

	for (const unsigned char *q = (const unsigned char *)s; *q; q++)
		n += is_plain(*q, last) ? 1 : 4;
	out = malloc(n + 1);
	if (!out)
		return NULL;
	p = out;
	for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
		if (is_plain(*q, last))
			*p++ = (char)*q;
		else
			p += sprintf(p, "\\x%02x", *q);
	}
	*p = '\0';
	return out;
}

/* Room for one more row of cells. */
static int grow(struct table *t)
{
	size_t cap = t->cap_rows ? 2 * t->cap_rows : 16;
	char **cells;

	if (t->n_rows < t->cap_rows)
		return 0;
	if (cap > SIZE_MAX / sizeof(*cells) / t->n_cols)
		return -ENOMEM;
	cells = realloc(t->cells, cap * t->n_cols * sizeof(*cells));
	if (!cells)
		return -ENOMEM;
	t->cells = cells;
	t->cap_rows = cap;
	return 0;
}

void table_add(struct table *t, const char *cell)
{
	size_t col = t->filled;
	char *s;

	if (t->failed || !t->n_cols)
		return;
	if (col == 0 && grow(t) < 0) {
		t->failed = -ENOMEM;
		return;
	}
	s = escape(cell && *cell ? cell : "-", col + 1 == t->n_cols);
	if (!s) {
		t->failed = -ENOMEM;
		return;
	}
	t->cells[t->n_rows * t->n_cols + col] = s;
	if (strlen(s) > t->width[col])
		t->width[col] = strlen(s);
	if (++t->filled == t->n_cols) {
		t->n_rows++;
		t->filled = 0;
	}
}

void table_addf(struct table *t, const char *fmt, ...)
{
	_cleanup_free_ char *s = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0) {
		s = NULL;
		t->failed = -ENOMEM;
		return;
	}
	table_add(t, s);
}

static void put_row(FILE *f, const struct table *t, const char *const *row)
{
	for (size_t c = 0; c < t->n_cols; c++) {
		if (c + 1 == t->n_cols)
			fprintf(f, "%s\n", row[c]);
		else
			fprintf(f, "%-*s  ", (int)t->width[c], row[c]);
	}
}

int table_text(const struct table *t, char **ret_text, struct err *e)
{
	char *text = NULL;
	size_t size;
	FILE *f;

	if (t->failed)
		return err_set(e, ENOMEM, "table");
	if (t->filled)
		return err_msg(e, EINVAL, "table: its last row is incomplete");
	f = open_memstream(&text, &size);
	if (!f)
		return err_set(e, ENOMEM, "table");
	put_row(f, t, t->header);
	for (size_t r = 0; r < t->n_rows; r++)
		put_row(f, t, (const char *const *)&t->cells[r * t->n_cols]);
	if (fclose(f) != 0) {
		free(text);
		return err_set(e, ENOMEM, "table");
	}
	*ret_text = text;
	return 0;
}
