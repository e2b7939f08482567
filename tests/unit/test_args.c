/* SPDX-License-Identifier: Apache-2.0 */
/* oci-idmap-runtime's reading of a runc command line, as dockerd's shim and
 * containerd write them. */
#include "args.h"
#include "tests.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

/* As the containerd shim runs runc for a Docker container. */
START_TEST(test_shim_create)
{
	char *argv[] = {"oci-idmap-runtime",
			"--root",
			"/run/docker/runtime-runc/moby",
			"--log",
			"/b/log.json",
			"--log-format",
			"json",
			"--systemd-cgroup",
			"create",
			"--bundle",
			"/b",
			"--pid-file",
			"/b/init.pid",
			"ctr1",
			NULL};
	int argc = ARGC(argv), cmd = args_command(argc, argv);

	ck_assert_int_eq(cmd, 8);
	ck_assert_str_eq(args_global(argv, cmd, "root"), "/run/docker/runtime-runc/moby");
	ck_assert_str_eq(args_global(argv, cmd, "log"), "/b/log.json");
	ck_assert_str_eq(args_global(argv, cmd, "log-format"), "json");
	ck_assert_ptr_null(args_global(argv, cmd, "criu"));
	ck_assert_str_eq(args_bundle(argc, argv, cmd), "/b");
}
END_TEST

/* -name, --name=value, -b: every spelling urfave/cli takes; the last wins. */
START_TEST(test_spellings)
{
	char *argv[] = {"w",	   "-log=/l1", "-root", "/r",	  "--log",
			"/l2",	   "run",      "-b",	"/first", "--bundle=/second",
			"-bundle", "/third",   "id",	NULL};
	int argc = ARGC(argv), cmd = args_command(argc, argv);

	ck_assert_int_eq(cmd, 6);
	ck_assert_str_eq(args_global(argv, cmd, "log"), "/l2");
	ck_assert_str_eq(args_global(argv, cmd, "root"), "/r");
	ck_assert_str_eq(args_bundle(argc, argv, cmd), "/third");
}
END_TEST

/* A value that looks like an option is still a value, and not an option. */
START_TEST(test_values_are_not_options)
{
	char *globals[] = {"w", "--root", "--log", "--log-format", "json", "create", "id", NULL};
	char *create[] = {"w",	"create", "--pid-file", "--bundle", "--console-socket",
			  "-b", "id",	  NULL};
	int cmd = args_command(ARGC(globals), globals);

	ck_assert_int_eq(cmd, 5);
	ck_assert_str_eq(args_global(globals, cmd, "root"), "--log");
	ck_assert_ptr_null(args_global(globals, cmd, "log"));
	ck_assert_str_eq(args_global(globals, cmd, "log-format"), "json");
	/* --pid-file's value is "--bundle", --console-socket's "-b": no bundle. */
	ck_assert_str_eq(args_bundle(ARGC(create), create, 1), ".");
}
END_TEST

START_TEST(test_no_bundle_is_the_working_directory)
{
	char *none[] = {"w", "create", "id", NULL};
	char *empty[] = {"w", "create", "--bundle=", "id", NULL};
	char *empty_next[] = {"w", "create", "-b", "", "id", NULL};
	char *missing[] = {"w", "create", "--bundle", NULL};

	ck_assert_str_eq(args_bundle(ARGC(none), none, 1), ".");
	ck_assert_str_eq(args_bundle(ARGC(empty), empty, 1), ".");
	ck_assert_str_eq(args_bundle(ARGC(empty_next), empty_next, 1), ".");
	ck_assert_str_eq(args_bundle(ARGC(missing), missing, 1), ".");
}
END_TEST

/* "--" ends the options: what follows is the command, or arguments. */
START_TEST(test_double_dash)
{
	char *before_command[] = {"w", "--debug", "--", "create", "--bundle", "/b", NULL};
	char *after_command[] = {"w", "create", "--", "--bundle", "/b", NULL};

	ck_assert_int_eq(args_command(ARGC(before_command), before_command), 3);
	ck_assert_str_eq(args_bundle(ARGC(before_command), before_command, 3), "/b");
	ck_assert_str_eq(args_bundle(ARGC(after_command), after_command, 1), ".");
}
END_TEST

START_TEST(test_no_command)
{
	char *only_options[] = {"w", "--debug", "--log", "/l", NULL};
	char *value_missing[] = {"w", "--log", NULL};
	char *nothing[] = {"w", NULL};

	ck_assert_int_eq(args_command(ARGC(only_options), only_options), 4);
	ck_assert_str_eq(args_global(only_options, 4, "log"), "/l");
	ck_assert_int_eq(args_command(ARGC(value_missing), value_missing), 2);
	ck_assert_ptr_null(args_global(value_missing, 2, "log"));
	ck_assert_int_eq(args_command(ARGC(nothing), nothing), 1);
}
END_TEST

Suite *args_suite(void)
{
	Suite *s = suite_create("args");
	TCase *tc = tcase_create("args");

	tcase_add_test(tc, test_shim_create);
	tcase_add_test(tc, test_spellings);
	tcase_add_test(tc, test_values_are_not_options);
	tcase_add_test(tc, test_no_bundle_is_the_working_directory);
	tcase_add_test(tc, test_double_dash);
	tcase_add_test(tc, test_no_command);
	suite_add_tcase(s, tc);
	return s;
}
