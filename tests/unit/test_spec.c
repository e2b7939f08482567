/* SPDX-License-Identifier: Apache-2.0 */
/* config.json: what the hook takes from it, and the messages a user sees. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "spec.h"
#include "syscalls.h"
#include "tests.h"

#define BUNDLE "/run/b"
#define UID_RANGE "must be an integer in 0..4294967294"

static void parse_ok(const char *text, struct oci_spec *s)
{
	struct err e = {0};
	int r;

	r = spec_parse(text, BUNDLE, s, &e);
	ck_assert_msg(r == 0, "spec_parse: %d %s", r, e.msg);
}

/* Parse text, expect failure -code with exactly msg, and a spec that holds
 * nothing but disabled and strict (nothing to free). */
static void expect_error_code(const char *text, int code, const char *msg)
{
	struct oci_spec s = {.uid = 77};
	struct err e = {0};
	int r;

	r = spec_parse(text, BUNDLE, &s, &e);
	ck_assert_int_eq(r, -code);
	ck_assert_str_eq(e.msg, msg);
	ck_assert_int_eq(s.uid, 0);
	ck_assert_ptr_null(s.root_path);
	ck_assert_ptr_null(s.mounts);
	ck_assert_uint_eq(s.n_mounts, 0);
	ck_assert_ptr_null(s.skip);
}

static void expect_error(const char *text, const char *msg)
{
	expect_error_code(text, EINVAL, msg);
}

/* A minimal config with `extra` members appended to the root object. */
static void expect_error_with(const char *extra, const char *msg)
{
	char text[4096];

	snprintf(text, sizeof(text), "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"/r\"},%s}",
		 extra);
	expect_error(text, msg);
}

/* The same with one mount (the object body) and no other member. */
static void expect_mount_error(const char *mount, const char *msg)
{
	char extra[2048];

	snprintf(extra, sizeof(extra), "\"mounts\":[{\"destination\":\"/x\"},{%s}]", mount);
	expect_error_with(extra, msg);
}

static void expect_uid_error(const char *value)
{
	char extra[256];

	snprintf(extra, sizeof(extra), "\"process\":{\"user\":{\"uid\":%s}}", value);
	expect_error_with(extra, "config.json: process.user.uid: " UID_RANGE);
}

START_TEST(test_minimal)
{
	char *text = fixture_read("config-minimal.json");
	struct oci_spec s = {0};

	parse_ok(text, &s);
	ck_assert_str_eq(s.root_path, "/srv/rootfs");
	ck_assert_uint_eq(s.uid, 0);
	ck_assert_uint_eq(s.gid, 0);
	ck_assert(!s.has_userns && !s.userns_has_path);
	ck_assert_uint_eq(s.uid_map.n, 0);
	ck_assert_uint_eq(s.n_mounts, 0);
	ck_assert(!s.disabled && !s.strict);
	ck_assert_ptr_null(s.skip);
	ck_assert(!spec_is_skipped_destination(&s, "/data"));
	spec_free(&s);
	free(text);
}
END_TEST

static void check_full_top(const struct oci_spec *s)
{
	ck_assert_str_eq(s->root_path, BUNDLE "/rootfs");
	ck_assert_uint_eq(s->uid, 1000);
	ck_assert_uint_eq(s->gid, 1001);
	ck_assert(s->has_userns);
	ck_assert(!s->userns_has_path);
	ck_assert_uint_eq(s->uid_map.n, 2);
	ck_assert_uint_eq(idmap_extents(&s->uid_map)[0].first, 0);
	ck_assert_uint_eq(idmap_extents(&s->uid_map)[0].lower, 100000);
	ck_assert_uint_eq(idmap_extents(&s->uid_map)[0].count, 65536);
	ck_assert_uint_eq(idmap_extents(&s->uid_map)[1].first, 65536);
	ck_assert_uint_eq(idmap_extents(&s->uid_map)[1].lower, 4294901760u);
	ck_assert_uint_eq(idmap_extents(&s->uid_map)[1].count, 65535);
	ck_assert_uint_eq(s->gid_map.n, 1);
	ck_assert_uint_eq(idmap_extents(&s->gid_map)[0].lower, 200000);
	ck_assert(s->disabled);
	ck_assert(s->strict);
	ck_assert_str_eq(s->skip, " /a , /b/,,/cache");
}

