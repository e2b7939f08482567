/* SPDX-License-Identifier: Apache-2.0 */
#include "args.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Global options of runc and crun that take a value ("--root R"). */
static const char *const global_with_value[] = {
    "root", "log", "log-format", "log-level", "criu", "rootless", "cgroup-manager", NULL,
};

/* Options of create and run that take a value. */
static const char *const create_with_value[] = {
    "bundle", "b", "console-socket", "pid-file", "preserve-fds", "config", "f", NULL,
};

/* The name of an option ("-x", "--name", "-name", "--name=v"), or NULL. */
static const char *option_name(const char *arg)
{
	if (arg[0] != '-' || arg[1] == '\0')
		return NULL;
	return arg[1] == '-' ? arg + 2 : arg + 1;
}

/* Does the option name (up to any '=') equal want? */
static bool is_option(const char *name, const char *want)
{
	size_t n = strcspn(name, "=");

	return strlen(want) == n && strncmp(name, want, n) == 0;
}

/* Does argv[i] take argv[i + 1] as its value? */
static bool takes_next(const char *name, const char *const *with_value)
{
	if (strchr(name, '='))
		return false;
	for (; *with_value; with_value++)
		if (strcmp(name, *with_value) == 0)
			return true;
	return false;
}

int args_command(int argc, char *const *argv)
{
	const char *name;
	int i;

	for (i = 1; i < argc; i++) {
		name = option_name(argv[i]);
		if (!name)
			return i;
		if (strcmp(name, "") == 0) /* "--" */
			return i + 1;
		if (takes_next(name, global_with_value))
			i++;
	}
	return argc;
}

const char *args_global(char *const *argv, int cmd, const char *want)
{
	const char *name, *value = NULL;
	int i;

	for (i = 1; i < cmd; i++) {
		name = option_name(argv[i]);
		if (!name)
			continue;
		if (is_option(name, want)) {
			if (strchr(name, '='))
				value = strchr(name, '=') + 1;
			else if (i + 1 < cmd)
				value = argv[i + 1];
		}
		/* Another option's value is not an option ("--root --log"). */
		if (takes_next(name, global_with_value))
			i++;
	}
	return value;
}

const char *args_bundle(int argc, char *const *argv, int cmd)
{
	const char *name, *bundle = ".";
	int i;

	for (i = cmd + 1; i < argc; i++) {
		name = option_name(argv[i]);
		if (!name)
			continue;
		if (strcmp(name, "") == 0)
			break;
		if (is_option(name, "bundle") || is_option(name, "b")) {
			if (strchr(name, '='))
				bundle = strchr(name, '=') + 1;
			else if (i + 1 < argc)
				bundle = argv[i + 1];
		}
		if (takes_next(name, create_with_value))
			i++;
	}
	return *bundle ? bundle : ".";
}
