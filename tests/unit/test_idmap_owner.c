/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The owner-only map of a container with its own user namespace
 * (idmap_owner_only): on-disk h seen as t, the rest of the container's host
 * ranges unmapped, every other id as itself; and that map composed after an
 * idmapped source's own (idmap_compose_map).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idmap.h"
#include "tests.h"

/* As in test_idmap_compose.c: ck_assert is far too slow for random tests. */
#define expect(cond, ...)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			ck_abort_msg(__VA_ARGS__);                                                 \
	} while (0)

static bool in_ns(const struct idmap *ns, uint32_t id)
{
	uint32_t c;

	return idmap_apply_inverse(ns, id, &c);
}

/* What the owner-only map must do with on-disk d: false when unmapped. */
static bool owner_only_of(const struct idmap *ns, uint32_t h, uint32_t t, uint32_t d, uint32_t *ret)
{
	if (d == h) {
		*ret = t;
		return true;
	}
	if (d == t || in_ns(ns, d))
		return false;
	*ret = d;
	return true;
}

static void expect_point(const struct idmap *m, const struct idmap *ns, uint32_t h, uint32_t t,
			 uint64_t d)
{
	uint32_t got = 0, want = 0;
	bool has, should;

	if (d > ID_MAX)
		return;
	has = idmap_apply(m, (uint32_t)d, &got);
	should = owner_only_of(ns, h, t, (uint32_t)d, &want);
	expect(has == should,
	       "on-disk %" PRIu64 " (h %" PRIu32 ", t %" PRIu32 "): mapped %d, want %d", d, h, t,
	       has, should);
	expect(!has || got == want, "on-disk %" PRIu64 ": seen as %" PRIu32 ", want %" PRIu32, d,
	       got, want);
}

/* Sorted by first, no overlap on either side, merged, at most ns->n + 4. */
static void expect_valid(const struct idmap *m, const struct idmap *ns)
{
	const struct id_extent *x = idmap_extents(m);

	expect(m->n >= 1 && m->n <= ns->n + 4, "%zu lines for %zu ranges", m->n, ns->n);
	for (size_t i = 0; i < m->n; i++) {
		expect(x[i].count > 0, "line %zu empty", i);
		for (size_t k = 0; k < i; k++) {
			uint64_t a = x[k].lower, b = a + x[k].count;

			expect((uint64_t)x[k].first + x[k].count <= x[i].first,
			       "lines %zu and %zu unsorted or overlapping inside", k, i);
			expect(b <= x[i].lower || (uint64_t)x[i].lower + x[i].count <= a,
			       "lines %zu and %zu overlap outside", k, i);
		}
	}
	for (size_t i = 1; i < m->n; i++)
		expect(!((uint64_t)x[i - 1].first + x[i - 1].count == x[i].first &&
			 (uint64_t)x[i - 1].lower + x[i - 1].count == x[i].lower),
		       "lines %zu and %zu not merged", i - 1, i);
}

/* Every point where something can change: the edges of the ranges, h, t. */
static void expect_owner_only(const struct idmap *m, const struct idmap *ns, uint32_t h, uint32_t t)
{
	const struct id_extent *x = idmap_extents(m), *y = idmap_extents(ns);

	expect_valid(m, ns);
	for (size_t i = 0; i < ns->n; i++)
		for (int64_t d = -1; d <= 1; d++) {
			expect_point(m, ns, h, t, (uint64_t)((int64_t)y[i].lower + d));
			expect_point(m, ns, h, t, (uint64_t)y[i].lower + y[i].count + (uint64_t)d);
		}
	for (size_t i = 0; i < m->n; i++) {
		expect_point(m, ns, h, t, x[i].first);
		expect_point(m, ns, h, t, (uint64_t)x[i].first + x[i].count - 1);
	}
	for (int64_t d = -1; d <= 1; d++) {
		expect_point(m, ns, h, t, (uint64_t)((int64_t)h + d));
		expect_point(m, ns, h, t, (uint64_t)((int64_t)t + d));
	}
	expect_point(m, ns, h, t, 0);
	expect_point(m, ns, h, t, ID_MAX);
}

