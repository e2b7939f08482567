/* SPDX-License-Identifier: Apache-2.0 */
/* The command line shared by main.c and the verbs (cli.h). */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>

int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "oci-idmap-hook: %s '%s' (see --help)\n", what, arg);
	return EXIT_USAGE;
}

/* The one error line: "oci-idmap-hook: [<id>: ]<message>". */
void fail_line(const char *id, const struct err *e)
{
	fprintf(stderr, "oci-idmap-hook: %s%s%s\n", id ? id : "", id ? ": " : "", e->msg);
}

/* The one error line, and exit 1 (the standalone modes). */
int fail_input(const char *id, const struct err *e)
{
	fail_line(id, e);
	return EXIT_INPUT;
}

bool cli_parse_pid(const char *arg, pid_t *ret_pid)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v <= 0 || v > INT32_MAX)
		return false;
	*ret_pid = (pid_t)v;
	return true;
}

int cli_parse_hook_options(int argc, char **argv, struct cli_options *o)
{
	static const struct option longopts[] = {
	    {"strict", no_argument, NULL, 's'},
	    {"log-level", required_argument, NULL, 'l'},
	    {"log-file", required_argument, NULL, 'f'},
	    {"no-syslog", no_argument, NULL, 'n'},
	    {0},
	};
	int c;

	*o = (struct cli_options){.level = LOG_WARN};
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 's')
			o->strict = true;
		else if (c == 'l' && log_parse_level(optarg, &o->level) < 0)
			return usage_error("unknown log level", optarg);
		else if (c == 'f')
			o->log_file = optarg;
		else if (c == 'n')
			o->no_syslog = true;
		else if (c == '?')
			return usage_error("unknown option", argv[optind - 1]);
	}
	if (optind < argc)
		return usage_error("unexpected argument", argv[optind]);
	return 0;
}

int cli_print_version(void)
{
	printf("oci-idmap-hook %s\n", VERSION);
	return 0;
}

int cli_print_help(void)
{
	printf(
	    "Usage: oci-idmap-hook [--strict] [--log-level LEVEL] [--log-file FILE | --no-syslog]\n"
	    "                      < STATE\n"
	    "       oci-idmap-hook plan [--json] --bundle DIR [--pid PID]\n"
	    "       oci-idmap-hook plan [--json] --state FILE|-\n"
	    "       oci-idmap-hook check [--] [PATH...]\n"
	    "       oci-idmap-hook status [--json] PID\n"
	    "\n"
	    "An OCI hook (createRuntime or prestart): reads the container state on stdin\n"
	    "and gives every bind mount whose owner differs from the container user an\n"
	    "idmapped mount, so the container sees its own uid/gid and the host keeps\n"
	    "the original owner.  Where the kernel or filesystem cannot, the mount is\n"
	    "left as it was and the hook exits 0 (unless --strict).\n"
	    "\n"
	    "  --strict           a mount that cannot be idmapped fails the container\n"
	    "  --log-level LEVEL  error, warn (default), info or debug: what is logged\n"
	    "  --log-file FILE    append log lines to FILE instead of stderr and syslog\n"
	    "  --no-syslog        log to stderr only (by default also to syslog, /dev/log,\n"
	    "                     facility daemon: runtimes discard a successful hook's\n"
	    "                     stderr)\n"
	    "  --help, --version\n"
	    "\n"
	    "plan prints, as a table (--json: as JSON), what the hook would do for a\n"
	    "bundle: every mount of config.json, idmapped or skipped (and why).\n"
	    "--state reads the OCI state (bundle, id, pid) from FILE or stdin; --pid is\n"
	    "needed only for a user namespace joined by path.  It changes nothing.\n"
	    "\n"
	    "check tries an idmapped mount (never attached) of the filesystem holding\n"
	    "each PATH (default /) and prints \"PATH: yes (FSTYPE)\" or \"PATH: no: REASON\".\n"
	    "Exit 0 when all work, 1 when any does not.\n"
	    "\n"
	    "status prints, as a table (--json: as JSON), what is mounted now in the\n"
	    "container whose init is PID: every mount, whether it is idmapped and, where\n"
	    "the kernel reports them (6.15), its maps.  It changes nothing.\n"
	    "\n"
	    "See oci-idmap-hook(1).\n");
	return 0;
}
