/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A text table for people, as findmnt and lsblk print them: a header row,
 * columns padded to their widest cell and two spaces apart, the last column
 * not padded.  Every cell is escaped as it is added: a byte that is not
 * printable ASCII, a backslash, and a space outside the last column become
 * \xNN, so a path an attacker named cannot move the cursor, clear the
 * screen or shift a column: a row splits on spaces into its columns, the
 * last taken whole.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "err.h"

#define TABLE_MAX_COLUMNS 8

struct table {
	size_t n_cols;
	const char *header[TABLE_MAX_COLUMNS];
	size_t width[TABLE_MAX_COLUMNS];
	char **cells; /* row-major, n_rows * n_cols, escaped */
	size_t n_rows, cap_rows;
	size_t filled; /* cells of the row being added */
	int failed;    /* -ENOMEM once an allocation failed: every add is a no-op */
};

/* A table with these column names (at most TABLE_MAX_COLUMNS, NULL-terminated). */
void table_init(struct table *t, const char *const *header);
void table_free(struct table *t);

/* Add the next cell of the current row; a new row starts after the last column.
 * NULL (a cell with nothing to say) prints as "-". */
void table_add(struct table *t, const char *cell);
__attribute__((format(printf, 2, 3))) void table_addf(struct table *t, const char *fmt, ...);

/* The table as text, ending in a newline, into a new buffer; -ENOMEM when any
 * add failed or the text cannot be made. */
int table_text(const struct table *t, char **ret_text, struct err *e);
