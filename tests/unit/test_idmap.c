/* SPDX-License-Identifier: Apache-2.0 */
/* The swap mapping: a full-range permutation of 0..4294967294 in at most 5 extents;
 * a mount's map parsed from statmount's text; the swap composed with it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idmap.h"
#include "tests.h"

static int cmp_lower(const void *a, const void *b)
{
	const struct id_extent *x = a, *y = b;

	return x->lower < y->lower ? -1 : x->lower > y->lower;
}

/* Both sides of the map must tile 0..ID_MAX exactly: every id is mapped
 * exactly once, and every id is the image of exactly one id. */
static void assert_tiles(const struct id_extent *ext, size_t n, bool by_lower)
{
	struct id_extent sorted[IDMAP_MAX_EXTENTS];
	uint64_t next = 0;

	memcpy(sorted, ext, n * sizeof(*ext));
	if (by_lower)
		qsort(sorted, n, sizeof(*sorted), cmp_lower);
	for (size_t i = 0; i < n; i++) {
		uint64_t start = by_lower ? sorted[i].lower : sorted[i].first;

		ck_assert_uint_gt(sorted[i].count, 0);
		ck_assert_uint_eq(start, next);
		next = start + sorted[i].count;
	}
	ck_assert_uint_eq(next, (uint64_t)ID_MAX + 1);
}

static void check_swap(uint32_t a, uint32_t b)
{
	struct idmap m;
	uint32_t out;

	idmap_swap(a, b, &m);
	ck_assert_uint_le(m.n, IDMAP_INLINE_EXTENTS);
	ck_assert_ptr_null(m.big);
	assert_tiles(idmap_extents(&m), m.n, false);
	assert_tiles(idmap_extents(&m), m.n, true);
	ck_assert(idmap_apply(&m, a, &out));
	ck_assert_uint_eq(out, b);
	ck_assert(idmap_apply(&m, b, &out));
	ck_assert_uint_eq(out, a);
	/* A swap is its own inverse. */
	ck_assert(idmap_apply_inverse(&m, a, &out));
	ck_assert_uint_eq(out, b);
	ck_assert(idmap_apply_inverse(&m, b, &out));
	ck_assert_uint_eq(out, a);
	ck_assert(!idmap_apply_inverse(&m, UINT32_MAX, &out));
	/* Identity everywhere else, including at the edges and next to a and b. */
	const uint32_t probes[] = {0, 1, a - 1, a + 1, b - 1, b + 1, 65534, 65535, 65536, ID_MAX};
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		uint32_t id = probes[i];

		if (id == a || id == b || id > ID_MAX)
			continue;
		ck_assert_msg(idmap_apply(&m, id, &out), "id %u not mapped", id);
		ck_assert_uint_eq(out, id);
	}
	ck_assert(!idmap_apply(&m, UINT32_MAX, &out));
}

START_TEST(test_swap_common)
{
	check_swap(501, 1000);
	check_swap(1000, 501);
	check_swap(20, 1000);
}
END_TEST

START_TEST(test_swap_edges)
{
	check_swap(0, 1000);
	check_swap(1000, 0);
	check_swap(0, ID_MAX);
	check_swap(ID_MAX, 0);
	check_swap(1, ID_MAX);
	check_swap(ID_MAX - 1, ID_MAX);
}
END_TEST

START_TEST(test_swap_adjacent)
{
	struct idmap m;

	check_swap(1000, 1001);
	check_swap(1001, 1000);
	check_swap(0, 1);
	idmap_swap(1000, 1001, &m);
	ck_assert_uint_eq(m.n, 4); /* no empty middle extent */
}
END_TEST

START_TEST(test_swap_same_is_identity)
{
	struct idmap m;
	char text[IDMAP_TEXT_MAX];

	idmap_swap(1000, 1000, &m);
	ck_assert_uint_eq(m.n, 1);
	ck_assert(idmap_is_identity(&m));
	assert_tiles(idmap_extents(&m), m.n, false);
	idmap_format(&m, text);
	ck_assert_str_eq(text, "0 0 4294967295\n");
}
END_TEST

START_TEST(test_format_501_1000)
{
	struct idmap m;
	char text[IDMAP_TEXT_MAX];
	size_t len;

	idmap_swap(501, 1000, &m);
	ck_assert(!idmap_is_identity(&m));
	len = idmap_format(&m, text);
	ck_assert_str_eq(text, "0 0 501\n"
			       "501 1000 1\n"
			       "502 502 498\n"
			       "1000 501 1\n"
			       "1001 1001 4294966294\n");
	ck_assert_uint_eq(len, strlen(text));
	/* The largest possible text fits the buffer. */
	idmap_swap(4294967293u, 4294967292u, &m);
	ck_assert_uint_lt(idmap_format(&m, text), IDMAP_TEXT_MAX);
}
END_TEST

