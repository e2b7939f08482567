/* SPDX-License-Identifier: Apache-2.0 */
/* The plan as JSON and as a table (what `oci-idmap-hook plan` prints), from
 * hand-built plans. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "report.h"
#include "tests.h"

static struct spec_mount mounts[] = {
    {.destination = "/proc", .source = "proc", .type = "proc"},
    {.destination = "/data", .source = "/srv/vol", .type = "bind", .is_bind = true},
    {.destination = "/gone", .is_bind = true},
    {.destination = "/logs", .source = "/srv/logs", .type = "none", .is_bind = true},
};

/* The container user 1000:1000; /data (501:20) and /logs (501:0) idmapped. */
static void build_plan(struct plan *p, struct plan_mount pm[4], struct plan_mapping *mp)
{
	*p = (struct plan){.uid = 1000,
			   .gid = 1000,
			   .host_uid = 1000,
			   .host_gid = 1000,
			   .has_host_ids = true,
			   .mounts = pm,
			   .n_mounts = 4,
			   .mappings = mp,
			   .n_mappings = 2};
	memset(pm, 0, 4 * sizeof(*pm));
	for (size_t i = 0; i < 4; i++)
		pm[i].mount = &mounts[i];
	snprintf(pm[0].reason, sizeof(pm[0].reason), "not a bind mount");
	pm[1] = (struct plan_mount){.mount = &mounts[1],
				    .action = PLAN_IDMAP,
				    .has_owner = true,
				    .owner_uid = 501,
				    .owner_gid = 20};
	snprintf(pm[2].reason, sizeof(pm[2].reason), "cannot stat source: No such file");
	pm[3] = (struct plan_mount){.mount = &mounts[3],
				    .action = PLAN_IDMAP,
				    .has_owner = true,
				    .owner_uid = 501,
				    .owner_gid = 0,
				    .mapping = 1};
	snprintf(pm[3].reason, sizeof(pm[3].reason),
		 "group 0 left: root's group is never handed to a container user");
	idmap_swap(501, 1000, &mp[0].uid_map);
	idmap_swap(20, 1000, &mp[0].gid_map);
	idmap_swap(501, 1000, &mp[1].uid_map);
	idmap_swap(0, 0, &mp[1].gid_map);
}

static char *report(const char *id, const char *bundle, const struct plan *p, bool pretty)
{
	const struct report_input in = {.id = id, .bundle = bundle, .plan = p};
	struct err e = {0};
	char *text = NULL;

	ck_assert_msg(report_plan_json(&in, pretty, &text, &e) == 0, "report: %s", e.msg);
	return text;
}

#define UID_SWAP "[[0,0,501],[501,1000,1],[502,502,498],[1000,501,1],[1001,1001,4294966294]]"

START_TEST(compact_plan)
{
	struct plan_mount pm[4];
	struct plan_mapping mp[2];
	struct plan p;
	_cleanup_free_ char *text = NULL;

	build_plan(&p, pm, mp);
	text = report("c1", "/b", &p, false);
	ck_assert_str_eq(
	    text,
	    "{\"id\":\"c1\",\"bundle\":\"/b\",\"container\":{\"user\":{\"uid\":1000,"
	    "\"gid\":1000},\"userns\":false,\"host_user\":{\"uid\":1000,\"gid\":1000}},"
	    "\"mounts\":["
	    "{\"destination\":\"/proc\",\"source\":\"proc\",\"type\":\"proc\",\"bind\":false,"
	    "\"owner\":null,\"action\":\"skip\",\"reason\":\"not a bind mount\"},"
	    "{\"destination\":\"/data\",\"source\":\"/srv/vol\",\"type\":\"bind\",\"bind\":true,"
	    "\"owner\":{\"uid\":501,\"gid\":20},\"action\":\"idmap\",\"uid_map\":" UID_SWAP ","
	    "\"gid_map\":[[0,0,20],[20,1000,1],[21,21,979],[1000,20,1],[1001,1001,4294966294]]},"
	    "{\"destination\":\"/gone\",\"source\":null,\"type\":null,\"bind\":true,"
	    "\"owner\":null,\"action\":\"skip\",\"reason\":\"cannot stat source: No such file\"},"
	    "{\"destination\":\"/logs\",\"source\":\"/srv/logs\",\"type\":\"none\",\"bind\":true,"
	    "\"owner\":{\"uid\":501,\"gid\":0},\"action\":\"idmap\","
	    "\"reason\":\"group 0 left: root's group is never handed to a container "
	    "user\",\"uid_map\":" UID_SWAP ","
	    "\"gid_map\":[[0,0,4294967295]]}]}\n");
}
END_TEST

