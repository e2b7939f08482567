/* SPDX-License-Identifier: Apache-2.0 */
/* The lines of the host's account files, as the C library reads them:
 * shared by accounts.c and accounts_subids.c only. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "accounts.h"

/* The next line of [*s, end), NUL-terminated in place; NULL at the end.  A
 * NUL byte in it ends the line early, as for the C library, not the file. */
char *accounts_next_line(char **s, char *end);

/* The entry on a line, blanks before it skipped; NULL for a blank line or a
 * comment (a '#' after the blanks). */
char *accounts_entry_of(char *line);

/* Split line at ':' in place into at most n fields; the last takes the
 * rest.  Returns how many there are. */
size_t accounts_split_fields(char *line, char **ret_fields, size_t n);

/* A number as the C library's strtoul reads one (blanks and a '+' may come
 * before the digits, nothing after them); false past max. */
bool accounts_parse_number(const char *s, uint64_t max, uint64_t *ret);

/* Free what accounts_read_subids() read (accounts_free() does). */
void accounts_free_subids(struct accounts *a);