static void check_full_mounts(const struct spec_mount *m)
{
	ck_assert_str_eq(m[0].destination, "/proc");
	ck_assert_str_eq(m[0].type, "proc");
	ck_assert_str_eq(m[0].source, "proc"); /* not a path: not resolved */
	ck_assert(!m[0].is_bind && !m[0].has_idmap);
	ck_assert(!m[1].is_bind);
	ck_assert_uint_eq(m[1].flags, MOUNT_FLAG_NOSUID);
	ck_assert_str_eq(m[2].source, "/srv/volumes/data");
	ck_assert(m[2].is_bind && m[2].is_recursive && !m[2].has_idmap);
	ck_assert_uint_eq(m[2].flags, MOUNT_FLAG_RDONLY);
	ck_assert_int_eq(m[2].propagation, PROPAGATION_PRIVATE);
	ck_assert_str_eq(m[3].destination, "/cache/");
	ck_assert_ptr_null(m[3].type);
	ck_assert_str_eq(m[3].source, BUNDLE "/cache");
	ck_assert(m[3].is_bind && !m[3].is_recursive);
	ck_assert_uint_eq(m[3].flags, MOUNT_FLAG_NOSUID | MOUNT_FLAG_NODEV);
	ck_assert_int_eq(m[3].propagation, PROPAGATION_SLAVE); /* last wins */
	ck_assert(m[4].is_bind && m[4].is_recursive && m[4].has_idmap);
	ck_assert_uint_eq(m[4].flags, 0); /* ro, then rw */
	ck_assert_int_eq(m[4].propagation, PROPAGATION_DEFAULT);
	ck_assert(m[5].is_bind && !m[5].is_recursive && m[5].has_idmap);
	ck_assert_int_eq(m[5].propagation, PROPAGATION_UNBINDABLE);
}

START_TEST(test_full)
{
	char *text = fixture_read("config-full.json");
	struct oci_spec s = {0};
	struct err e = {0};

	parse_ok(text, &s);
	check_full_top(&s);
	ck_assert_uint_eq(s.n_mounts, 6);
	/* Before libmount's map: config.json's own words only, every option kept. */
	ck_assert(s.mounts[2].is_bind && s.mounts[2].is_recursive && !s.mounts[2].has_idmap);
	ck_assert(s.mounts[4].is_bind && s.mounts[4].has_idmap);
	for (size_t i = 0; i < s.n_mounts; i++)
		ck_assert(!s.mounts[i].flags && !s.mounts[i].propagation);
	ck_assert_uint_eq(s.mounts[2].n_options, 3);
	ck_assert_str_eq(s.mounts[2].options, "rbind");
	ck_assert_int_eq(spec_map_options(&s, &e), 0);
	check_full_mounts(s.mounts);
	ck_assert(spec_is_skipped_destination(&s, "/a"));
	ck_assert(spec_is_skipped_destination(&s, "/a/"));
	ck_assert(spec_is_skipped_destination(&s, "/b"));
	ck_assert(spec_is_skipped_destination(&s, "/cache/"));
	ck_assert(!spec_is_skipped_destination(&s, "/a/b"));
	ck_assert(!spec_is_skipped_destination(&s, "/"));
	ck_assert(!spec_is_skipped_destination(&s, "/c"));
	ck_assert(!spec_is_skipped_destination(&s, ""));
	spec_free(&s);
	ck_assert_ptr_null(s.mounts);
	spec_free(&s);
	free(text);
}
END_TEST

START_TEST(test_userns_path_and_relative_paths)
{
	struct oci_spec s = {0};

	parse_ok("{\"root\":{\"path\":\"rootfs/sub\"},\"linux\":{\"namespaces\":"
		 "[{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}]},"
		 "\"mounts\":[{\"destination\":\"/v\",\"type\":\"bind\","
		 "\"source\":\"../vol\"}],"
		 "\"annotations\":{\"io.oci-idmap-hook.disable\":\"false\","
		 "\"io.oci-idmap-hook.strict\":\"1\"}}",
		 &s);
	ck_assert_str_eq(s.root_path, BUNDLE "/rootfs/sub");
	ck_assert(s.has_userns && s.userns_has_path);
	ck_assert_str_eq(s.mounts[0].source, BUNDLE "/../vol");
	ck_assert(!s.disabled && s.strict);
	spec_free(&s);
}
END_TEST

START_TEST(test_skip_root_entry)
{
	struct oci_spec s = {.skip = (char *)"/ , /data//"};

	ck_assert(spec_is_skipped_destination(&s, "/"));
	ck_assert(spec_is_skipped_destination(&s, "/data"));
	ck_assert(!spec_is_skipped_destination(&s, "/dat"));
}
END_TEST

START_TEST(test_uid_invalid)
{
	expect_uid_error("-1");
	expect_uid_error("4294967295");
	expect_uid_error("1.5");
	expect_uid_error("1e3");
	expect_uid_error("\"1000\"");
	expect_uid_error("true");
	expect_error_with("\"process\":{\"user\":{\"gid\":-5}}",
			  "config.json: process.user.gid: " UID_RANGE);
	expect_error_with("\"process\":{\"user\":[]}",
			  "config.json: process.user: must be an object, not an array");
}
END_TEST

