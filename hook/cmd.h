/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The standalone modes of oci-idmap-hook, dispatched by main.c on argv[1]:
 *   plan   print the plan the hook would execute, change nothing
 *   check  try an idmapped mount of each path, change nothing
 *   status print what is mounted in a running container, change nothing
 * Each takes argv with argv[0] = the mode's name and returns the exit code.
 */
#pragma once

#include "err.h"

enum { EXIT_INPUT = 1, EXIT_USAGE = 2 };

/* What a mode's option parser returns after printing --help: nothing more to
 * do, and not an error (the mode exits 0).  Never an exit code itself. */
enum { CMD_HELP_SHOWN = -1 };

int cmd_plan(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_status(int argc, char **argv);

/* Shared with main.c: "oci-idmap-hook: <what> '<arg>' (see --help)", exit 2. */
int usage_error(const char *what, const char *arg);

/* The one error line, "oci-idmap-hook: [<id>: ]<message>"; returns EXIT_INPUT. */
int fail_input(const char *id, const struct err *e);
void fail_line(const char *id, const struct err *e);
