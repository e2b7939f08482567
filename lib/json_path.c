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

void json_path_key(char buf[static JSON_PATH_MAX], const char *parent, const char *key)
{
	size_t len;

	if (is_plain_key(key)) {
		snprintf(buf, JSON_PATH_MAX, "%s%s%s", parent, *parent ? "." : "", key);
		return;
	}
	snprintf(buf, JSON_PATH_MAX, "%s[\"%s\"]", parent, key);
	len = strlen(parent) + 2;
	for (; len < JSON_PATH_MAX && buf[len] && *key; len++, key++)
		buf[len] = safe_char(*key);
}

void json_path_index(char buf[static JSON_PATH_MAX], const char *parent, size_t i)
{
	snprintf(buf, JSON_PATH_MAX, "%s[%zu]", parent, i);
}