START_TEST(test_uid_bounds)
{
	struct oci_spec s = {0};

	parse_ok("{\"root\":{\"path\":\"/r\"},\"process\":{\"user\":"
		 "{\"uid\":4294967294,\"gid\":0}}}",
		 &s);
	ck_assert_uint_eq(s.uid, 4294967294u);
	spec_free(&s);
}
END_TEST

START_TEST(test_root_invalid)
{
	expect_error("{}", "config.json: root: missing");
	expect_error("{\"root\":{}}", "config.json: root.path: missing");
	expect_error("{\"root\":{\"path\":\"\"}}", "config.json: root.path: must not be empty");
	expect_error("{\"root\":\"/r\"}", "config.json: root: must be an object, not a string");
	expect_error("[1]", "config.json: document: must be an object, not an array");
	expect_error("", "config.json: empty input");
	expect_error("{\"root\":{\"path\":\"/r\"}", "config.json: parse error: premature EOF "
						    "(near: {\"root\":{\"path\":\"/r\"})");
}
END_TEST

START_TEST(test_mappings_invalid)
{
	expect_error_with("\"linux\":{\"uidMappings\":[{\"containerID\":4294967200,"
			  "\"hostID\":0,\"size\":100}]}",
			  "config.json: linux.uidMappings[0]: containerID + size must not "
			  "exceed 4294967295");
	expect_error_with("\"linux\":{\"gidMappings\":[{\"containerID\":0,\"hostID\":0,"
			  "\"size\":1},{\"containerID\":1,\"hostID\":4294967295,\"size\":1}]}",
			  "config.json: linux.gidMappings[1].hostID: " UID_RANGE);
	expect_error_with("\"linux\":{\"gidMappings\":[{\"containerID\":0,"
			  "\"hostID\":4294967290,\"size\":6}]}",
			  "config.json: linux.gidMappings[0]: hostID + size must not "
			  "exceed 4294967295");
	expect_error_with("\"linux\":{\"gidMappings\":[{\"containerID\":0,\"hostID\":0,"
			  "\"size\":0}]}",
			  "config.json: linux.gidMappings[0].size: must be an integer in "
			  "1..4294967295");
	expect_error_with("\"linux\":{\"uidMappings\":[{\"containerID\":0,\"size\":1}]}",
			  "config.json: linux.uidMappings[0].hostID: missing");
	expect_error_with("\"linux\":{\"uidMappings\":{}}",
			  "config.json: linux.uidMappings: must be an array, not an object");
	expect_error_with("\"linux\":{\"uidMappings\":[7]}",
			  "config.json: linux.uidMappings[0]: must be an object, not a number");
}
END_TEST

START_TEST(test_mappings_too_many)
{
	size_t i, len;
	char *text = malloc(64 * 1024);

	ck_assert_ptr_nonnull(text);
	len = (size_t)sprintf(text, "{\"root\":{\"path\":\"/r\"},\"linux\":{\"uidMappings\":[");
	for (i = 0; i <= IDMAP_MAX_EXTENTS; i++)
		len += (size_t)sprintf(text + len,
				       "%s{\"containerID\":%zu,\"hostID\":%zu,"
				       "\"size\":1}",
				       i ? "," : "", i, i);
	strcpy(text + len, "]}}");
	expect_error(text, "config.json: linux.uidMappings: more than 340 entries");
	free(text);
}
END_TEST

START_TEST(test_namespaces_invalid)
{
	expect_error_with("\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"path\":\"/p\"}]}",
			  "config.json: linux.namespaces[1].type: missing");
	expect_error_with("\"linux\":{\"namespaces\":[{\"type\":\"user\",\"path\":3}]}",
			  "config.json: linux.namespaces[0].path: must be a string, not a number");
	expect_error_with("\"linux\":[]", "config.json: linux: must be an object, not an array");
}
END_TEST

START_TEST(test_mounts_invalid)
{
	expect_error_with("\"mounts\":{}", "config.json: mounts: must be an array, not an object");
	expect_error_with("\"mounts\":[\"/x\"]",
			  "config.json: mounts[0]: must be an object, not a string");
	expect_mount_error("\"type\":\"bind\"", "config.json: mounts[1].destination: missing");
	expect_mount_error("\"destination\":\"\"",
			   "config.json: mounts[1].destination: must not be empty");
	expect_mount_error("\"destination\":\"/d\",\"options\":[\"rbind\",5]",
			   "config.json: mounts[1].options[1]: must be a string, not a number");
	expect_mount_error("\"destination\":\"/d\",\"options\":\"rbind\"",
			   "config.json: mounts[1].options: must be an array, not a string");
	expect_mount_error("\"destination\":\"/d\",\"type\":1",
			   "config.json: mounts[1].type: must be a string, not a number");
	expect_mount_error("\"destination\":\"/d\",\"type\":\"bind\",\"source\":\"\"",
			   "config.json: mounts[1].source: must not be empty");
	expect_mount_error("\"destination\":\"/d\",\"uidMappings\":{}",
			   "config.json: mounts[1].uidMappings: must be an array, not an object");
	expect_mount_error("\"destination\":\"/d\",\"type\":\"bind\",\"type\":\"bind\"",
			   "config.json: mounts[1].type: given 2 times (runc reads the last, crun "
			   "the first)");
}
END_TEST

