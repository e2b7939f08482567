/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A mount's map as statmount(2) gives it, and the swap composed with an
 * idmapped source's own map: new(d) = swap_{h,t}(old(d)) over old's domain.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "idmap.h"
#include "tests.h"

/* ck_assert() marks a point (a write to check's pipe) on every call: far too
 * slow for the hundreds of thousands of checks of the random test.  expect()
 * costs nothing until it fails. */
#define expect(cond, ...)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			ck_abort_msg(__VA_ARGS__);                                                 \
	} while (0)

/* Half-open intervals [a, b) of ids, as a sorted, merged list. */
struct ivals {
	size_t n;
	uint64_t a[IDMAP_MAX_EXTENTS + 8], b[IDMAP_MAX_EXTENTS + 8];
};

static void ivals_add(struct ivals *s, uint64_t a, uint64_t b)
{
	size_t i = s->n++;

	expect(i < ARRAY_SIZE(s->a), "too many intervals");
	s->a[i] = a;
	s->b[i] = b;
}

/* Sort and merge touching intervals. */
static void ivals_norm(struct ivals *s)
{
	size_t k = 0;

	for (size_t i = 1; i < s->n; i++) /* insertion sort: small lists */
		for (size_t j = i; j > 0 && s->a[j - 1] > s->a[j]; j--) {
			uint64_t ta = s->a[j], tb = s->b[j];

			s->a[j] = s->a[j - 1];
			s->b[j] = s->b[j - 1];
			s->a[j - 1] = ta;
			s->b[j - 1] = tb;
		}
	for (size_t i = 0; i < s->n; i++) {
		if (k > 0 && s->b[k - 1] >= s->a[i]) {
			expect(s->b[k - 1] == s->a[i], "intervals overlap"); /* only touch */
			s->b[k - 1] = s->b[i];
			continue;
		}
		s->a[k] = s->a[i];
		s->b[k] = s->b[i];
		k++;
	}
	s->n = k;
}

/* The ids one side of the map covers. */
static void ivals_of(const struct idmap *m, bool outside, struct ivals *ret)
{
	const struct id_extent *x = idmap_extents(m);

	ret->n = 0;
	for (size_t i = 0; i < m->n; i++) {
		uint64_t a = outside ? x[i].lower : x[i].first;

		ivals_add(ret, a, a + x[i].count);
	}
	ivals_norm(ret);
}

/* s without the id p. */
static void ivals_remove(struct ivals *s, uint64_t p)
{
	for (size_t i = 0; i < s->n; i++) {
		if (p < s->a[i] || p >= s->b[i])
			continue;
		ivals_add(s, p + 1, s->b[i]);
		s->b[i] = p;
		break;
	}
	for (size_t i = 0; i < s->n; i++) /* drop what became empty */
		if (s->a[i] == s->b[i]) {
			s->a[i] = s->a[s->n - 1];
			s->b[i] = s->b[s->n - 1];
			s->n--;
			i--;
		}
	ivals_norm(s);
}

static void assert_ivals_eq(const struct ivals *x, const struct ivals *y, const char *side)
{
	expect(x->n == y->n, "%s: %zu intervals, expected %zu", side, x->n, y->n);
	for (size_t i = 0; i < x->n; i++)
		expect(x->a[i] == y->a[i] && x->b[i] == y->b[i],
		       "%s: interval %zu is [%" PRIu64 ", %" PRIu64 "), expected [%" PRIu64
		       ", %" PRIu64 ")",
		       side, i, x->a[i], x->b[i], y->a[i], y->b[i]);
}

static uint32_t swap_id(uint32_t id, uint32_t h, uint32_t t)
{
	return id == h ? t : id == t ? h : id;
}

/* new(d) == swap(old(d)) for d, and both are undefined outside old's domain. */
static void assert_point(const struct idmap *old, const struct idmap *new, uint32_t d, uint32_t h,
			 uint32_t t)
{
	uint32_t o, n;
	bool in_old = idmap_apply(old, d, &o), in_new = idmap_apply(new, d, &n);

	expect(in_old == in_new, "on-disk %" PRIu32 ": mapped by old %d, by new %d", d, in_old,
	       in_new);
	if (in_old)
		expect(n == swap_id(o, h, t),
		       "on-disk %" PRIu32 ": old %" PRIu32 ", new %" PRIu32 ", expected %" PRIu32,
		       d, o, n, swap_id(o, h, t));
}

