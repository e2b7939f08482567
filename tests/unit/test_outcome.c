/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The exit-code rule, hook_outcome() (issue 22): exit 1 only for a stdin
 * that is not an OCI state, or, with strict (the option or the annotation),
 * for a mount not remapped, which includes not knowing which mounts to
 * remap; everything else exits 0.
 */
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "hook.h"
#include "log.h"
#include "tests.h"

/* The exit code for a run stopped in phase with -code, strict by option
 * and/or annotation, disabled by annotation; *line the error line. */
static int outcome(enum hook_phase phase, int code, bool option, bool annotation, bool disabled,
		   struct err *line)
{
	static FILE *devnull;
	struct hook_ctx ctx = HOOK_CTX_INIT;
	struct hook_run run = {.strict = option, .phase = phase};

	/* What is logged: not the test's business here. */
	if (!devnull)
		devnull = fopen("/dev/null", "we");
	ck_assert_ptr_nonnull(devnull);
	log_setup(LOG_ERROR, devnull, NULL);
	ctx.spec.strict = annotation;
	ctx.spec.disabled = disabled;
	*line = (struct err){0};
	run.r = code ? err_msg(&run.e, code, "why %d", code) : 0;
	return hook_outcome(&ctx, &run, line);
}

START_TEST(test_not_a_state)
{
	struct err line;

	ck_assert_int_eq(outcome(HOOK_PHASE_STATE, EINVAL, false, false, false, &line), 1);
	ck_assert_str_eq(line.msg, "why 22");
	ck_assert_int_eq(outcome(HOOK_PHASE_STATE, EIO, false, false, false, &line), 1);
	/* A state too large or no memory to read it: it may well be one. */
	ck_assert_int_eq(outcome(HOOK_PHASE_STATE, EFBIG, false, false, false, &line), 0);
	ck_assert_int_eq(outcome(HOOK_PHASE_STATE, ENOMEM, false, false, false, &line), 0);
	ck_assert_int_eq(outcome(HOOK_PHASE_STATE, EFBIG, true, false, false, &line), 1);
}
END_TEST

/* Before the plan (config.json, limits, memory, /proc) and during the
 * remount: exit 0 unless strict, by option or by annotation. */
START_TEST(test_strict_only)
{
	const enum hook_phase phases[] = {HOOK_PHASE_PREPARE, HOOK_PHASE_EXECUTE};
	const int codes[] = {EINVAL, EFBIG, ENOMEM, EACCES, ENOSYS};
	struct err line;

	for (size_t i = 0; i < ARRAY_SIZE(phases); i++) {
		for (size_t k = 0; k < ARRAY_SIZE(codes); k++) {
			ck_assert_int_eq(outcome(phases[i], codes[k], false, false, false, &line),
					 0);
			ck_assert_str_eq(line.msg, "");
			ck_assert_int_eq(outcome(phases[i], codes[k], true, false, false, &line),
					 1);
			ck_assert_int_eq(outcome(phases[i], codes[k], false, true, false, &line),
					 1);
			ck_assert_int_ne(line.code, 0);
			/* Disabled: the hook was to remap nothing. */
			ck_assert_int_eq(outcome(phases[i], codes[k], true, true, true, &line), 0);
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(phases); i++)
		ck_assert_int_eq(outcome(phases[i], 0, true, true, false, &line), 0);
}
END_TEST

Suite *outcome_suite(void)
{
	Suite *s = suite_create("outcome");
	TCase *tc = tcase_create("outcome");

	tcase_add_test(tc, test_not_a_state);
	tcase_add_test(tc, test_strict_only);
	suite_add_tcase(s, tc);
	return s;
}
