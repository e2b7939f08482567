/* SPDX-License-Identifier: Apache-2.0 */
/* The unit test suites (one per lib/ module) and shared helpers. */
#pragma once

#include <check.h>

/* Suite factories, run by test_main.c. */
Suite *state_suite(void);
Suite *spec_suite(void);
Suite *idmap_suite(void);
Suite *idmap_compose_suite(void);
Suite *idmap_owner_suite(void);
Suite *plan_suite(void);
Suite *plan_tree_suite(void);
Suite *owner_suite(void);
Suite *owner_ns_suite(void);
Suite *plan_suid_suite(void);
Suite *accounts_suite(void);
Suite *mountinfo_suite(void);
Suite *config_edit_suite(void);
Suite *args_suite(void);
Suite *bundle_suite(void);
Suite *engine_log_suite(void);
Suite *report_suite(void);
Suite *err_suite(void);
Suite *io_suite(void);
Suite *log_suite(void);
Suite *userns_suite(void);
Suite *mntmaps_suite(void);
Suite *verify_suite(void);
Suite *outcome_suite(void);
Suite *mounttree_suite(void);
Suite *facts_suite(void);
Suite *plan_volumes_suite(void);

/* A suite that cannot run here calls this instead of adding its tests: it
 * prints "SKIP: <suite>: <reason>" and counts the skip; the runner fails on
 * a skip under CI=true, as tests/run.sh does. */
void unit_skip(const char *suite, const char *reason);

/* The contents of tests/fixtures/<name> (the tests run from the repo root);
 * fails the test if it cannot be read.  Free with free(). */
char *fixture_read(const char *name);
