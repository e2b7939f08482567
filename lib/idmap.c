/* SPDX-License-Identifier: Apache-2.0 */
#include "idmap.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole valid range: 0..ID_MAX, ID_MAX + 1 ids. */
#define ID_RANGE_COUNT (ID_MAX + 1)

static void add_extent(struct idmap *m, uint32_t first, uint32_t lower, uint32_t count)
{
	if (count == 0)
		return;
	m->ext[m->n++] = (struct id_extent){.first = first, .lower = lower, .count = count};
}

void idmap_swap(uint32_t a, uint32_t b, struct idmap *ret_map)
{
	struct idmap m = {.n = 0};
	uint32_t lo = a < b ? a : b;
	uint32_t hi = a < b ? b : a;

	if (lo == hi) {
		add_extent(&m, 0, 0, ID_RANGE_COUNT);
	} else {
		add_extent(&m, 0, 0, lo);
		add_extent(&m, lo, hi, 1);
		add_extent(&m, lo + 1, lo + 1, hi - lo - 1);
		add_extent(&m, hi, lo, 1);
		add_extent(&m, hi + 1, hi + 1, ID_MAX - hi);
	}
	*ret_map = m;
}

bool idmap_is_identity(const struct idmap *m)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->ext[i].first != m->ext[i].lower)
			return false;
	return true;
}

bool idmap_equal(const struct idmap *a, const struct idmap *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->ext[i].first != b->ext[i].first || a->ext[i].lower != b->ext[i].lower ||
		    a->ext[i].count != b->ext[i].count)
			return false;
	return true;
}

static bool extents_apply(const struct id_extent *ext, size_t n, uint32_t id, uint32_t *ret_id)
{
	for (size_t i = 0; i < n; i++) {
		if (id >= ext[i].first && id - ext[i].first < ext[i].count) {
			*ret_id = ext[i].lower + (id - ext[i].first);
			return true;
		}
	}
	return false;
}

bool idmap_apply(const struct idmap *m, uint32_t id, uint32_t *ret_id)
{
	return extents_apply(m->ext, m->n, id, ret_id);
}

size_t idmap_format(const struct idmap *m, char buf[static IDMAP_TEXT_MAX])
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < m->n; i++)
		len += (size_t)snprintf(buf + len, IDMAP_TEXT_MAX - len,
					"%" PRIu32 " %" PRIu32 " %" PRIu32 "\n", m->ext[i].first,
					m->ext[i].lower, m->ext[i].count);
	return len;
}

bool idmap_to_host(const struct id_map *m, uint32_t id, uint32_t *ret_host)
{
	return extents_apply(m->ext, m->n, id, ret_host);
}

static int parse_u32(const char **p, uint32_t *ret)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(*p, &end, 10);
	if (errno || end == *p || v > UINT32_MAX)
		return -EINVAL;
	*p = end;
	*ret = (uint32_t)v;
	return 0;
}

int idmap_parse_proc(const char *text, struct id_map *ret_map)
{
	struct id_extent ext[SPEC_MAX_ID_EXTENTS];
	const char *p = text;
	size_t n = 0;

	while (*p) {
		struct id_extent e;

		while (*p == ' ' || *p == '\n')
			p++;
		if (!*p)
			break;
		if (n == SPEC_MAX_ID_EXTENTS || parse_u32(&p, &e.first) < 0 ||
		    parse_u32(&p, &e.lower) < 0 || parse_u32(&p, &e.count) < 0)
			return -EINVAL;
		ext[n++] = e;
	}
	ret_map->ext = NULL;
	if (n > 0) {
		ret_map->ext = calloc(n, sizeof(*ext));
		if (!ret_map->ext)
			return -ENOMEM;
		memcpy(ret_map->ext, ext, n * sizeof(*ext));
	}
	ret_map->n = n;
	return 0;
}
