/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The command line of oci-idmap-hook, shared by main.c and the verbs
 * (cmd_*.c): exit codes, the usage and error lines, --help and --version,
 * the hook mode's options and a pid argument.  Calls nothing of main.c or
 * of a verb.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "err.h"
#include "log.h"

enum { EXIT_INPUT = 1, EXIT_USAGE = 2 };

/* What a mode's option parser returns after printing --help: nothing more to
 * do, and not an error (the mode exits 0).  Never an exit code itself. */
enum { CMD_HELP_SHOWN = -1 };

/* "oci-idmap-hook: <what> '<arg>' (see --help)" on stderr; returns EXIT_USAGE. */
int usage_error(const char *what, const char *arg);

/* The one error line, "oci-idmap-hook: [<id>: ]<message>"; returns EXIT_INPUT. */
int fail_input(const char *id, const struct err *e);
void fail_line(const char *id, const struct err *e);

/* --help and --version of the whole program; return 0. */
int cli_print_help(void);
int cli_print_version(void);

/* A process id, 1..INT32_MAX, as a whole argument; false when it is not. */
bool cli_parse_pid(const char *arg, pid_t *ret_pid);

/* The hook mode's options: [--strict] [--log-level L] [--log-file F | --no-syslog]. */
struct cli_options {
	bool strict;
	bool no_syslog;
	enum log_level level;
	const char *log_file;
};

/* 0, or EXIT_USAGE after the usage line. */
int cli_parse_hook_options(int argc, char **argv, struct cli_options *o);