/* Docker's userns-remap: 0..65535 -> 100000.., user 1000, a host user's 501. */
START_TEST(test_owner_only_remap)
{
	struct id_extent ext[] = {{0, 100000, 65536}};
	struct idmap ns = {.n = 1, .big = ext};
	char text[IDMAP_TEXT_MAX];
	struct idmap m = {0};
	struct err e = {0};
	uint32_t out;

	ck_assert_int_eq(idmap_owner_only(501, 101000, &ns, &m, &e), 0);
	idmap_format(&m, text);
	ck_assert_str_eq(text, "0 0 501\n"
			       "501 101000 1\n"		      /* the owner: the container user */
			       "502 502 99498\n"	      /* host ids below the container's */
			       "165536 165536 4294801759\n"); /* and above */
	expect_owner_only(&m, &ns, 501, 101000);
	/* The container's root, its other users, the user's own host id: none. */
	ck_assert(!idmap_apply(&m, 100000, &out));
	ck_assert(!idmap_apply(&m, 102000, &out));
	ck_assert(!idmap_apply(&m, 101000, &out));
	idmap_free(&m);
}
END_TEST

/* The owner already is the container user (h == t): itself, and nothing
 * else of the container's. */
START_TEST(test_owner_only_same)
{
	struct id_extent ext[] = {{0, 100000, 1000}, {1000, 300000, 1}, {1001, 101001, 64535}};
	struct idmap ns = {.n = 3, .big = ext};
	struct idmap m = {0};
	struct err e = {0};
	uint32_t out;

	ck_assert_int_eq(idmap_owner_only(300000, 300000, &ns, &m, &e), 0);
	expect_owner_only(&m, &ns, 300000, 300000);
	ck_assert(idmap_apply(&m, 300000, &out));
	ck_assert_uint_eq(out, 300000);
	ck_assert(!idmap_apply(&m, 100005, &out));
	ck_assert(idmap_apply(&m, 200000, &out)); /* between the ranges: as itself */
	ck_assert_uint_eq(out, 200000);
	idmap_free(&m);
}
END_TEST

/* The owner is one of the container's own ids: no way back (what holds it in
 * the container writes nothing), and the user's own id is unmapped on disk. */
START_TEST(test_owner_only_owner_inside)
{
	struct id_extent ext[] = {{0, 100000, 65536}};
	struct idmap ns = {.n = 1, .big = ext};
	struct idmap m = {0};
	struct err e = {0};
	uint32_t out;

	ck_assert_int_eq(idmap_owner_only(100500, 101000, &ns, &m, &e), 0);
	expect_owner_only(&m, &ns, 100500, 101000);
	ck_assert(!idmap_apply(&m, 101000, &out));
	ck_assert_uint_eq(m.n, 3);
	idmap_free(&m);
}
END_TEST

/* Ranges at 0 and at the top, touching and overlapping: the identity only
 * where no range is. */
START_TEST(test_owner_only_edges)
{
	struct id_extent a[] = {{0, 0, 1000}, {1000, 1000, 10}, {2000, ID_MAX - 9, 10}};
	struct id_extent b[] = {{0, 500, 100}, {100, 550, 100}};
	struct idmap na = {.n = 3, .big = a}, nb = {.n = 2, .big = b};
	struct idmap m = {0};
	struct err e = {0};

	ck_assert_int_eq(idmap_owner_only(5000, 3, &na, &m, &e), 0);
	expect_owner_only(&m, &na, 5000, 3);
	idmap_free(&m);
	ck_assert_int_eq(idmap_owner_only(501, 600, &nb, &m, &e), 0);
	expect_owner_only(&m, &nb, 501, 600);
	idmap_free(&m);
	ck_assert_int_eq(idmap_owner_only(ID_MAX + 1, 600, &nb, &m, &e), -EINVAL);
}
END_TEST

