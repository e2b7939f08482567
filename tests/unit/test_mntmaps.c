/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a statmount result says of a mount's maps (mntmaps_take), from
 * hand-made results: the maps when they are whole; EBADMSG, never the
 * kernel's refusals (ENOSYS, EINVAL), when the text is not what statmount
 * promised; an empty map when the caller's user namespace sees no line.
 */
#include <stdlib.h>
#include <string.h>

#include "mntmaps.h"
#include "syscalls.h"
#include "tests.h"

static const uint64_t both = STATMOUNT_MNT_UIDMAP | STATMOUNT_MNT_GIDMAP;

/* A result of a kernel that reports maps, for an idmapped mount (id 42)
 * whose strings are text (len bytes, NULs included); size: the buffer's. */
static struct sys_statmount *result(const char *text, size_t len, size_t *ret_size)
{
	size_t size = sizeof(struct sys_statmount) + len + 64;
	struct sys_statmount *s = calloc(1, size);

	ck_assert_ptr_nonnull(s);
	memcpy(s->str, text, len);
	s->size = (uint32_t)(sizeof(*s) + len);
	s->mask = STATMOUNT_MNT_BASIC | STATMOUNT_SUPPORTED_MASK | both;
	s->supported_mask = both;
	s->mnt_attr = MOUNT_ATTR_IDMAP;
	s->mnt_id_old = 42;
	*ret_size = size;
	return s;
}

/* uid map: 5 lines at 0 (501<->1000); gid map: 1 line after them. */
static const char maps[] = "0 0 501\0"
			   "501 1000 1\0"
			   "502 502 498\0"
			   "1000 501 1\0"
			   "1001 1001 4294966294\0"
			   "0 0 4294967295";
#define UID_LINES 5
#define GID_OFF 63

static struct sys_statmount *whole(size_t *ret_size)
{
	struct sys_statmount *s = result(maps, sizeof(maps), ret_size);

	s->mnt_uidmap = 0;
	s->mnt_uidmap_num = UID_LINES;
	s->mnt_gidmap = GID_OFF;
	s->mnt_gidmap_num = 1;
	return s;
}

START_TEST(test_take_whole_maps)
{
	struct mntmaps_entry x = {0};
	struct err e = {0};
	size_t size;
	struct sys_statmount *s = whole(&size);
	uint32_t out;

	ck_assert_msg(mntmaps_take(s, size, &x, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(x.id, 42);
	ck_assert(x.idmapped && x.reported);
	ck_assert_uint_eq(x.uid_map.n, UID_LINES);
	ck_assert(idmap_apply(&x.uid_map, 501, &out));
	ck_assert_uint_eq(out, 1000);
	ck_assert_uint_eq(x.gid_map.n, 1);
	mntmaps_entry_free(&x);
	free(s);
}
END_TEST

/* Each way the text can break statmount's promise: EBADMSG, a message
 * naming the map, nothing kept. */
START_TEST(test_take_rejects_broken_text)
{
	static const struct {
		uint32_t uid_off, uid_n;
		uint64_t mask;
		const char *msg;
	} bad[] = {
	    {GID_OFF, 2, 0, "statmount: uid map: 2 lines promised, fewer given: Bad message"},
	    {4096, 1, 0,
	     "statmount: uid map: offset 4096 past the strings (78 bytes): Bad message"},
	    {sizeof(maps), 1, 0, "statmount: uid map: offset 78 past the strings"},
	    {2, 1, 0, "statmount: uid map"}, /* "0 501": not a map line */
	    {0, UID_LINES, STATMOUNT_MNT_GIDMAP,
	     "statmount: an idmapped mount without maps: Bad message"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mntmaps_entry x = {.id = -7};
		struct err e = {0};
		size_t size;
		struct sys_statmount *s = whole(&size);

		s->mnt_uidmap = bad[i].uid_off;
		s->mnt_uidmap_num = bad[i].uid_n;
		s->mask &= ~bad[i].mask;
		ck_assert_msg(mntmaps_take(s, size, &x, &e) == -EBADMSG, "case %zu: %d %s", i,
			      e.code, e.msg);
		ck_assert_msg(strstr(e.msg, bad[i].msg), "case %zu: '%s' lacks '%s'", i, e.msg,
			      bad[i].msg);
		ck_assert_int_eq(x.id, -7); /* untouched */
		free(s);
	}
}
END_TEST

/* A map with no line (none the caller's user namespace sees): the mount is
 * idmapped and reported, that map empty (status prints null; the hook
 * refuses to compose with it), the other map kept. */
START_TEST(test_take_empty_map)
{
	struct mntmaps_entry x = {0};
	struct err e = {0};
	size_t size;
	struct sys_statmount *s = whole(&size);

	s->mnt_uidmap_num = 0;
	ck_assert_msg(mntmaps_take(s, size, &x, &e) == 0, "%s", e.msg);
	ck_assert(x.idmapped && x.reported);
	ck_assert_uint_eq(x.uid_map.n, 0);
	ck_assert_uint_eq(x.gid_map.n, 1);
	mntmaps_entry_free(&x);
	free(s);
}
END_TEST

/* A kernel that does not report maps (before 6.15): no error, reported
 * false; a mount that is not idmapped: the identity, whatever the text. */
START_TEST(test_take_unreported_and_plain)
{
	struct mntmaps_entry x = {0};
	struct err e = {0};
	size_t size;
	struct sys_statmount *s = whole(&size);
	uint32_t out;

	s->supported_mask = 0;
	s->mnt_uidmap_num = 9; /* not read */
	ck_assert_msg(mntmaps_take(s, size, &x, &e) == 0, "%s", e.msg);
	ck_assert(x.idmapped && !x.reported);
	ck_assert_uint_eq(x.uid_map.n, 0);
	mntmaps_entry_free(&x);

	s->supported_mask = both;
	s->mnt_attr = 0;
	ck_assert_msg(mntmaps_take(s, size, &x, &e) == 0, "%s", e.msg);
	ck_assert(!x.idmapped && x.reported);
	ck_assert(idmap_apply(&x.uid_map, 501, &out));
	ck_assert_uint_eq(out, 501);
	mntmaps_entry_free(&x);

	s->mask = 0; /* no mount attributes at all */
	ck_assert_int_eq(mntmaps_take(s, size, &x, &e), -EOPNOTSUPP);
	free(s);
}
END_TEST

Suite *mntmaps_suite(void)
{
	Suite *s = suite_create("mntmaps");
	TCase *tc = tcase_create("take");

	tcase_add_test(tc, test_take_whole_maps);
	tcase_add_test(tc, test_take_rejects_broken_text);
	tcase_add_test(tc, test_take_empty_map);
	tcase_add_test(tc, test_take_unreported_and_plain);
	suite_add_tcase(s, tc);
	return s;
}
