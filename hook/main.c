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

/* Before acting: what the plan says.  A mount that was to be idmapped and
 * cannot be (the filesystem, the kernel) is a warning: a mismatched volume
 * left as it was; a skip by policy is information, and so is the skip of a
 * step that failed while the hook looked (hook_execute warns of those).
 * With strict, such a mount fails the start instead, and the one error
 * line names it. */
static void log_plan(const struct plan *p, bool strict)
{
	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct plan_mount *pm = &p->mounts[i];

		if (pm->action == PLAN_IDMAP)
			log_info("%s: idmap (owner %u:%u -> %u:%u)%s%s", pm->mount->destination,
				 pm->owner_uid, pm->owner_gid, p->host_uid,
				 pm->gid_left ? pm->owner_gid : p->host_gid,
				 pm->reason[0] ? "; " : "", pm->reason);
		else if (pm->mount->is_bind && !(strict && hook_plan_fails(pm, strict)))
			log_msg(pm->fallback && !pm->failed ? LOG_WARN : LOG_INFO, "%s: skip: %s",
				pm->mount->destination, pm->reason);
	}
}

/* Append "<sep><text>" to buf (size SUMMARY_MAX), cut with "..." when
 * full; *full says it was cut (a text may end in "..." itself). */
#define SUMMARY_MAX 1024
#define SUMMARY_REASON_MAX 80
static void summary_add(char *buf, bool *full, const char *sep, const char *text)
{
	size_t n = strlen(buf);

	if (*full)
		return;
	if (n + 4 >= SUMMARY_MAX ||
	    (size_t)snprintf(buf + n, SUMMARY_MAX - n, "%s%s", sep, text) >= SUMMARY_MAX - n) {
		buf[SUMMARY_MAX - 4] = '\0';
		err_trim_utf8(buf);
		strcat(buf, "...");
		*full = true;
	}
}

/* After acting: one line for the container, what was idmapped and what was
 * left as it was and why, in short. */
static void log_summary(const struct plan *p, const struct remount_result *res)
{
	char idmapped[SUMMARY_MAX] = "", skipped[SUMMARY_MAX] = "", item[SUMMARY_MAX];
	char reason[SUMMARY_REASON_MAX + 1];
	bool idmapped_full = false, skipped_full = false;
	size_t n_idmap = 0, n_bind = 0;

	if (!log_enabled(LOG_INFO))
		return;
	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct plan_mount *pm = &p->mounts[i];
		const char *why = pm->reason;

		if (!pm->mount->is_bind)
			continue;
		n_bind++;
		if (remount_is_done(res, p, i, &why)) {
			summary_add(idmapped, &idmapped_full, n_idmap++ ? ", " : "",
				    pm->mount->destination);
			continue;
		}
		snprintf(reason, sizeof(reason), "%.*s", SUMMARY_REASON_MAX, why);
		err_trim_utf8(reason);
		snprintf(item, sizeof(item), "%s (%s%s)", pm->mount->destination, reason,
			 strlen(why) > SUMMARY_REASON_MAX ? "..." : "");
		summary_add(skipped, &skipped_full, skipped[0] ? "; " : "", item);
	}
	log_info("summary: %zu of %zu bind mounts remapped%s%s%s%s", n_idmap, n_bind,
		 n_idmap ? ": " : "", idmapped, skipped[0] ? "; left as they were: " : "", skipped);
}

/* The state on stdin; its text (as large as the annotations) is freed
 * before config.json is read. */
static int read_state(struct oci_state *ret, struct err *e)
{
	_cleanup_free_ char *input = NULL;
	int r;

	r = io_read_fd(STDIN_FILENO, IO_STATE_MAX, &input, NULL, e);
	if (r < 0)
		return err_wrap(e, "state: stdin");
	return state_parse(input, ret, e);
}

/* The hook's run, phase by phase: run->r < 0 where it stopped. */
static void run_hook(struct hook_ctx *ctx, struct hook_run *run)
{
	struct remount_timing timing = {0};
	struct err *e = &run->e;
	long long t0 = log_now_us(), t1;
	bool strict;

	run->phase = HOOK_PHASE_STATE;
	run->r = read_state(&ctx->state, e);
	if (run->r < 0)
		return;
	log_set_id(ctx->state.id);
	if (!hook_is_our_stage(&ctx->state))
		return;
	/* A process in the hook's own mount namespace is in no container. */
	if (mntns_is_own(ctx->state.pid))
		return;
	run->phase = HOOK_PHASE_PREPARE;
	run->r = hook_prepare(ctx, ctx->state.bundle, ctx->state.pid, e);
	if (run->r < 0)
		return;
	strict = run->strict || ctx->spec.strict;
	log_plan(&ctx->plan, strict);
	t1 = log_now_us();
	run->phase = HOOK_PHASE_EXECUTE;
	run->r = hook_execute(ctx, strict, &timing, e);
	log_debug("timing: parse+plan %lld us (kernel probes %lld us), userns %lld us, clone %lld "
		  "us, idmap %lld us, verify %lld us, swap %lld us, total %lld us",
		  t1 - t0, ctx->probe_us, timing.userns_us, timing.clone_us, timing.idmap_us,
		  timing.verify_us, timing.swap_us, log_now_us() - t0);
	/* Failed with strict: nothing was left as it was, the start fails. */
	if (run->r >= 0 || !strict)
		log_summary(&ctx->plan, &ctx->result);
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
	run_hook(&ctx, &run);
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