START_TEST(test_mounts_too_many)
{
	size_t i, len, n = SPEC_MAX_MOUNTS + 1;
	char *text = malloc(n * 24 + 128);

	ck_assert_ptr_nonnull(text);
	len = (size_t)sprintf(text, "{\"root\":{\"path\":\"/r\"},\"mounts\":[");
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "%s{\"destination\":\"/\"}", i ? "," : "");
	strcpy(text + len, "]}");
	/* Beyond the hook's bounds, not bad input: the hook falls back (EFBIG). */
	expect_error_code(text, EFBIG, "config.json: mounts: more than 65536 entries");
	free(text);
}
END_TEST

/* The annotations that say what a failure means (strict, disable) are read
 * whatever else fails, before it or after it: a spec too large to keep
 * (issue 22: --strict was lost with 65537 mounts), a bad skip list, a
 * config without root. */
START_TEST(test_strict_survives_failure)
{
	size_t i, len, n = SPEC_MAX_MOUNTS + 1;
	char *text = malloc(n * 24 + 256);
	struct oci_spec s = {0};
	struct err e = {0};

	ck_assert_ptr_nonnull(text);
	len = (size_t)sprintf(text, "{\"root\":{\"path\":\"/r\"},\"mounts\":[");
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "%s{\"destination\":\"/\"}", i ? "," : "");
	strcpy(text + len, "],\"annotations\":{\"io.oci-idmap-hook.strict\":\"true\"}}");
	ck_assert_int_eq(spec_parse(text, BUNDLE, &s, &e), -EFBIG);
	ck_assert(s.strict && !s.disabled);
	ck_assert_ptr_null(s.mounts);
	free(text);

	s = (struct oci_spec){0};
	ck_assert_int_eq(spec_parse("{\"annotations\":{\"io.oci-idmap-hook.skip\":1,"
				    "\"io.oci-idmap-hook.strict\":\"yes\"}}",
				    BUNDLE, &s, &e),
			 -EINVAL);
	ck_assert_str_eq(e.msg, "config.json: annotations[\"io.oci-idmap-hook.skip\"]: must be a "
				"string, not a number");
	ck_assert(s.strict);
	ck_assert_int_eq(spec_parse("{\"annotations\":{\"io.oci-idmap-hook.disable\":\"true\"}}",
				    BUNDLE, &s, &e),
			 -EINVAL);
	ck_assert_str_eq(e.msg, "config.json: root: missing");
	ck_assert(s.disabled && !s.strict);
	/* Given twice, which one was meant is not known. */
	expect_error_with("\"annotations\":{\"io.oci-idmap-hook.skip\":\"/a\","
			  "\"io.oci-idmap-hook.skip\":\"/b\"}",
			  "config.json: annotations[\"io.oci-idmap-hook.skip\"]: given twice");
}
END_TEST

/*
 * Keys the runtimes read differently (issue 22): a key given twice is
 * tolerated where the hook does not read it (runc reads the last, crun the
 * first: measured); where it reads it, or reads a key Go also takes in
 * another spelling, the document is refused (the hook then falls back).
 */
START_TEST(test_keys_read_differently)
{
	struct oci_spec s = {0};

	parse_ok("{\"root\":{\"path\":\"/r\"},\"annotations\":{\"a\":\"1\",\"a\":\"2\"},"
		 "\"process\":{\"env\":[],\"env\":[\"X=1\"],\"user\":{\"uid\":5}},"
		 "\"x\":{\"y\":1,\"y\":{\"z\":[]}},\"x\":0}",
		 &s);
	ck_assert_uint_eq(s.uid, 5);
	spec_free(&s);
	expect_error("{\"root\":{\"path\":\"/r\"},\"root\":{\"path\":\"/s\"}}",
		     "config.json: root: given 2 times (runc reads the last, crun the first)");
	expect_error("{\"Root\":{\"path\":\"/r\"}}",
		     "config.json: root: spelled \"Root\" (runc reads it as root, crun does not)");
	expect_error_with("\"process\":{\"user\":{\"uid\":1,\"UID\":2}}",
			  "config.json: process.user.uid: given 2 times (runc reads the last, "
			  "crun the first)");
	/* Go folds U+212A (Kelvin) to k and U+017F (long s) to s too. */
	expect_error_with(
	    "\"mount\xc5\xbf\":[]",
	    "config.json: mounts: spelled \"mount\xc5\xbf\" (runc reads it as mounts, "
	    "crun does not)");
	expect_error_with("\"hoo\xe2\x84\xaas\":{},\"linux\":{\"namespaces\":[{\"type\":\"user\","
			  "\"TYPE\":\"user\"}]}",
			  "config.json: linux.namespaces[0].type: given 2 times (runc reads the "
			  "last, crun the first)");
}
END_TEST

