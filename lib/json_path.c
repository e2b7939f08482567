/* SPDX-License-Identifier: Apache-2.0 */
/* JSON paths for messages (json.h): mounts[3].options[1], annotations["a.b"]. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

/* Printable ASCII other than quote and backslash, or any UTF-8 byte. */
static char safe_char(char c)
{
	unsigned char u = (unsigned char)c;

	if (u < 0x20 || u == 0x7f || c == '"' || c == '\\')
		return '?';
	return c;
}

static bool is_plain_key(const char *key)
{
	if (!*key)
		return false;
	for (; *key; key++)
		if (!isalnum((unsigned char)*key) && *key != '_' && *key != '-')
			return false;
	return true;
}

/* Append s to buf (at *len), cut to fit.  Paths are built for every member
 * and element the parser visits, so no printf here: it was a fifth of
 * spec_parse's time. */
static void append(char buf[static JSON_PATH_MAX], size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (n > JSON_PATH_MAX - 1 - *len)
		n = JSON_PATH_MAX - 1 - *len;
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
}

/* parent may be buf itself. */
static void start(char buf[static JSON_PATH_MAX], size_t *len, const char *parent)
{
	*len = strnlen(parent, JSON_PATH_MAX - 1);
	memmove(buf, parent, *len);
	buf[*len] = '\0';
}

void json_path_key(char buf[static JSON_PATH_MAX], const char *parent, const char *key)
{
	size_t len, at;

	start(buf, &len, parent);
	if (is_plain_key(key)) {
		append(buf, &len, len ? "." : "");
		append(buf, &len, key);
		return;
	}
	append(buf, &len, "[\"");
	at = len;
	append(buf, &len, key);
	for (; at < len; at++)
		buf[at] = safe_char(buf[at]);
	append(buf, &len, "\"]");
}

void json_path_index(char buf[static JSON_PATH_MAX], const char *parent, size_t i)
{
	char digits[24], *p = digits + sizeof(digits);
	size_t len;

	*--p = '\0';
	do
		*--p = (char)('0' + i % 10);
	while ((i /= 10) > 0);
	start(buf, &len, parent);
	append(buf, &len, "[");
	append(buf, &len, p);
	append(buf, &len, "]");
}