static bool in_range(const struct idmap *m, uint32_t id)
{
	const struct id_extent *x = idmap_extents(m);

	for (size_t i = 0; i < m->n; i++)
		if (id >= x[i].lower && id - x[i].lower < x[i].count)
			return true;
	return false;
}

/* Every property of a composed map, checked against old; returns it. */
static struct idmap check_compose(const struct idmap *old, uint32_t h, uint32_t t)
{
	const struct id_extent *x = idmap_extents(old), *y;
	struct ivals got, want;
	struct idmap new;
	struct err e = {0};

	expect(idmap_compose(old, h, t, &new, &e) == 0, "compose h=%" PRIu32 " t=%" PRIu32 ": %s",
	       h, t, e.msg);
	expect(new.n <= old->n + 4, "%zu lines from %zu", new.n, old->n);
	expect(idmap_text_len(&new) < IDMAP_TEXT_MAX, "text too long");
	/* The same domain; the range with h and t exchanged. */
	ivals_of(old, false, &want);
	ivals_of(&new, false, &got);
	assert_ivals_eq(&got, &want, "inside");
	ivals_of(old, true, &want);
	if (h != t && !in_range(old, t)) {
		ivals_remove(&want, h);
		ivals_add(&want, t, (uint64_t)t + 1);
		ivals_norm(&want);
	}
	ivals_of(&new, true, &got);
	assert_ivals_eq(&got, &want, "outside");
	/* Merged: no extent continues the previous one on both sides. */
	y = idmap_extents(&new);
	for (size_t i = 1; i < new.n; i++)
		expect(!((uint64_t)y[i - 1].first + y[i - 1].count == y[i].first &&
			 (uint64_t)y[i - 1].lower + y[i - 1].count == y[i].lower),
		       "lines %zu and %zu not merged", i - 1, i);
	/* Pointwise at every edge of old, around h's and t's preimages, at 0 and ID_MAX. */
	for (size_t i = 0; i < old->n; i++) {
		uint64_t ends[] = {x[i].first, (uint64_t)x[i].first + x[i].count - 1};

		for (size_t k = 0; k < 2; k++)
			for (int64_t delta = -1; delta <= 1; delta++)
				if ((int64_t)ends[k] + delta >= 0 &&
				    (uint64_t)((int64_t)ends[k] + delta) <= ID_MAX)
					assert_point(old, &new,
						     (uint32_t)((int64_t)ends[k] + delta), h, t);
	}
	for (size_t i = 0; i < new.n; i++)
		assert_point(old, &new, y[i].first, h, t);
	assert_point(old, &new, 0, h, t);
	assert_point(old, &new, ID_MAX, h, t);
	assert_point(old, &new, h, h, t);
	assert_point(old, &new, t, h, t);
	return new;
}

START_TEST(test_parse_statmount)
{
	/* statmount's lines for a 501<->2000 swap, as the issue measured them. */
	static const char text[] = "0 0 501\0"
				   "501 2000 1\0"
				   "502 502 1498\0"
				   "2000 501 1\0"
				   "2001 2001 4294965294";
	struct idmap m, swap;
	struct err e = {0};

	ck_assert_int_eq(idmap_parse(text, sizeof(text), &m, &e), 0);
	idmap_swap(501, 2000, &swap);
	ck_assert(idmap_equal(&m, &swap));
	/* Newline-separated, out of order, blank lines: the same map. */
	ck_assert_int_eq(idmap_parse("2000 501 1\n\n0 0 501\n 501  2000 1 \n502 502 1498\n"
				     "2001 2001 4294965294\n",
				     strlen("2000 501 1\n\n0 0 501\n 501  2000 1 \n502 502 1498\n"
					    "2001 2001 4294965294\n"),
				     &m, &e),
			 0);
	ck_assert(idmap_equal(&m, &swap));
	idmap_free(&m);
}
END_TEST

static void expect_parse_error(const char *text, const char *msg)
{
	struct idmap m = {0};
	struct err e = {0};

	ck_assert_int_eq(idmap_parse(text, strlen(text), &m, &e), -EINVAL);
	ck_assert_msg(strstr(e.msg, msg), "parse \"%s\": \"%s\", expected \"%s\"", text, e.msg,
		      msg);
	ck_assert_uint_eq(m.n, 0);
}

