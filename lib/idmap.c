/* SPDX-License-Identifier: Apache-2.0 */
#include "idmap.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

/* The whole valid range: 0..ID_MAX, ID_MAX + 1 ids. */
#define ID_RANGE_COUNT (ID_MAX + 1)

void idmap_free(struct idmap *m)
{
	free(m->big);
	m->big = NULL;
	m->n = 0;
}

void idmap_take(struct idmap *m, struct id_extent *ext, size_t n)
{
	*m = (struct idmap){.n = n};
	if (n <= IDMAP_INLINE_EXTENTS) {
		if (n > 0)
			memcpy(m->small, ext, n * sizeof(*ext));
		free(ext);
	} else {
		m->big = ext;
	}
}

static void add_extent(struct idmap *m, uint32_t first, uint32_t lower, uint32_t count)
{
	if (count == 0)
		return;
	m->small[m->n++] = (struct id_extent){.first = first, .lower = lower, .count = count};
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
	const struct id_extent *ext = idmap_extents(m);

	for (size_t i = 0; i < m->n; i++)
		if (ext[i].first != ext[i].lower)
			return false;
	return true;
}

bool idmap_equal(const struct idmap *a, const struct idmap *b)
{
	const struct id_extent *x = idmap_extents(a), *y = idmap_extents(b);

	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (x[i].first != y[i].first || x[i].lower != y[i].lower ||
		    x[i].count != y[i].count)
			return false;
	return true;
}

bool idmap_apply(const struct idmap *m, uint32_t id, uint32_t *ret_id)
{
	const struct id_extent *ext = idmap_extents(m);

	for (size_t i = 0; i < m->n; i++) {
		if (id >= ext[i].first && id - ext[i].first < ext[i].count) {
			*ret_id = ext[i].lower + (id - ext[i].first);
			return true;
		}
	}
	return false;
}

bool idmap_apply_inverse(const struct idmap *m, uint32_t id, uint32_t *ret_id)
{
	const struct id_extent *ext = idmap_extents(m);

	for (size_t i = 0; i < m->n; i++) {
		if (id >= ext[i].lower && id - ext[i].lower < ext[i].count) {
			*ret_id = ext[i].first + (id - ext[i].lower);
			return true;
		}
	}
	return false;
}

