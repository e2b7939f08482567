/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oci-idmap-hook status [--json] PID
 *
 * Prints, as a table (or JSON) on stdout, what is mounted now in the
 * container whose init is PID: what status_read() (lib/status.c) observes.
 * `plan` says what the hook would do; `status` shows what is.  Changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cmd.h"
#include "report.h"
#include "status.h"

static int print_status_help(void)
{
	printf("Usage: oci-idmap-hook status [--json] PID\n"
	       "\n"
	       "Print what is mounted now in the container whose init is PID: every\n"
	       "mount with its destination as the container sees it, fstype, source,\n"
	       "whether it is idmapped (and covered by another mount) and, where the\n"
	       "kernel reports them (Linux 6.15; else \"?\"), its uid_map and gid_map as\n"
	       "first:lower:count.  Changes nothing.\n"
	       "  --json   as JSON (schemas/status.schema.json) instead of a table\n");
	return CMD_HELP_SHOWN;
}

static int parse_status_pid(const char *arg, int *ret_pid, struct err *e)
{
	pid_t pid;

	if (!cli_parse_pid(arg, &pid))
		return err_msg(e, EINVAL, "status: pid '%s': must be a process id (1..2147483647)",
			       arg);
	*ret_pid = (int)pid;
	return 0;
}

static int print_status(const struct status *st, bool json, struct err *e)
{
	_cleanup_free_ char *text = NULL;
	int r;

	r = json ? report_status_json(st, true, &text, e) : report_status_table(st, &text, e);
	if (r < 0)
		return r;
	if (fputs(text, stdout) == EOF || fflush(stdout) == EOF)
		return err_set(e, errno, "status: stdout");
	return 0;
}

static int run_status(const char *arg, bool json, struct err *e)
{
	struct status st = {0};
	int pid = 0, r;

	r = parse_status_pid(arg, &pid, e);
	if (r < 0)
		return r;
	r = status_read(pid, &st, e);
	if (r >= 0)
		r = print_status(&st, json, e);
	status_free(&st);
	return r;
}

/* status [--json] PID, options anywhere: *ret_pid the PID's argument, which
 * may start with '-' (a negative pid is a bad pid, not an unknown option);
 * CMD_HELP_SHOWN after --help. */
static int parse_status_options(int argc, char **argv, bool *ret_json, const char **ret_pid)
{
	const char *pid = NULL, *extra = NULL;

	*ret_json = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			*ret_json = true;
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return print_status_help();
		else if (strncmp(argv[i], "--", 2) == 0)
			return usage_error("unknown option", argv[i]);
		else if (!pid)
			pid = argv[i];
		else if (!extra)
			extra = argv[i];
	}
	if (!pid || extra)
		return usage_error("status takes one PID, got", pid ? extra : "none");
	*ret_pid = pid;
	return 0;
}

int cmd_status(int argc, char **argv)
{
	const char *pid = NULL;
	struct err e = {0};
	bool json;
	int r;

	r = parse_status_options(argc, argv, &json, &pid);
	if (r)
		return r == CMD_HELP_SHOWN ? 0 : r;
	if (run_status(pid, json, &e) < 0)
		return fail_input(NULL, &e);
	return 0;
}
