/* SPDX-License-Identifier: Apache-2.0 */
/* statmount's map text ("A B N" lines, each NUL-terminated) into extents. */
#include <stdlib.h>
#include <string.h>

#include "mntmaps.h"
#include "tests.h"

START_TEST(test_parse_maps)
{
	static const char text[] = "0 0 501\0"
				   "501 1000 1\0"
				   "1001 1001 4294966294";
	struct id_map m = {0};

	ck_assert_int_eq(mntmaps_parse(text, sizeof(text), 3, &m), 0);
	ck_assert_uint_eq(m.n, 3);
	ck_assert_uint_eq(m.ext[0].first, 0);
	ck_assert_uint_eq(m.ext[0].count, 501);
	ck_assert_uint_eq(m.ext[1].first, 501);
	ck_assert_uint_eq(m.ext[1].lower, 1000);
	ck_assert_uint_eq(m.ext[1].count, 1);
	ck_assert_uint_eq(m.ext[2].count, 4294966294U);
	free(m.ext);
}
END_TEST

START_TEST(test_parse_maps_rejects)
{
	static const struct {
		const char *text;
		size_t len;
		uint32_t n;
	} bad[] = {
	    {"0 0 501", 7, 1},		 /* no NUL within the buffer */
	    {"0 0 501\0", 8, 2},	 /* fewer lines than said */
	    {"0 0\0", 4, 1},		 /* two numbers */
	    {"0 0 501 7\0", 10, 1},	 /* four */
	    {"0 0 4294967296\0", 15, 1}, /* over 32 bits */
	    {"0 -1 5\0", 7, 1},		 /* a sign */
	    {"0  0 5\0", 7, 1},		 /* two spaces */
	    {" 0 0 5\0", 7, 1},		 /* leading space */
	    {"x 0 5\0", 6, 1},		 /* not a number */
	};
	struct id_map m = {0};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(mntmaps_parse(bad[i].text, bad[i].len, bad[i].n, &m) == -EINVAL,
			      "accepted case %zu", i);
}
END_TEST

Suite *mntmaps_suite(void)
{
	Suite *s = suite_create("mntmaps");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_parse_maps);
	tcase_add_test(tc, test_parse_maps_rejects);
	suite_add_tcase(s, tc);
	return s;
}