START_TEST(test_parse_rejects)
{
	char *many;
	size_t len = 0;

	expect_parse_error("", "no lines");
	expect_parse_error("0 0", "not \"inside outside count\"");
	expect_parse_error("0 0 x", "not \"inside outside count\"");
	expect_parse_error("0 0 4294967296", "not \"inside outside count\"");
	expect_parse_error("0 0 1 2", "trailing characters");
	expect_parse_error("5 5 0", "empty, or beyond id 4294967294");
	expect_parse_error("4294967294 0 2", "empty, or beyond id 4294967294");
	expect_parse_error("0 4294967294 2", "empty, or beyond id 4294967294");
	expect_parse_error("0 0 10\n5 100 10", "overlap on the inside");
	expect_parse_error("0 0 10\n100 5 10", "overlap on the outside");
	many = malloc((IDMAP_MAX_EXTENTS + 1) * 16);
	ck_assert_ptr_nonnull(many);
	for (int i = 0; i <= IDMAP_MAX_EXTENTS; i++)
		len += (size_t)sprintf(many + len, "%d %d 1\n", i, i);
	expect_parse_error(many, "more than 340 lines");
	free(many);
}
END_TEST

/* The issue's example: a source that shows disk 501 as 2000 (a 501<->2000
 * swap), composed with the swap 2000<->1000 for the container user 1000. */
START_TEST(test_compose_issue_example)
{
	struct idmap old, new;
	char text[IDMAP_TEXT_MAX];
	uint32_t id;

	idmap_swap(501, 2000, &old);
	new = check_compose(&old, 2000, 1000);
	idmap_format(&new, text);
	ck_assert_str_eq(text, "0 0 501\n"
			       "501 1000 1\n" /* the volume's owner: the container user's own */
			       "502 502 498\n"
			       "1000 2000 1\n" /* on-disk 1000 is seen as 2000 */
			       "1001 1001 999\n"
			       "2000 501 1\n" /* on-disk 2000, seen as 501 before, still is */
			       "2001 2001 4294965294\n");
	ck_assert_ptr_nonnull(new.big); /* 7 lines: more than the inline 5 */
	ck_assert(idmap_apply(&new, 501, &id));
	ck_assert_uint_eq(id, 1000);
	ck_assert(idmap_apply(&new, 1000, &id));
	ck_assert_uint_eq(id, 2000);
	idmap_free(&new);
}
END_TEST

START_TEST(test_compose_identity_is_swap)
{
	const uint32_t pairs[][2] = {
	    {501, 1000}, {1000, 501},	       {0, 1000}, {1000, 0}, {0, ID_MAX},
	    {ID_MAX, 0}, {ID_MAX - 1, ID_MAX}, {0, 1}};
	struct idmap id, new, swap;

	idmap_swap(7, 7, &id);
	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		new = check_compose(&id, pairs[i][0], pairs[i][1]);
		idmap_swap(pairs[i][0], pairs[i][1], &swap);
		ck_assert(idmap_equal(&new, &swap));
		idmap_free(&new);
	}
	/* h == t changes nothing. */
	idmap_swap(501, 2000, &swap);
	new = check_compose(&swap, 1000, 1000);
	ck_assert(idmap_equal(&new, &swap));
	idmap_free(&new);
}
END_TEST

START_TEST(test_compose_edges)
{
	struct idmap old, new;
	char text[IDMAP_TEXT_MAX];

	/* A source that swaps the ends of the range; the owner, on disk
	 * 4294967294, shows through it as 0. */
	idmap_swap(0, ID_MAX, &old);
	new = check_compose(&old, 0, 1000);
	idmap_format(&new, text);
	ck_assert_str_eq(text, "0 4294967294 1\n" /* as before */
			       "1 1 999\n"
			       "1000 0 1\n" /* on-disk 1000 takes the owner's old place */
			       "1001 1001 4294966293\n"
			       "4294967294 1000 1\n"); /* the owner: the container user */
	idmap_free(&new);
	new = check_compose(&old, ID_MAX, 0);
	idmap_free(&new);
	idmap_swap(1, ID_MAX - 1, &old);
	new = check_compose(&old, ID_MAX, 0);
	idmap_free(&new);
	new = check_compose(&old, 1, ID_MAX);
	idmap_free(&new);
}
END_TEST

