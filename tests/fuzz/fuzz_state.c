/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: bytes -> NUL-terminated text -> state_parse(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oci_state s = {0};
	struct err e = {0};
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (state_parse(text, &s, &e) == 0) {
		/* What the hook relies on after a successful parse. */
		if (!s.id || !*s.id || strlen(s.id) > STATE_ID_MAX || strpbrk(s.id, "\r\n") ||
		    !s.status || !s.bundle || s.bundle[0] != '/' || s.pid < 0)
			abort();
		state_free(&s);
	} else if (e.code == 0 || !e.msg[0] || strchr(e.msg, '\n')) {
		abort(); /* a failure must come with a one-line message */
	}
	free(text);
	return 0;
}
