/* SPDX-License-Identifier: Apache-2.0 */
/* The text yajl parses, made from a document as runc reads it (json_text.c). */
#pragma once

#include <stddef.h>

#include "json.h"

struct json_text {
	char *copy;	 /* the text to parse, or NULL: the document as it is */
	size_t end;	 /* the first value ends here: what follows is not read */
	size_t replaced; /* bytes or escapes read as U+FFFD */
};

/* Prepare NUL-terminated text for yajl; free ret->copy.  -EINVAL (comments,
 * too deep) or -ENOMEM with a message. */
int json_text_prepare(const char *text, struct json_text *ret, struct err *e);