START_TEST(no_id_no_host_user)
{
	struct plan p = {.uid = 70000, .gid = 70000, .has_userns = true};
	_cleanup_free_ char *text = NULL;

	text = report(NULL, "/b", &p, false);
	ck_assert_str_eq(text, "{\"id\":null,\"bundle\":\"/b\",\"container\":{\"user\":"
			       "{\"uid\":70000,\"gid\":70000},\"userns\":true,"
			       "\"host_user\":null},\"mounts\":[]}\n");
}
END_TEST

START_TEST(pretty_layout)
{
	struct plan_mount pm[4];
	struct plan_mapping mp[2];
	struct plan p;
	_cleanup_free_ char *text = NULL;

	build_plan(&p, pm, mp);
	p.n_mounts = 2;
	p.has_host_ids = false;
	text = report("c1", "/b", &p, true);
	ck_assert_str_eq(text, "{\n"
			       "  \"id\": \"c1\",\n"
			       "  \"bundle\": \"/b\",\n"
			       "  \"container\": {\n"
			       "    \"user\": {\n"
			       "      \"uid\": 1000,\n"
			       "      \"gid\": 1000\n"
			       "    },\n"
			       "    \"userns\": false,\n"
			       "    \"host_user\": null\n"
			       "  },\n"
			       "  \"mounts\": [\n"
			       "    {\n"
			       "      \"destination\": \"/proc\",\n"
			       "      \"source\": \"proc\",\n"
			       "      \"type\": \"proc\",\n"
			       "      \"bind\": false,\n"
			       "      \"owner\": null,\n"
			       "      \"action\": \"skip\",\n"
			       "      \"reason\": \"not a bind mount\"\n"
			       "    },\n"
			       "    {\n"
			       "      \"destination\": \"/data\",\n"
			       "      \"source\": \"/srv/vol\",\n"
			       "      \"type\": \"bind\",\n"
			       "      \"bind\": true,\n"
			       "      \"owner\": {\n"
			       "        \"uid\": 501,\n"
			       "        \"gid\": 20\n"
			       "      },\n"
			       "      \"action\": \"idmap\",\n"
			       "      \"uid_map\": [\n"
			       "        [0, 0, 501],\n"
			       "        [501, 1000, 1],\n"
			       "        [502, 502, 498],\n"
			       "        [1000, 501, 1],\n"
			       "        [1001, 1001, 4294966294]\n"
			       "      ],\n"
			       "      \"gid_map\": [\n"
			       "        [0, 0, 20],\n"
			       "        [20, 1000, 1],\n"
			       "        [21, 21, 979],\n"
			       "        [1000, 20, 1],\n"
			       "        [1001, 1001, 4294966294]\n"
			       "      ]\n"
			       "    }\n"
			       "  ]\n"
			       "}\n");
}
END_TEST

/* The text without whitespace outside strings. */
static void squeeze(char *s)
{
	bool in_str = false;
	char *out = s;

	for (; *s; s++) {
		if (in_str && *s == '\\' && s[1]) {
			*out++ = *s++;
		} else if (*s == '"') {
			in_str = !in_str;
		} else if (!in_str && (*s == ' ' || *s == '\n')) {
			continue;
		}
		*out++ = *s;
	}
	*out = '\0';
}