static size_t digits(uint32_t v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

size_t idmap_text_len(const struct idmap *m)
{
	const struct id_extent *ext = idmap_extents(m);
	size_t len = 0;

	for (size_t i = 0; i < m->n; i++)
		len += digits(ext[i].first) + digits(ext[i].lower) + digits(ext[i].count) + 3;
	return len;
}

size_t idmap_format(const struct idmap *m, char buf[static IDMAP_TEXT_MAX])
{
	const struct id_extent *ext = idmap_extents(m);
	size_t len = 0;

	buf[0] = '\0';
	if (idmap_text_len(m) >= IDMAP_TEXT_MAX)
		return 0; /* never for a map built here; an empty map fails the write */
	for (size_t i = 0; i < m->n; i++)
		len += (size_t)snprintf(buf + len, IDMAP_TEXT_MAX - len,
					"%" PRIu32 " %" PRIu32 " %" PRIu32 "\n", ext[i].first,
					ext[i].lower, ext[i].count);
	return len;
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

int idmap_parse_proc(const char *text, struct idmap *ret_map)
{
	struct id_extent ext[IDMAP_MAX_EXTENTS];
	struct id_extent *heap = NULL;
	const char *p = text;
	size_t n = 0;

	while (*p) {
		struct id_extent e;

		while (*p == ' ' || *p == '\n')
			p++;
		if (!*p)
			break;
		if (n == IDMAP_MAX_EXTENTS || parse_u32(&p, &e.first) < 0 ||
		    parse_u32(&p, &e.lower) < 0 || parse_u32(&p, &e.count) < 0)
			return -EINVAL;
		ext[n++] = e;
	}
	if (n > 0) {
		heap = malloc(n * sizeof(*ext));
		if (!heap)
			return -ENOMEM;
		memcpy(heap, ext, n * sizeof(*ext));
	}
	idmap_take(ret_map, heap, n);
	return 0;
}

/* --- a mount's map as text, and composition ------------------------------- */

static int cmp_first(const void *a, const void *b)
{
	const struct id_extent *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

static int cmp_lower(const void *a, const void *b)
{
	const struct id_extent *x = a, *y = b;

	return x->lower < y->lower ? -1 : x->lower > y->lower;
}

/* Do the extents, sorted by that side, overlap on the inside (or outside)? */
static bool sorted_overlap(const struct id_extent *ext, size_t n, bool by_lower)
{
	for (size_t i = 1; i < n; i++) {
		uint64_t prev = by_lower ? ext[i - 1].lower : ext[i - 1].first;
		uint64_t cur = by_lower ? ext[i].lower : ext[i].first;

		if (prev + ext[i - 1].count > cur)
			return true;
	}
	return false;
}

/* Is ext[0..n-1] a valid map?  Sorts it by first. */
static int extents_check(struct id_extent *ext, size_t n, struct err *e)
{
	_cleanup_free_ struct id_extent *by_lower = NULL;

	if (n == 0)
		return err_msg(e, EINVAL, "map has no lines");
	if (n > IDMAP_MAX_EXTENTS)
		return err_msg(e, EINVAL, "map has %zu lines; the kernel allows at most %d", n,
			       IDMAP_MAX_EXTENTS);
	for (size_t i = 0; i < n; i++)
		if (ext[i].count == 0 || (uint64_t)ext[i].first + ext[i].count > ID_RANGE_COUNT ||
		    (uint64_t)ext[i].lower + ext[i].count > ID_RANGE_COUNT)
			return err_msg(e, EINVAL,
				       "map line %" PRIu32 " %" PRIu32 " %" PRIu32
				       ": empty, or beyond id %" PRIu32,
				       ext[i].first, ext[i].lower, ext[i].count, ID_MAX);
	qsort(ext, n, sizeof(*ext), cmp_first);
	if (sorted_overlap(ext, n, false))
		return err_msg(e, EINVAL, "map lines overlap on the inside");
	by_lower = malloc(n * sizeof(*ext));
	if (!by_lower)
		return err_set(e, ENOMEM, "map");
	memcpy(by_lower, ext, n * sizeof(*ext));
	qsort(by_lower, n, sizeof(*ext), cmp_lower);
	if (sorted_overlap(by_lower, n, true))
		return err_msg(e, EINVAL, "map lines overlap on the outside");
	return 0;
}

static bool is_line_end(char c)
{
	return c == '\n' || c == '\0';
}

/* A decimal uint32 after optional blanks, within [*p, end). */
static bool scan_u32(const char **p, const char *end, uint32_t *ret)
{
	const char *s = *p;
	uint64_t v = 0;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s == end || *s < '0' || *s > '9')
		return false;
	while (s < end && *s >= '0' && *s <= '9') {
		v = v * 10 + (uint64_t)(*s++ - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*p = s;
	*ret = (uint32_t)v;
	return true;
}

/* One line "A B N" in [*p, end), up to and past its end. */
static int scan_line(const char **p, const char *end, struct id_extent *ret, size_t line,
		     struct err *e)
{
	const char *s = *p;
	struct id_extent x;

	if (!scan_u32(&s, end, &x.first) || !scan_u32(&s, end, &x.lower) ||
	    !scan_u32(&s, end, &x.count))
		return err_msg(e, EINVAL, "map line %zu: not \"inside outside count\"", line);
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s < end && !is_line_end(*s))
		return err_msg(e, EINVAL, "map line %zu: trailing characters", line);
	*p = s < end ? s + 1 : s;
	*ret = x;
	return 0;
}

/* Is [p, end) blank up to the next line end? */
static bool is_blank_line(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p == end || is_line_end(*p);
}

int idmap_parse(const char *text, size_t len, struct idmap *ret_map, struct err *e)
{
	_cleanup_free_ struct id_extent *ext = NULL;
	const char *p = text, *end = text + len;
	size_t n = 0;
	int r;

	ext = calloc(IDMAP_MAX_EXTENTS, sizeof(*ext));
	if (!ext)
		return err_set(e, ENOMEM, "map");
	while (p < end) {
		if (is_blank_line(p, end)) {
			while (p < end && !is_line_end(*p))
				p++;
			p++;
			continue;
		}
		if (n == IDMAP_MAX_EXTENTS)
			return err_msg(e, EINVAL, "map has more than %d lines", IDMAP_MAX_EXTENTS);
		r = scan_line(&p, end, &ext[n], n + 1, e);
		if (r < 0)
			return r;
		n++;
	}
	r = extents_check(ext, n, e);
	if (r < 0)
		return r;
	idmap_take(ret_map, TAKE_PTR(ext), n);
	return 0;
}
