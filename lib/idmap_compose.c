/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Maps built from other maps (pure): the owner-only map of a container with
 * its own user namespace, and a mount's map composed after an idmapped
 * source's own.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cleanup.h"
#include "idmap.h"

/* The whole valid range: 0..ID_MAX, ID_MAX + 1 ids. */
#define ID_RANGE_COUNT ((uint64_t)ID_MAX + 1)

/* Append an extent, merged into the previous one when it continues it on
 * both sides. */
static void push_extent(struct id_extent *out, size_t *n, uint64_t first, uint64_t lower,
			uint64_t count)
{
	struct id_extent *prev = *n > 0 ? &out[*n - 1] : NULL;

	if (count == 0)
		return;
	if (prev && (uint64_t)prev->first + prev->count == first &&
	    (uint64_t)prev->lower + prev->count == lower) {
		prev->count += (uint32_t)count;
		return;
	}
	out[(*n)++] = (struct id_extent){(uint32_t)first, (uint32_t)lower, (uint32_t)count};
}

/* out[0..n-1] (heap, sorted by first) into *ret, when the kernel takes it:
 * at most IDMAP_MAX_EXTENTS lines, a text shorter than IDMAP_TEXT_MAX.
 * what names the map in the error ("composed with the source's own map"),
 * and what it came from when there are too many lines (" (200 lines)"). */
static int take_checked(struct id_extent *out, size_t n, const char *what, const char *from,
			struct idmap *ret, struct err *e)
{
	struct idmap m;
	size_t text;

	if (n > IDMAP_MAX_EXTENTS) {
		free(out);
		return err_msg(e, EINVAL,
			       "%s%s, the map needs %zu lines; the kernel allows at most %d", what,
			       from, n, IDMAP_MAX_EXTENTS);
	}
	idmap_take(&m, out, n);
	text = idmap_text_len(&m);
	if (text >= IDMAP_TEXT_MAX) {
		idmap_free(&m);
		return err_msg(e, EINVAL,
			       "%s, the map is %zu bytes of text; the kernel takes at most %d in "
			       "its one write",
			       what, text, IDMAP_TEXT_MAX - 1);
	}
	*ret = m;
	return 0;
}

