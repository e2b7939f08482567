/* SPDX-License-Identifier: Apache-2.0 */
/* The text yajl parses, made from a document as runc reads it (json_text.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* Go's encoding/json (the runtimes) refuses deeper input; yajl_tree_free()
 * and the duplicate-key check recurse once per level: 10000 levels of arrays
 * and 10000 of objects ran in 1 MiB of stack (not in 512 KiB), an eighth of
 * the usual 8 MiB (measured, plan --bundle under ulimit -s). */
#define JSON_MAX_DEPTH 10000

/* Is text empty or only whitespace? */
bool json_is_blank(const char *text);

struct json_text {
	char *copy;	 /* the text to parse, or NULL: the document as it is */
	size_t end;	 /* the first value ends here: what follows is not read */
	size_t replaced; /* bytes or escapes read as U+FFFD */
};

/* Prepare NUL-terminated text for yajl; free ret->copy.  -EINVAL (comments,
 * too deep) or -ENOMEM with a message. */
int json_text_prepare(const char *text, struct json_text *ret, struct err *e);