/* What runc reads of a document is what the hook reads (issue 22): the
 * first value (the rest ignored), invalid UTF-8 and lone surrogate escapes
 * as U+FFFD. */
START_TEST(test_read_as_runc_reads)
{
	struct oci_spec s = {0};

	parse_ok("{\"root\":{\"path\":\"/r\"}} trailing /* bytes */ {\"root\":[", &s);
	ck_assert_str_eq(s.root_path, "/r");
	spec_free(&s);
	parse_ok("{\"root\":{\"path\":\"/r\xff\\udc00\\ud800\\ud83d\\ude42\"}}\n", &s);
	ck_assert_str_eq(s.root_path, "/r\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xf0\x9f\x99\x82");
	spec_free(&s);
	/* Encoded surrogates and overlong forms are no UTF-8 to Go: one U+FFFD a byte. */
	parse_ok("{\"root\":{\"path\":\"/\xed\xa0\x80\xc0\xaf\"}}", &s);
	ck_assert_str_eq(s.root_path,
			 "/\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	spec_free(&s);
	/* A high surrogate followed by an escape that is not a low one. */
	parse_ok("{\"root\":{\"path\":\"/\\ud800\\u0041\"}}", &s);
	ck_assert_str_eq(s.root_path, "/\xef\xbf\xbd"
				      "A");
	spec_free(&s);
	/* What comes after the first value is not read, comments included;
	 * inside it they are refused, as Go does. */
	expect_error("{\"root\":{\"path\":\"/r\"} /* c */}",
		     "config.json: comments are not allowed in JSON");
}
END_TEST

/* What runc accepts and the hook does not read must not stop it. */
START_TEST(test_tolerates_what_it_does_not_read)
{
	size_t n = 5000, depth = 5000, len;
	char *text = malloc(n * 40 + 2 * depth + 256);
	struct oci_spec s = {0};

	ck_assert_ptr_nonnull(text);
	len =
	    (size_t)sprintf(text, "{\"root\":{\"path\":\"/r\"},\"annotations\":{\"a\":"
				  "\"x\\u0000y\",\"io.oci-idmap-hook.strict\":\"true\"},\"ext\":");
	memset(text + len, '[', depth);
	memset(text + len + depth, ']', depth);
	len += 2 * depth;
	len += (size_t)sprintf(text + len, ",\"mounts\":[");
	for (size_t i = 0; i < n; i++)
		len +=
		    (size_t)sprintf(text + len, "%s{\"destination\":\"/m%zu\"}", i ? "," : "", i);
	strcpy(text + len, "]}");
	parse_ok(text, &s);
	ck_assert_uint_eq(s.n_mounts, n);
	ck_assert(s.strict);
	spec_free(&s);
	free(text);
	/* In an annotation the hook reads, a NUL is refused. */
	expect_error_with("\"annotations\":{\"io.oci-idmap-hook.skip\":\"/a\\u0000\"}",
			  "config.json: annotations[\"io.oci-idmap-hook.skip\"]: \\u0000 in a "
			  "string is not allowed");
}
END_TEST

START_TEST(test_annotations_invalid)
{
	expect_error_with("\"annotations\":{\"io.oci-idmap-hook.disable\":true}",
			  "config.json: annotations[\"io.oci-idmap-hook.disable\"]: must be a "
			  "string, not a boolean");
	expect_error_with("\"annotations\":{\"a\\nb\":1}",
			  "config.json: annotations[\"a?b\"]: must be a string, not a number");
	expect_error_with("\"annotations\":[]",
			  "config.json: annotations: must be an object, not an array");
}
END_TEST

/* The one mount of a config whose options are `options` (a JSON array body). */
static struct spec_mount parse_options(const char *type, const char *options)
{
	char text[2048];
	struct oci_spec s = {0};
	struct spec_mount m;
	struct err e = {0};

	snprintf(text, sizeof(text),
		 "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"/r\"},\"mounts\":"
		 "[{\"destination\":\"/d\",\"source\":\"/s\",\"type\":\"%s\","
		 "\"options\":[%s]}]}",
		 type, options);
	parse_ok(text, &s);
	ck_assert_uint_eq(s.n_mounts, 1);
	ck_assert_int_eq(spec_map_options(&s, &e), 0);
	m = s.mounts[0];
	m.destination = m.source = m.type = m.options = NULL; /* freed with s */
	spec_free(&s);
	return m;
}

/* Every field an option can touch, exactly. */
static void expect_options(const char *options, bool bind, bool recursive, bool idmap,
			   unsigned int flags, unsigned int flags_tree,
			   enum mount_propagation propagation)
{
	struct spec_mount m = parse_options("none", options);

	ck_assert_msg(m.is_bind == bind, "%s: is_bind", options);
	ck_assert_msg(m.is_recursive == recursive, "%s: is_recursive", options);
	ck_assert_msg(m.has_idmap == idmap, "%s: has_idmap", options);
	ck_assert_msg(m.flags == flags, "%s: flags %#x, not %#x", options, m.flags, flags);
	ck_assert_msg(m.flags_tree == flags_tree, "%s: flags_tree %#x, not %#x", options,
		      m.flags_tree, flags_tree);
	ck_assert_msg(m.propagation == propagation, "%s: propagation %d, not %d", options,
		      m.propagation, propagation);
}

#define ALL_FLAGS                                                                                  \
	(MOUNT_FLAG_RDONLY | MOUNT_FLAG_NOSUID | MOUNT_FLAG_NODEV | MOUNT_FLAG_NOEXEC |            \
	 MOUNT_FLAG_NOSYMFOLLOW)

/* The kernel's options, as libmount's map names them. */
START_TEST(test_options_kernel)
{
	expect_options("", false, false, false, 0, 0, PROPAGATION_DEFAULT);
	expect_options("\"ro\"", false, false, false, MOUNT_FLAG_RDONLY, 0, PROPAGATION_DEFAULT);
	expect_options("\"ro\",\"nosuid\",\"nodev\",\"noexec\",\"nosymfollow\"", false, false,
		       false, ALL_FLAGS, 0, PROPAGATION_DEFAULT);
	/* The opposites clear, in order: the last one wins. */
	expect_options("\"ro\",\"nosuid\",\"nodev\",\"noexec\",\"nosymfollow\",\"rw\",\"suid\","
		       "\"dev\",\"exec\",\"symfollow\"",
		       false, false, false, 0, 0, PROPAGATION_DEFAULT);
	expect_options("\"rw\",\"ro\"", false, false, false, MOUNT_FLAG_RDONLY, 0,
		       PROPAGATION_DEFAULT);
	/* Kernel options that are no restriction the hook sets: no flag. */
	expect_options("\"noatime\",\"relatime\",\"sync\",\"dirsync\",\"mand\",\"remount\"", false,
		       false, false, 0, 0, PROPAGATION_DEFAULT);
	expect_options("\"bind\"", true, false, false, 0, 0, PROPAGATION_DEFAULT);
	expect_options("\"rbind\"", true, true, false, 0, 0, PROPAGATION_DEFAULT);
	expect_options("\"rbind\",\"bind\"", true, true, false, 0, 0, PROPAGATION_DEFAULT);
}
END_TEST

START_TEST(test_options_propagation)
{
	static const struct {
		const char *opt;
		enum mount_propagation p;
	} cases[] = {
	    {"\"private\"", PROPAGATION_PRIVATE},
	    {"\"rprivate\"", PROPAGATION_PRIVATE},
	    {"\"slave\"", PROPAGATION_SLAVE},
	    {"\"rslave\"", PROPAGATION_SLAVE},
	    {"\"shared\"", PROPAGATION_SHARED},
	    {"\"rshared\"", PROPAGATION_SHARED},
	    {"\"unbindable\"", PROPAGATION_UNBINDABLE},
	    {"\"runbindable\"", PROPAGATION_UNBINDABLE},
	    {"\"shared\",\"rslave\"", PROPAGATION_SLAVE},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_options(cases[i].opt, false, false, false, 0, 0, cases[i].p);
	/* Propagation sets no flag and makes no bind. */
	expect_options("\"rbind\",\"rprivate\",\"ro\"", true, true, false, MOUNT_FLAG_RDONLY, 0,
		       PROPAGATION_PRIVATE);
}
END_TEST

/* runc's recursive options: the tree's flags, never the mount's alone. */
START_TEST(test_options_recursive)
{
	expect_options("\"rro\"", false, false, false, 0, MOUNT_FLAG_RDONLY, PROPAGATION_DEFAULT);
	expect_options("\"rro\",\"rnosuid\",\"rnodev\",\"rnoexec\",\"rnosymfollow\"", false, false,
		       false, 0, ALL_FLAGS, PROPAGATION_DEFAULT);
	expect_options("\"rro\",\"rnosuid\",\"rnodev\",\"rnoexec\",\"rnosymfollow\",\"rrw\","
		       "\"rsuid\",\"rdev\",\"rexec\",\"rsymfollow\"",
		       false, false, false, 0, 0, PROPAGATION_DEFAULT);
	/* The two lists are independent. */
	expect_options("\"ro\",\"rnosuid\",\"rw\"", false, false, false, 0, MOUNT_FLAG_NOSUID,
		       PROPAGATION_DEFAULT);
	expect_options("\"rnoatime\",\"rrelatime\",\"rstrictatime\",\"rnodiratime\"", false, false,
		       false, 0, 0, PROPAGATION_DEFAULT);
}
END_TEST

/* What the options name, as crun reads them: every restriction set by any
 * option, plain or recursive, none taken back; and the atime options. */
static void expect_named(const char *options, unsigned int named, unsigned int atime_named)
{
	struct spec_mount m = parse_options("none", options);

	ck_assert_msg(m.named == named, "%s: named %#x, not %#x", options, m.named, named);
	ck_assert_msg(m.atime_named == atime_named, "%s: atime_named %#x, not %#x", options,
		      m.atime_named, atime_named);
}

START_TEST(test_options_named)
{
	expect_named("", 0, 0);
	expect_named("\"ro\",\"nodev\",\"noexec\",\"rw\",\"rexec\"",
		     MOUNT_FLAG_RDONLY | MOUNT_FLAG_NODEV | MOUNT_FLAG_NOEXEC, 0);
	expect_named("\"rro\",\"rnosuid\",\"rrw\"", MOUNT_FLAG_RDONLY | MOUNT_FLAG_NOSUID, 0);
	expect_named("\"noatime\",\"nodiratime\"", 0,
		     MOUNT_ATIME_NAMED_NOATIME | MOUNT_ATIME_NAMED_NODIRATIME);
	expect_named("\"strictatime\",\"relatime\"", 0,
		     MOUNT_ATIME_NAMED_STRICTATIME | MOUNT_ATIME_NAMED_RELATIME);
	expect_named("\"rnoatime\"", 0, MOUNT_ATIME_NAMED_NOATIME);
	/* An unknown option names nothing. */
	expect_named("\"x-ro\",\"atime=0\"", 0, 0);
}
END_TEST

/* idmap/ridmap, bare and with crun's value; and what nobody knows. */
START_TEST(test_options_oci)
{
	expect_options("\"idmap\"", false, false, true, 0, 0, PROPAGATION_DEFAULT);
	expect_options("\"ridmap\"", false, false, true, 0, 0, PROPAGATION_DEFAULT);
	expect_options("\"rbind\",\"idmap=uids=501-2000-1;gids=20-2000-1\"", true, true, true, 0, 0,
		       PROPAGATION_DEFAULT);
	expect_options("\"ridmap=uids=0-1-10\"", false, false, true, 0, 0, PROPAGATION_DEFAULT);
	expect_options("\"idmapped\",\"idmap_x\",\"xidmap\"", false, false, false, 0, 0,
		       PROPAGATION_DEFAULT);
	/* Unknown options, values and near misses change nothing. */
	expect_options("\"tmpcopyup\",\"copy-symlink\",\"mode=755\",\"ro=1\",\"RO\",\"r\",\"rr\","
		       "\"rnobind\",\"norw\",\"\"",
		       false, false, false, 0, 0, PROPAGATION_DEFAULT);
	/* An unknown option never loosens: ro stays. */
	expect_options("\"ro\",\"x-rw\",\"rw=0\"", false, false, false, MOUNT_FLAG_RDONLY, 0,
		       PROPAGATION_DEFAULT);
	/* type "bind" is a bind without the option. */
	ck_assert(parse_options("bind", "\"ro\"").is_bind);
	ck_assert(!parse_options("bind", "\"ro\"").is_recursive);
}
END_TEST

/* The paths messages name: plain keys dotted, others quoted and made safe,
 * indices in brackets, everything cut to JSON_PATH_MAX - 1 bytes. */
START_TEST(test_json_paths)
{
	char buf[JSON_PATH_MAX], parent[JSON_PATH_MAX];

	json_path_key(buf, "", "mounts");
	ck_assert_str_eq(buf, "mounts");
	json_path_index(parent, buf, 0);
	ck_assert_str_eq(parent, "mounts[0]");
	json_path_index(buf, "mounts", 18446744073709551615u);
	ck_assert_str_eq(buf, "mounts[18446744073709551615]");
	json_path_key(buf, parent, "options");
	ck_assert_str_eq(buf, "mounts[0].options");
	json_path_key(buf, "annotations", "a.b\"c\\d\x01");
	ck_assert_str_eq(buf, "annotations[\"a.b?c?d?\"]");
	json_path_key(buf, "annotations", "");
	ck_assert_str_eq(buf, "annotations[\"\"]");
	memset(parent, 'p', sizeof(parent) - 1);
	parent[sizeof(parent) - 1] = '\0';
	json_path_key(buf, parent, "k");
	ck_assert_uint_eq(strlen(buf), JSON_PATH_MAX - 1);
	parent[JSON_PATH_MAX - 4] = '\0';
	json_path_key(buf, parent, "key\x02");
	ck_assert_str_eq(buf + JSON_PATH_MAX - 4, "[\"k");
	json_path_index(buf, parent, 123);
	ck_assert_str_eq(buf + JSON_PATH_MAX - 4, "[12");
}
END_TEST

/* linux.readonlyPaths, and which destinations they overlap: at, above or
 * below, by components ("//data/./x/" is /data/x), ".." as the runtime
 * resolves it inside the rootfs (never above its root). */
START_TEST(test_readonly_paths)
{
	struct oci_spec s;

	parse_ok("{\"ociVersion\":\"1.0.2\",\"process\":{\"user\":{\"uid\":1,\"gid\":1}},"
		 "\"root\":{\"path\":\"rootfs\"},\"linux\":{\"readonlyPaths\":"
		 "[\"/proc/sys\",\"//data/./x/\",\"/srv/../etc\"]}}",
		 &s);
	ck_assert_uint_eq(s.n_readonly_paths, 3);
	ck_assert_ptr_null(spec_readonly_overlap(&(struct oci_spec){0}, "/data"));
	ck_assert_str_eq(spec_readonly_overlap(&s, "/data/x"), "//data/./x/");
	ck_assert_str_eq(spec_readonly_overlap(&s, "/data"), "//data/./x/");
	ck_assert_str_eq(spec_readonly_overlap(&s, "/data/x/y/"), "//data/./x/");
	ck_assert_str_eq(spec_readonly_overlap(&s, "/proc"), "/proc/sys");
	ck_assert_str_eq(spec_readonly_overlap(&s, "/etc/x"), "/srv/../etc");
	ck_assert_ptr_null(spec_readonly_overlap(&s, "/srv"));
	ck_assert_ptr_null(spec_readonly_overlap(&s, "/../../../srv/y"));
	ck_assert_str_eq(spec_readonly_overlap(&s, "/../../data"), "//data/./x/");
	spec_free(&s);
	parse_ok("{\"ociVersion\":\"1.0.2\",\"process\":{\"user\":{\"uid\":1,\"gid\":1}},"
		 "\"root\":{\"path\":\"rootfs\"},\"linux\":{\"readonlyPaths\":"
		 "[\"/proc/sys\",\"/data/x\"]}}",
		 &s);
	ck_assert_ptr_null(spec_readonly_overlap(&s, "/data/xy"));
	ck_assert_ptr_null(spec_readonly_overlap(&s, "/dat"));
	ck_assert_ptr_null(spec_readonly_overlap(&s, "/data/y"));
	spec_free(&s);
	expect_error_with("\"linux\":{\"readonlyPaths\":[1]}",
			  "config.json: linux.readonlyPaths[0]: must be a string, not a number");
}
END_TEST

Suite *spec_suite(void)
{
	Suite *s = suite_create("spec");
	TCase *valid = tcase_create("valid");
	TCase *invalid = tcase_create("invalid");

	/* 65537 mounts and 5000 levels: seconds under ASan+UBSan, not 4. */
	tcase_set_timeout(invalid, 120);

	tcase_add_test(valid, test_minimal);
	tcase_add_test(valid, test_readonly_paths);
	tcase_add_test(valid, test_full);
	tcase_add_test(valid, test_userns_path_and_relative_paths);
	tcase_add_test(valid, test_skip_root_entry);
	tcase_add_test(valid, test_uid_bounds);
	tcase_add_test(valid, test_options_kernel);
	tcase_add_test(valid, test_options_propagation);
	tcase_add_test(valid, test_options_recursive);
	tcase_add_test(valid, test_options_named);
	tcase_add_test(valid, test_options_oci);
	tcase_add_test(invalid, test_uid_invalid);
	tcase_add_test(invalid, test_root_invalid);
	tcase_add_test(invalid, test_mappings_invalid);
	tcase_add_test(invalid, test_mappings_too_many);
	tcase_add_test(invalid, test_namespaces_invalid);
	tcase_add_test(invalid, test_mounts_invalid);
	tcase_add_test(invalid, test_mounts_too_many);
	tcase_add_test(invalid, test_strict_survives_failure);
	tcase_add_test(invalid, test_keys_read_differently);
	tcase_add_test(invalid, test_read_as_runc_reads);
	tcase_add_test(invalid, test_annotations_invalid);
	tcase_add_test(invalid, test_tolerates_what_it_does_not_read);
	tcase_add_test(invalid, test_json_paths);
	suite_add_tcase(s, valid);
	suite_add_tcase(s, invalid);
	return s;
}
