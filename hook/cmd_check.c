/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oci-idmap-hook check [--] [PATH...]
 *
 * Tells whether idmapped mounts work on this kernel and on the filesystem
 * holding each PATH (default /), by trying one that is never attached:
 *   PATH: yes (FSTYPE)
 *   PATH: no: <step>: <error> (<hint>)
 * Exit 0 when all work, 1 when any does not, 2 on a usage error.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "probe.h"

static bool check_path(const char *path)
{
	char fstype[FSTYPE_MAX];
	struct err e = {0};
	bool composed;

	if (probe_idmap(path, fstype, &composed, &e) == 0) {
		printf("%s: yes (%s%s)\n", path, fstype[0] ? fstype : "unknown filesystem",
		       composed ? ", already idmapped: its maps can be composed" : "");
		return true;
	}
	err_add_hint(&e);
	printf("%s: no: %s%s\n", path,
	       composed ? "already idmapped, its maps cannot be composed: " : "", e.msg);
	return false;
}

/* check takes no option but --help (then returns CMD_HELP_SHOWN); getopt_long()
 * permutes argv so that the paths follow the options, and handles "--".
 * Sets the index of the first path. */
static int first_path(int argc, char **argv, int *ret_first)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	int c;

	opterr = 0;
	c = getopt_long(argc, argv, "", longopts, NULL);
	if (c == 'h') {
		printf("Usage: oci-idmap-hook check [PATH...]\n"
		       "\n"
		       "Try an idmapped mount (never attached) of the filesystem holding each\n"
		       "PATH (default /): \"PATH: yes (FSTYPE)\" or \"PATH: no: REASON\".\n"
		       "Exit 0 when all work, 1 when any does not.\n");
		return CMD_HELP_SHOWN;
	}
	if (c != -1)
		return usage_error("unknown option", argv[optind - 1]);
	*ret_first = optind;
	return 0;
}

int cmd_check(int argc, char **argv)
{
	bool all = true;
	int i = 1, r;

	r = first_path(argc, argv, &i);
	if (r)
		return r == CMD_HELP_SHOWN ? 0 : r;
	if (i == argc)
		all = check_path("/");
	for (; i < argc; i++)
		all = check_path(argv[i]) && all;
	fflush(stdout);
	return all ? 0 : EXIT_INPUT;
}
