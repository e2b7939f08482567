/* SPDX-License-Identifier: Apache-2.0 */
/* Runs every unit suite; run from the repository root (build/unit-tests). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "io.h"
#include "tests.h"

#define FIXTURE_DIR "tests/fixtures/"

char *fixture_read(const char *name)
{
	char path[256];
	struct err e = {0};
	char *buf = NULL;
	int r;

	snprintf(path, sizeof(path), FIXTURE_DIR "%s", name);
	r = io_read_file(path, IO_CONFIG_MAX, &buf, NULL, &e);
	ck_assert_msg(r == 0, "fixture %s: %s (run from the repository root)", path, e.msg);
	return buf;
}

static unsigned skipped;

void unit_skip(const char *suite, const char *reason)
{
	printf("SKIP: %s: %s\n", suite, reason);
	skipped++;
}

/* Every suite, in order.  Add yours here (and declare it in tests.h). */
static Suite *(*const suites[])(void) = {
    state_suite,       spec_suite,	   report_suite,    idmap_suite,       idmap_compose_suite,
    idmap_owner_suite, plan_suite,	   plan_tree_suite, owner_suite,       owner_ns_suite,
    plan_suid_suite,   accounts_suite,	   mountinfo_suite, config_edit_suite, args_suite,
    bundle_suite,      engine_log_suite,   err_suite,	    io_suite,	       log_suite,
    userns_suite,      mntmaps_suite,	   verify_suite,    outcome_suite,     mounttree_suite,
    facts_suite,       plan_volumes_suite,
};

/* In CI every prerequisite is there: a test that cannot run is a failure. */
static bool ci_strict(void)
{
	const char *ci = getenv("CI");

	return ci && strcmp(ci, "true") == 0;
}

int main(void)
{
	SRunner *runner = srunner_create(NULL);
	size_t i;
	int failed;

	for (i = 0; i < ARRAY_SIZE(suites); i++)
		srunner_add_suite(runner, suites[i]());
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	if (failed != 0)
		return EXIT_FAILURE;
	if (skipped != 0) {
		printf("unit: %u suite(s) skipped\n", skipped);
		if (ci_strict()) {
			fprintf(stderr,
				"unit: CI=true and a suite skipped: a skip is a failure in CI\n");
			return EXIT_FAILURE;
		}
	}
	return EXIT_SUCCESS;
}