/* Characters that matter to JSON and to the indenter, inside strings. */
START_TEST(escapes_survive_both_layouts)
{
	struct spec_mount m = {
	    .destination = "/a \"b\" \\c ],{x}: [y]", .source = "/s", .is_bind = true};
	struct plan_mount pm = {.mount = &m};
	struct plan p = {.mounts = &pm, .n_mounts = 1, .has_host_ids = true};
	_cleanup_free_ char *compact = NULL, *pretty = NULL;
	_cleanup_json_ json_value *root = NULL;
	struct err e = {0};

	snprintf(pm.reason, sizeof(pm.reason), "tab\there, newline\nthere, \"quoted\"");
	compact = report("id \"1\"", "/b\\", &p, false);
	pretty = report("id \"1\"", "/b\\", &p, true);
	ck_assert_ptr_nonnull(strstr(compact, "\"/a \\\"b\\\" \\\\c ],{x}: [y]\""));
	ck_assert_ptr_nonnull(strstr(compact, "\"tab\\there, newline\\nthere, \\\"quoted\\\"\""));
	ck_assert_ptr_nonnull(
	    strstr(pretty, "\n      \"destination\": \"/a \\\"b\\\" \\\\c ],{x}: [y]\",\n"));
	ck_assert_int_eq(json_parse(pretty, &root, &e), 0);
	squeeze(pretty);
	squeeze(compact);
	ck_assert_str_eq(pretty, compact);
}
END_TEST

START_TEST(invalid_utf8_is_refused)
{
	const struct plan p = {0};
	const struct report_input in = {.bundle = "/b\xff", .plan = &p};
	struct err e = {0};
	char *text = NULL;

	ck_assert_int_eq(report_plan_json(&in, true, &text, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "plan: a path or id is not valid UTF-8");
	ck_assert_ptr_null(text);
}
END_TEST

static char *plan_table(const struct plan *p)
{
	const struct report_input in = {.bundle = "/b", .plan = p};
	struct err e = {0};
	char *text = NULL;

	ck_assert_msg(report_plan_table(&in, &text, &e) == 0, "table: %s", e.msg);
	return text;
}

/* One row per mount, columns aligned, the owner the container user will see,
 * and "-" where a column has nothing to say. */
START_TEST(plan_as_table)
{
	struct plan_mapping mp[2] = {0};
	struct plan_mount pm[4];
	struct plan p;
	_cleanup_free_ char *text = NULL;

	build_plan(&p, pm, mp);
	pm[1].shows_known = true;
	pm[1].shows_uid = 1000;
	pm[1].shows_gid = 20;
	text = plan_table(&p);
	ck_assert_str_eq(
	    text, "container user 1000:1000 (1000:1000 on the host)\n"
		  "DESTINATION  OWNER   ACTION  SHOWS    REASON\n"
		  "/proc        -       skip    -        not a bind mount\n"
		  "/data        501:20  idmap   1000:20  -\n"
		  "/gone        -       skip    -        cannot stat source: No such file\n"
		  "/logs        501:0   idmap   -        group 0 left: root's group is never "
		  "handed to a container user\n");
}
END_TEST

/* A destination an attacker named cannot move the terminal's cursor, clear
 * it or add a column: control bytes, backslashes and (but in the last
 * column) spaces print as \xNN. */
START_TEST(table_escapes_what_a_terminal_would_run)
{
	struct spec_mount m = {.destination = "/a b\x1b[2J\n\\c", .is_bind = true};
	struct plan_mount pm = {.mount = &m, .fallback = true};
	struct plan p = {.mounts = &pm, .n_mounts = 1};
	_cleanup_free_ char *text = NULL;

	snprintf(pm.reason, sizeof(pm.reason), "two words\tand a tab");
	text = plan_table(&p);
	ck_assert_str_eq(text, "container user 0:0 (no id on the host)\n"
			       "DESTINATION              OWNER  ACTION    SHOWS  REASON\n"
			       "/a\\x20b\\x1b[2J\\x0a\\x5cc  -      fallback  -      "
			       "two words\\x09and a tab\n");
}
END_TEST

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("json");

	tcase_add_test(tc, compact_plan);
	tcase_add_test(tc, no_id_no_host_user);
	tcase_add_test(tc, pretty_layout);
	tcase_add_test(tc, escapes_survive_both_layouts);
	tcase_add_test(tc, invalid_utf8_is_refused);
	suite_add_tcase(s, tc);
	tc = tcase_create("table");
	tcase_add_test(tc, plan_as_table);
	tcase_add_test(tc, table_escapes_what_a_terminal_would_run);
	suite_add_tcase(s, tc);
	return s;
}
