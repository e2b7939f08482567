/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The standalone modes of oci-idmap-hook, dispatched by main.c on argv[1]:
 *   plan   print the plan the hook would execute, change nothing
 *   check  try an idmapped mount of each path, change nothing
 *   status print what is mounted in a running container, change nothing
 * Each takes argv with argv[0] = the mode's name and returns the exit code;
 * what they share of the command line is cli.h's.
 */
#pragma once

#include "cli.h"

int cmd_plan(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_status(int argc, char **argv);
