/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: bytes -> /proc/<pid>/uid_map text -> idmap_parse_proc(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct idmap m = {0};
	char *text = malloc(size + 1);
	uint32_t host;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (idmap_parse_proc(text, &m) == 0) {
		if (m.n > IDMAP_MAX_EXTENTS || (m.n > IDMAP_INLINE_EXTENTS) != (m.big != NULL))
			abort();
		/* Translating through any parsed map must stay in bounds. */
		(void)idmap_apply(&m, 1000, &host);
		(void)idmap_apply(&m, UINT32_MAX, &host);
		idmap_free(&m);
	}
	free(text);
	return 0;
}