/* 340 ranges apart need 341 pieces and more: the kernel's limit, said. */
START_TEST(test_owner_only_too_many)
{
	struct id_extent ext[IDMAP_MAX_EXTENTS];
	struct idmap ns = {.n = IDMAP_MAX_EXTENTS, .big = ext};
	struct idmap m = {0};
	struct err e = {0};

	for (uint32_t i = 0; i < IDMAP_MAX_EXTENTS; i++)
		ext[i] = (struct id_extent){i, 10 + 10 * i, 1};
	ck_assert_int_eq(idmap_owner_only(5, 10, &ns, &m, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "with the container's user namespace (340 ranges), the map needs "
				"343 lines; the kernel allows at most 340");
	ck_assert_uint_eq(m.n, 0);
}
END_TEST

static uint32_t rnd(uint32_t n)
{
	return (uint32_t)(((uint64_t)random() << 16 ^ (uint64_t)random()) % n);
}

/* Random namespaces, owners inside and outside them, users inside. */
START_TEST(test_owner_only_random)
{
	struct id_extent ext[6];
	struct idmap m = {0};
	struct err e = {0};

	srandom(20);
	for (int round = 0; round < 3000; round++) {
		struct idmap ns = {.n = 1 + rnd(6), .big = ext};
		uint32_t base = rnd(300000), h, t;

		for (size_t i = 0; i < ns.n; i++) {
			ext[i] = (struct id_extent){(uint32_t)i * 1000, base, 1 + rnd(900)};
			base += ext[i].count + rnd(3) * rnd(400);
		}
		t = ext[0].lower + rnd(ext[0].count);
		h = rnd(4) == 0 ? t : rnd(2) ? rnd(base + 10) : ext[ns.n - 1].lower;
		expect(idmap_owner_only(h, t, &ns, &m, &e) == 0, "round %d: %s", round, e.msg);
		expect_owner_only(&m, &ns, h, t);
		idmap_free(&m);
	}
}
END_TEST

/* After an idmapped source that shows disk 501 as 2000: new(d) =
 * owner_only(old(d)), and what old shows as a container id is unmapped. */
START_TEST(test_compose_owner_only)
{
	struct id_extent ext[] = {{0, 100000, 65536}};
	struct idmap ns = {.n = 1, .big = ext};
	struct idmap old, g = {0}, new = {0};
	struct err e = {0};
	uint32_t out;

	idmap_swap(501, 2000, &old);
	ck_assert_int_eq(idmap_owner_only(2000, 101000, &ns, &g, &e), 0);
	ck_assert_int_eq(idmap_compose_map(&old, 2000, 101000, &g, &new, &e), 0);
	for (uint32_t d = 0; d < 200000; d += d < 3000 ? 1 : 97) {
		uint32_t seen, want;
		bool has = idmap_apply(&new, d, &out);

		ck_assert(idmap_apply(&old, d, &seen));
		ck_assert_int_eq(has, idmap_apply(&g, seen, &want));
		ck_assert(!has || out == want);
	}
	ck_assert(idmap_apply(&new, 501, &out));
	ck_assert_uint_eq(out, 101000);
	ck_assert(!idmap_apply(&new, 100000, &out));
	idmap_free(&g);
	idmap_free(&new);
	/* An owner the source shows as the overflow id: refused, as ever. */
	ck_assert_int_eq(idmap_compose_map(&old, 70000, 101000, &g, &new, &e), -EINVAL);
}
END_TEST

/* A source that shows only the container's range, and a map that keeps none
 * of it: nothing left to map. */
START_TEST(test_compose_nothing_left)
{
	struct id_extent ext[] = {{0, 100000, 65536}};
	struct idmap ns = {.n = 1, .big = ext};
	struct idmap old = {0}, g = {0}, new = {0};
	struct err e = {0};
	static const char text[] = "0 100000 1000";

	ck_assert_int_eq(idmap_parse(text, strlen(text), &old, &e), 0);
	ck_assert_int_eq(idmap_owner_only(101000, 101000, &ns, &g, &e), 0);
	ck_assert_int_eq(idmap_compose_map(&old, 101000, 101000, &g, &new, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "composed with the source's own map, nothing is mapped");
	idmap_free(&old);
	idmap_free(&g);
}
END_TEST

Suite *idmap_owner_suite(void)
{
	Suite *s = suite_create("idmap_owner");
	TCase *tc = tcase_create("owner_only");

	tcase_add_test(tc, test_owner_only_remap);
	tcase_add_test(tc, test_owner_only_same);
	tcase_add_test(tc, test_owner_only_owner_inside);
	tcase_add_test(tc, test_owner_only_edges);
	tcase_add_test(tc, test_owner_only_too_many);
	tcase_add_test(tc, test_owner_only_random);
	tcase_add_test(tc, test_compose_owner_only);
	tcase_add_test(tc, test_compose_nothing_left);
	suite_add_tcase(s, tc);
	return s;
}
