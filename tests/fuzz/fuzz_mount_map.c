/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: bytes -> a mount's map as statmount(2) gives it ->
 * idmap_parse(), then idmap_compose() with an owner and a user taken from the
 * first 8 bytes.  Whatever parses must be a valid map, and whatever composes
 * must be swap(old(d)) at every edge of old, within the kernel's limits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_valid(const struct idmap *m)
{
	const struct id_extent *x = idmap_extents(m);
	static char text[IDMAP_TEXT_MAX];
	size_t len = idmap_text_len(m);

	if (m->n == 0 || m->n > IDMAP_MAX_EXTENTS || (m->n > IDMAP_INLINE_EXTENTS) != !!m->big)
		abort();
	for (size_t i = 0; i < m->n; i++)
		if (x[i].count == 0 || (uint64_t)x[i].first + x[i].count > (uint64_t)ID_MAX + 1 ||
		    (uint64_t)x[i].lower + x[i].count > (uint64_t)ID_MAX + 1 ||
		    (i > 0 && (uint64_t)x[i - 1].first + x[i - 1].count > x[i].first))
			abort();
	/* A map that fits is written whole; one that does not, not at all. */
	if (idmap_format(m, text) != (len < IDMAP_TEXT_MAX ? len : 0) ||
	    strlen(text) != (len < IDMAP_TEXT_MAX ? len : 0))
		abort();
}

static uint32_t swap_id(uint32_t id, uint32_t h, uint32_t t)
{
	return id == h ? t : id == t ? h : id;
}

static void check_composed(const struct idmap *old, const struct idmap *new, uint32_t h, uint32_t t)
{
	const struct id_extent *x = idmap_extents(old);

	check_valid(new);
	if (new->n > old->n + 4 || idmap_text_len(new) >= IDMAP_TEXT_MAX)
		abort();
	for (size_t i = 0; i < old->n; i++) {
		uint32_t ends[] = {x[i].first, x[i].first + (x[i].count - 1)};

		for (size_t k = 0; k < 2; k++) {
			uint32_t o, n;

			if (!idmap_apply(old, ends[k], &o) || !idmap_apply(new, ends[k], &n) ||
			    n != swap_id(o, h, t))
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct idmap old, new;
	struct err e = {0};
	uint32_t h = 0, t = 0;

	if (size >= 8) {
		memcpy(&h, data, 4);
		memcpy(&t, data + 4, 4);
		data += 8;
		size -= 8;
	}
	if (idmap_parse((const char *)data, size, &old, &e) < 0)
		return 0;
	check_valid(&old);
	if (idmap_compose(&old, h, t, &new, &e) == 0) {
		check_composed(&old, &new, h, t);
		idmap_free(&new);
	}
	idmap_free(&old);
	return 0;
}
