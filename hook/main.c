/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oci-idmap-hook: an OCI hook (createRuntime or prestart) that gives bind
 * mounts whose owner differs from the container user an idmapped clone.
 *
 *   oci-idmap-hook [--strict] [--log-level L] [--log-file F | --no-syslog] < state.json
 *   oci-idmap-hook plan [--json] --bundle DIR [--pid PID] | --state FILE|-
 *   oci-idmap-hook check [--] [PATH...]
 *   oci-idmap-hook status [--json] PID
 *
 * Exit codes (hook_outcome() in lib/hook.c decides): 0 done, including
 * every fallback; 1 when stdin is not an OCI state, or with --strict (or the
 * annotation) when a mount the hook was to remap is not remapped; 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cmd.h"
#include "hook.h"
#include "io.h"
#include "log.h"
#include "remount.h"

/* Where syslog(3) and journald listen. */
#define SYSLOG_SOCKET "/dev/log"

struct options {
	bool strict;
	bool no_syslog;
	enum log_level level;
	const char *log_file;
};

int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "oci-idmap-hook: %s '%s' (see --help)\n", what, arg);
	return EXIT_USAGE;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	    {"strict", no_argument, NULL, 's'},
	    {"log-level", required_argument, NULL, 'l'},
	    {"log-file", required_argument, NULL, 'f'},
	    {"no-syslog", no_argument, NULL, 'n'},
	    {0},
	};
	int c;

	*o = (struct options){.level = LOG_WARN};
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

static FILE *open_log(const char *path)
{
	_cleanup_close_ int fd = -EBADF;
	FILE *f;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "a");
	if (f)
		TAKE_FD(fd); /* the stream owns it now */
	return f;
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

static int print_version(void)
{
	printf("oci-idmap-hook %s\n", VERSION);
	return 0;
}

/* The standalone modes, by argv[1]. */
static const struct mode {
	const char *name;
	int (*run)(int argc, char **argv);
} modes[] = {
    {"plan", cmd_plan},
    {"check", cmd_check},
    {"status", cmd_status},
};

static int print_help(void)
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

int main(int argc, char **argv)
{
	struct hook_ctx ctx = HOOK_CTX_INIT;
	struct hook_run run = {0};
	struct err line = {0};
	struct options o;
	FILE *log_stream = NULL;
	int r;

	if (argc == 2 && strcmp(argv[1], "--help") == 0)
		return print_help();
	if (argc == 2 && strcmp(argv[1], "--version") == 0)
		return print_version();
	for (size_t i = 0; argc >= 2 && i < ARRAY_SIZE(modes); i++)
		if (strcmp(argv[1], modes[i].name) == 0)
			return modes[i].run(argc - 1, argv + 1);
	r = parse_options(argc, argv, &o);
	if (r)
		return r;
	if (o.log_file && !(log_stream = open_log(o.log_file)))
		fprintf(stderr, "oci-idmap-hook: --log-file %s: %s; logging as without it\n",
			o.log_file, strerror(errno));
	log_setup(o.level, log_stream, NULL);
	if (!o.no_syslog && !log_stream)
		log_use_syslog(SYSLOG_SOCKET);
	run.strict = o.strict;
	hook_start(&ctx, &run);
	r = hook_outcome(&ctx, &run, &line);
	if (r != 0) {
		log_record(LOG_ERROR, "%s", line.msg);
		fail_line(ctx.state.id, &line);
	}
	hook_ctx_free(&ctx);
	log_close();
	if (log_stream)
		fclose(log_stream);
	return r;
}
