/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oci-idmap-runtime's reading of a runc or crun command line
 *
 *   oci-idmap-runtime [GLOBAL OPTION...] COMMAND [OPTION...] [ARG...]
 *
 * as urfave/cli parses it: "-name" and "--name", a value as "--name=v" or
 * as the next argument for the options that take one, "--" ends the options.
 * Only read: the runtime gets argv as it came.
 */
#pragma once

/* The index of the command (create, start, ...), or argc when there is none. */
int args_command(int argc, char *const *argv);

/* The value of the global option want (the last one given), or NULL. */
const char *args_global(char *const *argv, int cmd, const char *want);

/* The bundle of create/run: --bundle/-b (the last one given), else "."; an
 * empty one is "." too, as runc reads it (it changes directory only to a
 * bundle that is not ""), never "/config.json". */
const char *args_bundle(int argc, char *const *argv, int cmd);