/* A partial source map, as idmapped views made for a user namespace are. */
START_TEST(test_compose_partial)
{
	static const char text[] = "0 100000 65536";
	struct idmap old, new;
	struct err e = {0};
	uint32_t id;

	ck_assert_int_eq(idmap_parse(text, sizeof(text) - 1, &old, &e), 0);
	/* Owner on disk 501 shows as 100501; user 1000 is outside the range. */
	new = check_compose(&old, 100501, 1000);
	ck_assert(idmap_apply(&new, 501, &id));
	ck_assert_uint_eq(id, 1000);
	ck_assert(!idmap_apply(&new, 70000, &id));
	idmap_free(&new);
	/* User inside the range: a permutation of the same range. */
	new = check_compose(&old, 100501, 101000);
	idmap_free(&new);
	/* The owner shows through the source as the overflow id: cannot compose. */
	new.n = 99;
	ck_assert_int_eq(idmap_compose(&old, 65534, 1000, &new, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "65534, the owner as the source shows it, is not in the source's "
				"own map (it is the overflow id), so the container user's writes "
				"could not be stored");
	ck_assert_uint_eq(new.n, 99); /* untouched */
	/* (uid_t)-1 is no id, on either side. */
	ck_assert_int_eq(idmap_compose(&old, 100501, UINT32_MAX, &new, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "4294967295 is not a valid id");
	ck_assert_int_eq(idmap_compose(&old, UINT32_MAX, UINT32_MAX, &new, &e), -EINVAL);
	/* Unless nothing is swapped (a group left alone): then old as it is. */
	new = check_compose(&old, 65534, 65534);
	ck_assert(idmap_equal(&new, &old));
	idmap_free(&new);
}
END_TEST

/* count extents of 3 ids: on-disk 10k..10k+2 seen as 10k+5..10k+7. */
static void spaced_map(size_t count, struct idmap *ret)
{
	struct id_extent *ext = calloc(count, sizeof(*ext));

	ck_assert_ptr_nonnull(ext);
	for (size_t k = 0; k < count; k++)
		ext[k] = (struct id_extent){(uint32_t)(10 * k), (uint32_t)(10 * k + 5), 3};
	*ret = (struct idmap){.n = count, .big = ext};
}

START_TEST(test_compose_extent_limit)
{
	struct idmap old, new;
	struct err e = {0};

	/* h and t in the middle of an extent each: 340 + 4 lines. */
	spaced_map(IDMAP_MAX_EXTENTS, &old);
	ck_assert_int_eq(idmap_compose(&old, 10 * 100 + 6, 10 * 200 + 6, &new, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "composed with the source's own map (340 lines), the map needs "
				"344 lines; the kernel allows at most 340");
	/* At an extent's edge they cut less: 340 + 2 is still too many ... */
	ck_assert_int_eq(idmap_compose(&old, 10 * 100 + 5, 10 * 200 + 7, &new, &e), -EINVAL);
	ck_assert(strstr(e.msg, "needs 342 lines"));
	/* ... and exchanging two whole extents adds none. */
	idmap_free(&old);
	spaced_map(IDMAP_MAX_EXTENTS - 4, &old);
	new = check_compose(&old, 10 * 100 + 6, 10 * 200 + 6);
	ck_assert_uint_eq(new.n, IDMAP_MAX_EXTENTS);
	idmap_free(&new);
	idmap_free(&old);
}
END_TEST

/* 340 lines of 33 bytes do not fit one write below a page: the text is
 * bounded as well as the lines. */
START_TEST(test_compose_text_limit)
{
	struct id_extent *ext = calloc(200, sizeof(*ext));
	static char text[IDMAP_TEXT_MAX];
	struct idmap old, new;
	struct err e = {0};
	char line[64];

	ck_assert_int_gt(IDMAP_MAX_EXTENTS * IDMAP_LINE_MAX, IDMAP_TEXT_MAX);
	ck_assert_int_eq(snprintf(line, sizeof(line), "%u %u %u\n", ID_MAX, ID_MAX, ID_MAX + 1),
			 IDMAP_LINE_MAX);
	ck_assert_ptr_nonnull(ext);
	/* 200 lines of 24 bytes: 4800, fewer than 340 lines but too long; the
	 * owner's line becomes "4000000000 1000 1\n", 6 bytes shorter. */
	for (uint32_t k = 0; k < 200; k++)
		ext[k] = (struct id_extent){4000000000u + 2 * k, 4100000000u + 2 * k, 1};
	old = (struct idmap){.n = 200, .big = ext};
	ck_assert_uint_eq(idmap_text_len(&old), 4800);
	ck_assert_int_eq(idmap_compose(&old, 4100000000u, 1000, &new, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "composed with the source's own map, the map is 4794 bytes of "
				"text; the kernel takes at most 4095 in its one write");
	ck_assert_uint_eq(idmap_format(&old, text), 0); /* never a cut map */
	idmap_free(&old);
}
END_TEST

static uint32_t rnd32(void)
{
	return ((uint32_t)rand() << 16) ^ (uint32_t)rand();
}

/* An id of every kind: anywhere, near either end, near 1000. */
static uint32_t rnd_id(void)
{
	switch (rand() % 4) {
	case 0:
		return (uint32_t)rand() % 8;
	case 1:
		return ID_MAX - (uint32_t)rand() % 8;
	case 2:
		return 1000 + (uint32_t)rand() % 16;
	default:
		return rnd32() % (ID_MAX + 1);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* A random map: 0..ID_MAX cut in blocks, laid out again in a random order
 * on the outside, some blocks dropped (a partial map); parsed from text. */
static void random_map(struct idmap *ret)
{
	uint64_t cut[24], lower[24];
	size_t k = 1 + (size_t)rand() % 20, n = 1, perm[24], len = 0;
	char text[24 * IDMAP_LINE_MAX + 1];
	struct err e = {0};
	uint64_t at = 0;

	cut[0] = 0;
	for (size_t i = 1; i < k; i++)
		cut[i] = (uint64_t)rnd_id() + 1; /* 1..ID_MAX + 1 */
	qsort(cut + 1, k - 1, sizeof(*cut), cmp_u64);
	for (size_t i = 1; i < k; i++) /* unique, and never the end itself */
		if (cut[i] != cut[n - 1] && cut[i] <= ID_MAX)
			cut[n++] = cut[i];
	cut[n] = (uint64_t)ID_MAX + 1;
	for (size_t i = 0; i < n; i++)
		perm[i] = i;
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)rand() % i, tmp = perm[i - 1];

		perm[i - 1] = perm[j];
		perm[j] = tmp;
	}
	for (size_t i = 0; i < n; i++) {
		lower[perm[i]] = at;
		at += cut[perm[i] + 1] - cut[perm[i]];
	}
	for (size_t i = 0; i < n; i++)
		if (i == 0 || rand() % 4)
			len += (size_t)snprintf(text + len, sizeof(text) - len,
						"%" PRIu64 " %" PRIu64 " %" PRIu64 "\n", cut[i],
						lower[i], cut[i + 1] - cut[i]);
	expect(idmap_parse(text, len, ret, &e) == 0, "%s: %s", text, e.msg);
}

/* An id in m's range, or any id. */
static uint32_t rnd_outside_id(const struct idmap *m)
{
	const struct id_extent *x = idmap_extents(m);
	size_t i = (size_t)rand() % m->n;

	if (rand() % 4 == 0)
		return rnd_id();
	return x[i].lower + rnd32() % x[i].count;
}

START_TEST(test_compose_random)
{
	srand(20261130);
	for (int round = 0; round < 3000; round++) {
		struct idmap old, new;
		uint32_t h, t;
		struct err e = {0};

		random_map(&old);
		h = rnd_outside_id(&old);
		t = rand() % 8 == 0 ? h : rnd_outside_id(&old);
		if (h != t && !in_range(&old, h)) {
			expect(idmap_compose(&old, h, t, &new, &e) == -EINVAL,
			       "h outside, composed");
			idmap_free(&old);
			continue;
		}
		new = check_compose(&old, h, t);
		for (int i = 0; i < 200; i++)
			assert_point(&old, &new, rnd_id(), h, t);
		idmap_free(&new);
		idmap_free(&old);
	}
}
END_TEST

Suite *idmap_compose_suite(void)
{
	Suite *s = suite_create("idmap_compose");
	TCase *tc = tcase_create("compose");

	tcase_add_test(tc, test_parse_statmount);
	tcase_add_test(tc, test_parse_rejects);
	tcase_add_test(tc, test_compose_issue_example);
	tcase_add_test(tc, test_compose_identity_is_swap);
	tcase_add_test(tc, test_compose_edges);
	tcase_add_test(tc, test_compose_partial);
	tcase_add_test(tc, test_compose_extent_limit);
	tcase_add_test(tc, test_compose_text_limit);
	tcase_add_test(tc, test_compose_random);
	suite_add_tcase(s, tc);
	return s;
}
