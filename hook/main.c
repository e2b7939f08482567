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
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "cmd.h"
#include "hook.h"
#include "log.h"

/* Where syslog(3) and journald listen. */
#define SYSLOG_SOCKET "/dev/log"

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

/* The standalone modes, by argv[1]. */
static const struct mode {
	const char *name;
	int (*run)(int argc, char **argv);
} modes[] = {
    {"plan", cmd_plan},
    {"check", cmd_check},
    {"status", cmd_status},
};

int main(int argc, char **argv)
{
	struct hook_ctx ctx = HOOK_CTX_INIT;
	struct hook_run run = {0};
	struct err line = {0};
	struct cli_options o;
	FILE *log_stream = NULL;
	int r;

	if (argc == 2 && strcmp(argv[1], "--help") == 0)
		return cli_print_help();
	if (argc == 2 && strcmp(argv[1], "--version") == 0)
		return cli_print_version();
	for (size_t i = 0; argc >= 2 && i < ARRAY_SIZE(modes); i++)
		if (strcmp(argv[1], modes[i].name) == 0)
			return modes[i].run(argc - 1, argv + 1);
	r = cli_parse_hook_options(argc, argv, &o);
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