/* The first extent of g (sorted by first) that ends after id. */
static size_t first_ending_after(const struct idmap *g, uint64_t id)
{
	const struct id_extent *y = idmap_extents(g);
	size_t lo = 0, hi = g->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((uint64_t)y[mid].first + y[mid].count <= id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* g after x: x's image cut where g's extents begin and end, each piece sent
 * on by g; what g does not map is left out. */
static void push_through(struct id_extent *out, size_t *n, const struct id_extent *x,
			 const struct idmap *g)
{
	const struct id_extent *y = idmap_extents(g);
	uint64_t lo = x->lower, hi = lo + x->count; /* [lo, hi) */

	for (size_t k = first_ending_after(g, lo); k < g->n && y[k].first < hi; k++) {
		uint64_t a = lo > y[k].first ? lo : y[k].first;
		uint64_t end = (uint64_t)y[k].first + y[k].count, b = hi < end ? hi : end;

		push_extent(out, n, x->first + (a - lo), y[k].lower + (a - y[k].first), b - a);
	}
}

int idmap_compose_map(const struct idmap *old, uint32_t h, uint32_t t, const struct idmap *g,
		      struct idmap *ret_new, struct err *e)
{
	const struct id_extent *ext = idmap_extents(old);
	char from[32];
	struct id_extent *out;
	size_t n = 0;
	uint32_t on_disk;

	if (h > ID_MAX || t > ID_MAX)
		return err_msg(e, EINVAL, "%" PRIu32 " is not a valid id", h > ID_MAX ? h : t);
	if (h != t && !idmap_apply_inverse(old, h, &on_disk))
		return err_msg(e, EINVAL,
			       "%" PRIu32
			       ", the owner as the source shows it, is not in the source's "
			       "own map (it is the overflow id), so the container user's writes "
			       "could not be stored",
			       h);
	/* Each piece ends where an extent of old or of g ends. */
	out = calloc(old->n + g->n + 1, sizeof(*out));
	if (!out)
		return err_set(e, ENOMEM, "compose map");
	for (size_t i = 0; i < old->n; i++)
		push_through(out, &n, &ext[i], g);
	if (n == 0) {
		free(out);
		return err_msg(e, EINVAL, "composed with the source's own map, nothing is mapped");
	}
	snprintf(from, sizeof(from), " (%zu lines)", old->n);
	return take_checked(out, n, "composed with the source's own map", from, ret_new, e);
}

int idmap_compose(const struct idmap *old, uint32_t h, uint32_t t, struct idmap *ret_new,
		  struct err *e)
{
	struct idmap swap = {0};

	if (h <= ID_MAX && t <= ID_MAX)
		idmap_swap(h, t, &swap);
	return idmap_compose_map(old, h, t, &swap, ret_new, e);
}

static int by_lower(const void *a, const void *b)
{
	const struct id_extent *x = a, *y = b;

	return (x->lower > y->lower) - (x->lower < y->lower);
}

/* Push the identity on [a, b), minus the ids h and t. */
static void push_identity_but(struct id_extent *out, size_t *n, uint64_t a, uint64_t b, uint32_t h,
			      uint32_t t)
{
	uint64_t cut[2] = {h < t ? h : t, h < t ? t : h};

	for (size_t i = 0; i < 2; i++) {
		if (cut[i] < a || cut[i] >= b)
			continue;
		push_extent(out, n, a, a, cut[i] - a);
		a = cut[i] + 1;
	}
	push_extent(out, n, a, a, b - a);
}

/* The identity on every id outside ns's host side, h and t (ns's extents
 * sorted by their host side, overlaps allowed). */
static void push_outside(struct id_extent *out, size_t *n, const struct id_extent *sorted, size_t k,
			 uint32_t h, uint32_t t)
{
	uint64_t at = 0;

	for (size_t i = 0; i < k; i++) {
		uint64_t lo = sorted[i].lower, hi = lo + sorted[i].count;

		if (lo > at)
			push_identity_but(out, n, at, lo, h, t);
		if (hi > at)
			at = hi;
	}
	if (at < ID_RANGE_COUNT)
		push_identity_but(out, n, at, ID_RANGE_COUNT, h, t);
}

static int by_first(const void *a, const void *b)
{
	const struct id_extent *x = a, *y = b;

	return (x->first > y->first) - (x->first < y->first);
}

/* Merge the extents of ext (sorted by first) that continue each other;
 * returns how many are left. */
static size_t merge_sorted(struct id_extent *ext, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		push_extent(ext, &k, ext[i].first, ext[i].lower, ext[i].count);
	return k;
}

int idmap_owner_only(uint32_t h, uint32_t t, const struct idmap *ns, struct idmap *ret_map,
		     struct err *e)
{
	_cleanup_free_ struct id_extent *sorted = NULL;
	const struct id_extent *ns_ext = idmap_extents(ns);
	struct id_extent *out;
	size_t k = 0, n = 0;
	char from[32];

	if (h > ID_MAX || t > ID_MAX)
		return err_msg(e, EINVAL, "%" PRIu32 " is not a valid id", h > ID_MAX ? h : t);
	sorted = calloc(ns->n + 1, sizeof(*sorted));
	/* Outside the ranges: ns->n + 1 pieces, cut at h and t, and h -> t. */
	out = calloc(ns->n + 4, sizeof(*out));
	if (!sorted || !out) {
		free(out);
		return err_set(e, ENOMEM, "owner map");
	}
	for (size_t i = 0; i < ns->n; i++)
		if (ns_ext[i].count > 0)
			sorted[k++] = ns_ext[i];
	qsort(sorted, k, sizeof(*sorted), by_lower);
	push_outside(out, &n, sorted, k, h, t);
	out[n++] = (struct id_extent){.first = h, .lower = t, .count = 1};
	qsort(out, n, sizeof(*out), by_first);
	n = merge_sorted(out, n);
	snprintf(from, sizeof(from), " (%zu ranges)", k);
	return take_checked(out, n, "with the container's user namespace", from, ret_map, e);
}