START_TEST(test_to_host)
{
	struct idmap m = {.n = 2, .small = {{0, 100000, 65536}, {65536, 300000, 10}}};
	uint32_t host, id;

	ck_assert(idmap_apply(&m, 1000, &host));
	ck_assert_uint_eq(host, 101000);
	ck_assert(idmap_apply(&m, 65537, &host));
	ck_assert_uint_eq(host, 300001);
	ck_assert(!idmap_apply(&m, 65546, &host));
	ck_assert(idmap_apply_inverse(&m, 300009, &id));
	ck_assert_uint_eq(id, 65545);
	ck_assert(!idmap_apply_inverse(&m, 99999, &id));
}
END_TEST

START_TEST(test_parse_proc)
{
	struct idmap m = {0};

	ck_assert_int_eq(idmap_parse_proc("         0     100000      65536\n"
					  "     65536     300000         10\n",
					  &m),
			 0);
	ck_assert_uint_eq(m.n, 2);
	ck_assert_uint_eq(idmap_extents(&m)[1].first, 65536);
	ck_assert_uint_eq(idmap_extents(&m)[1].lower, 300000);
	ck_assert_uint_eq(idmap_extents(&m)[1].count, 10);
	idmap_free(&m);
	ck_assert_int_eq(idmap_parse_proc("", &m), 0);
	ck_assert_uint_eq(m.n, 0);
	ck_assert_int_eq(idmap_parse_proc("0 1\n", &m), -EINVAL);
	ck_assert_int_eq(idmap_parse_proc("0 1 x\n", &m), -EINVAL);
	ck_assert_int_eq(idmap_parse_proc("0 1 4294967296\n", &m), -EINVAL);
}
END_TEST

/* Six lines, out of order: more than fit small[]. */
static const char six_lines[] = "50 5000 10\n0 1000 10\n40 4000 10\n"
				"10 2000 10\n30 8000 10\n20 3000 10\n";

/* One type, both kinds: the same lines read as a user namespace's map
 * (/proc/PID/uid_map: kept in their order) and as a mount's map (checked,
 * sorted by the inside) answer the same both ways. */
START_TEST(test_both_kinds)
{
	struct idmap ns = {0}, mnt = {0};
	struct err e = {0};
	uint32_t a, b;

	ck_assert_int_eq(idmap_parse_proc(six_lines, &ns), 0);
	ck_assert_msg(idmap_parse(six_lines, strlen(six_lines), &mnt, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(ns.n, 6);
	ck_assert_uint_eq(mnt.n, 6);
	ck_assert_ptr_nonnull(ns.big);
	ck_assert_ptr_nonnull(mnt.big);
	ck_assert_uint_eq(idmap_extents(&ns)[0].first, 50); /* as read */
	ck_assert_uint_eq(idmap_extents(&mnt)[0].first, 0); /* sorted */
	ck_assert(!idmap_equal(&ns, &mnt));
	for (uint32_t id = 0; id < 70; id++) {
		bool in = id < 60;

		ck_assert_int_eq(idmap_apply(&ns, id, &a), in);
		ck_assert_int_eq(idmap_apply(&mnt, id, &b), in);
		if (!in)
			continue;
		ck_assert_uint_eq(a, b);
		ck_assert(idmap_apply_inverse(&ns, a, &b));
		ck_assert_uint_eq(b, id);
		ck_assert(idmap_apply_inverse(&mnt, a, &b));
		ck_assert_uint_eq(b, id);
	}
	ck_assert(idmap_apply(&ns, 35, &a));
	ck_assert_uint_eq(a, 8005);
	ck_assert(!idmap_apply_inverse(&ns, 999, &a));
	ck_assert(!idmap_apply_inverse(&mnt, 5010, &a));
	idmap_free(&ns);
	idmap_free(&mnt);
}
END_TEST

Suite *idmap_suite(void)
{
	Suite *s = suite_create("idmap");
	TCase *tc = tcase_create("swap");

	tcase_add_test(tc, test_swap_common);
	tcase_add_test(tc, test_swap_edges);
	tcase_add_test(tc, test_swap_adjacent);
	tcase_add_test(tc, test_swap_same_is_identity);
	tcase_add_test(tc, test_format_501_1000);
	tcase_add_test(tc, test_to_host);
	tcase_add_test(tc, test_parse_proc);
	tcase_add_test(tc, test_both_kinds);
	suite_add_tcase(s, tc);
	return s;
}
