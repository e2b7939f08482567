/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oci-idmap-hook plan [--json] --bundle DIR [--pid PID]
 * oci-idmap-hook plan [--json] --state FILE|-
 *
 * Prints, as a table (or JSON) on stdout, the plan the hook would execute:
 * the same hook_prepare() the hook runs, then nothing else.  Changes nothing.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cmd.h"
#include "hook.h"
#include "report.h"

struct plan_options {
	const char *bundle;
	const char *state; /* a file, or "-" for stdin */
	pid_t pid;
	bool json;
};

/* Returns CMD_HELP_SHOWN: not an error, but nothing more to do (exit 0). */
static int print_plan_help(void)
{
	printf("Usage: oci-idmap-hook plan [--json] --bundle DIR [--pid PID]\n"
	       "       oci-idmap-hook plan [--json] --state FILE|-\n"
	       "\n"
	       "Print what the hook would do for the bundle: every mount of config.json,\n"
	       "idmapped (the owner the container user sees) or skipped (and why).\n"
	       "Changes nothing.\n"
	       "  --json           the whole plan, maps and trees, as JSON\n"
	       "                   (schemas/plan.schema.json) instead of a table\n"
	       "  --bundle DIR     the bundle directory\n"
	       "  --pid PID        a process in the container's user namespace (only for\n"
	       "                   a user namespace joined by path)\n"
	       "  --state FILE|-   read the OCI state (bundle, id, pid) from FILE or stdin\n");
	return CMD_HELP_SHOWN;
}

static int check_plan_options(const struct plan_options *o, int argc, char **argv)
{
	if (optind < argc)
		return usage_error("unexpected argument", argv[optind]);
	if (!o->bundle == !o->state)
		return usage_error("plan needs exactly one of --bundle and --state, got",
				   o->bundle ? "both" : "neither");
	if (o->state && o->pid)
		return usage_error("--pid goes with --bundle (the state has the pid)", "--state");
	return 0;
}

static int parse_plan_options(int argc, char **argv, struct plan_options *o)
{
	static const struct option longopts[] = {
	    {"bundle", required_argument, NULL, 'b'}, {"state", required_argument, NULL, 's'},
	    {"pid", required_argument, NULL, 'p'},    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},	      {0},
	};
	int c, r = 0;

	*o = (struct plan_options){0};
	opterr = 0;
	while (r == 0 && (c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (c == 'b')
			o->bundle = optarg;
		else if (c == 's')
			o->state = optarg;
		else if (c == 'p')
			r = cli_parse_pid(optarg, &o->pid) ? 0
							   : usage_error("invalid --pid", optarg);
		else if (c == 'j')
			o->json = true;
		else if (c == 'h')
			r = print_plan_help();
		else if (c == ':')
			r = usage_error("missing value for", argv[optind - 1]);
		else
			r = usage_error("unknown option", argv[optind - 1]);
	}
	return r ? r : check_plan_options(o, argc, argv);
}

static int print_plan(const struct hook_ctx *ctx, const char *bundle, bool json, struct err *e)
{
	const struct report_input in = {
	    .id = ctx->state.id,
	    .bundle = bundle,
	    .plan = &ctx->plan,
	};
	_cleanup_free_ char *text = NULL;
	int r;

	r = json ? report_plan_json(&in, true, &text, e) : report_plan_table(&in, &text, e);
	if (r < 0)
		return r;
	if (fputs(text, stdout) == EOF || fflush(stdout) == EOF)
		return err_set(e, errno, "plan: stdout");
	return 0;
}

static int run_plan(const struct plan_options *o, struct hook_ctx *ctx, struct err *e)
{
	_cleanup_free_ char *abs = NULL;
	const char *bundle = o->bundle;
	pid_t pid = o->pid;
	int r;

	if (o->state) {
		r = hook_read_state(o->state, &ctx->state, e);
		if (r < 0)
			return r;
		bundle = ctx->state.bundle;
		pid = ctx->state.pid;
	} else if ((abs = realpath(o->bundle, NULL))) {
		/* Relative sources resolve against the bundle: make it absolute.
		 * When it cannot be, reading config.json says why. */
		bundle = abs;
	}
	r = hook_prepare(ctx, bundle, pid, e);
	if (r < 0)
		return r;
	return print_plan(ctx, bundle, o->json, e);
}

int cmd_plan(int argc, char **argv)
{
	struct hook_ctx ctx = HOOK_CTX_INIT;
	struct plan_options o;
	struct err e = {0};
	int r;

	r = parse_plan_options(argc, argv, &o);
	if (r)
		return r == CMD_HELP_SHOWN ? 0 : r;
	r = run_plan(&o, &ctx, &e);
	if (r < 0)
		r = fail_input(ctx.state.id, &e);
	hook_ctx_free(&ctx);
	return r;
}
