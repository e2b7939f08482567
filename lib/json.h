/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The only user of yajl's parser (report.c alone writes JSON with yajl_gen):
 * parse a document into a tree once, then read it through typed,
 * range-checked getters whose messages name the JSON path, e.g.
 * "process.user.uid: must be an integer in 0..4294967294".  Callers prepend
 * the name of the document ("config.json: ").
 *
 * json_parse() reads a document as Go's encoding/json (runc) does
 * (json_text.c): the first value only, bytes that are not UTF-8 and
 * surrogate escapes that pair with nothing as U+FFFD; it rejects what yajl
 * would accept but Go does not: comments and nesting deeper than
 * JSON_MAX_DEPTH.  "\u0000" (a C string would silently end there) is
 * refused only in a string the hook reads (json_as_string and the getters).
 *
 * A key given twice is no error: only a member the hook asks for is refused
 * when the runtimes read it differently (given twice: runc reads the last,
 * crun the first; or spelled "Root", which runc reads as root and crun
 * does not).  Measured with runc 1.1.5 and crun 1.8.1 (tests/corpus).
 *
 * Getters of a member take the object, its path ("" for the root) and the
 * key.  They return 1 when the member is present (and then write ret_*),
 * 0 when it is absent and optional, and -EINVAL with a message otherwise.
 * Strings are borrowed from the tree: copy them before json_free().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "json_text.h" /* JSON_MAX_DEPTH, json_is_blank */

#define JSON_PATH_MAX 256

/* A "\u0000" in the text is this in a string of the tree (U+DC00 in UTF-8,
 * which nothing else becomes: json_text.c): json_as_string() refuses it, a
 * string nobody reads may hold it. */
#define JSON_NUL_MARK "\xed\xb0\x80"

typedef struct json_value json_value; /* opaque: a node of the tree */

enum json_presence {
	JSON_OPTIONAL = 0,
	JSON_REQUIRED = 1,
};

/* Parse NUL-terminated text.  The tree is freed with json_free(). */
int json_parse(const char *text, json_value **ret_root, struct err *e);

/* What json_parse_doc() says of the text besides the tree. */
struct json_doc_info {
	size_t end; /* the document ends at text + end: what follows was not read */
	bool exact; /* every string is in the tree as written (nothing read as U+FFFD) */
};

/* json_parse(), and *ret_info when not NULL. */
int json_parse_doc(const char *text, json_value **ret_root, struct json_doc_info *ret_info,
		   struct err *e);
void json_free(json_value *root);
void json_freep(json_value **root);
#define _cleanup_json_ __attribute__((cleanup(json_freep)))

/* Does key name the field want (ASCII) as Go's encoding/json matches struct
 * fields: case-insensitively, with U+212A (Kelvin sign) for k and U+017F
 * (long s) for s?  runc reads "Root" as root; crun does not. */
bool json_is_go_alias(const char *key, const char *want);

/* Paths for messages: parent.key (or parent["odd key"]) and parent[i]
 * (json_path.c). */
void json_path_key(char buf[static JSON_PATH_MAX], const char *parent, const char *key);
void json_path_index(char buf[static JSON_PATH_MAX], const char *parent, size_t i);

/* Type checks of a value itself (array elements, the root). */
int json_expect_object(const json_value *v, const char *path, struct err *e);
int json_as_string(const json_value *v, const char *path, const char **ret, struct err *e);
/* Is v a string (of any content: nothing is read)? */
bool json_is_string(const json_value *v);

/* Members of an object. */
int json_get_object(const json_value *obj, const char *path, const char *key, enum json_presence p,
		    const json_value **ret, struct err *e);
int json_get_array(const json_value *obj, const char *path, const char *key, enum json_presence p,
		   const json_value **ret, size_t *ret_len, struct err *e);
int json_get_string(const json_value *obj, const char *path, const char *key, enum json_presence p,
		    const char **ret, struct err *e);
/* An integer in min..max; 1.5, 1e99 and "1" are not integers. */
int json_get_int(const json_value *obj, const char *path, const char *key, enum json_presence p,
		 int64_t min, int64_t max, int64_t *ret, struct err *e);

/*
 * The tree itself, for a walk over every node (the runtime wrapper's
 * rewriter).  json_string_of() and json_number_text() need a node of that
 * kind; a number's text is as written ("1.50", "1E+3", "18446744073709551616").
 */
enum json_kind {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

enum json_kind json_kind_of(const json_value *v);
const char *json_string_of(const json_value *v);
const char *json_number_text(const json_value *v);

/* Elements of an array and entries of an object (i < length; the length of
 * anything else is 0). */
size_t json_array_len(const json_value *arr);
const json_value *json_array_at(const json_value *arr, size_t i);
size_t json_object_len(const json_value *obj);
const char *json_object_key_at(const json_value *obj, size_t i);
const json_value *json_object_value_at(const json_value *obj, size_t i);
