/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hook's flow as a library, one way only:
 *
 *   stdin -> state (state.c) -> config.json (spec.c)
 *         -> observe, cheap facts first (facts.c: each source path walked
 *            on the host; plan_cheap.c: which mounts that leaves as
 *            candidates); for the candidates only, and only when there are
 *            any: libmount loaded, each destination resolved inside the
 *            container's mount namespace, what is mounted there, which
 *            entry made it
 *         -> plan (plan.c, pure: idmap with which maps, or skip and why)
 *         -> remount (remount.c: clone what the runtime mounted, idmap it,
 *            stack it on top)
 *         -> exit code (hook_outcome(); hook/main.c prints it)
 *
 * hook_start() runs it all, logging the plan and a summary (report_log.c);
 * hook/ owns argv, printing and exit codes; `plan` runs hook_prepare() and
 * prints instead of executing: one code path.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "accounts.h"
#include "err.h"
#include "facts.h"
#include "hostinfo.h"
#include "mapset.h"
#include "mntns.h"
#include "plan.h"
#include "remount.h"
#include "spec.h"
#include "state.h"

/* Everything the hook derives before it acts. */
struct hook_ctx {
	struct oci_state state;
	struct oci_spec spec;
	struct idmap uid_ns, gid_ns; /* read from /proc/<pid> when joined by path */
	struct hostinfo host;	     /* host-wide facts: overflow ids, rootless */
	struct accounts accounts;    /* the host's, read only when a gid is in question */
	struct mount_facts *facts;   /* one per spec mount */
	struct facts_view view;	     /* what the hook holds of the container */
	pid_t pid;		     /* the container's init, 0 without a container */
	struct mntns ns;	     /* the hook's and pid's mount namespaces, opened once */
	struct err ns_err;	     /* ... or why they could not be */
	struct plan plan;
	struct mapset maps;	      /* a user namespace per mapping, made when first needed */
	long long probe_us;	      /* the time the kernel's answers took (facts_kernel.c) */
	struct remount_result result; /* what hook_execute() did of the plan */
};

/* Is this a stage and a process the hook acts on (createRuntime/prestart)? */
bool hook_is_our_stage(const struct oci_state *state);

/* Open the hook's and pid's mount namespaces into ctx->ns, once (pid 0:
 * nothing).  When they cannot be, ctx->ns_err says why, and every mount is
 * then left as it is with that reason. */
void hook_open_ns(struct hook_ctx *ctx, pid_t pid);

/* A hook_ctx before anything is read into it. */
#define HOOK_CTX_INIT                                                                              \
	((struct hook_ctx){                                                                        \
	    .ns = MNTNS_INIT, .view = {.root_fd = -EBADF}, .accounts = ACCOUNTS_HOST})

/* Read <bundle>/config.json, observe, build the plan, try on the kernel
 * what the plan asks (plan_questions) and judge it again with the answers.
 * pid: the container's init, whose mount namespace is looked at when a mount
 * is worth it (0: the sources on the host only). */
int hook_prepare(struct hook_ctx *ctx, const char *bundle, pid_t pid, struct err *e);

/* Execute the plan hook_prepare() built (remount.c); outcomes in
 * ctx->result.  With strict, a mount the plan already knows cannot be
 * remapped stops it: -errno, and *e names that mount (and how many more
 * there are), nothing logged for them. */
int hook_execute(struct hook_ctx *ctx, bool strict, struct remount_timing *timing, struct err *e);

/* Where a hook run got to, for hook_outcome(). */
enum hook_phase {
	HOOK_PHASE_STATE,   /* stdin: the OCI state */
	HOOK_PHASE_PREPARE, /* config.json, what is there, the plan */
	HOOK_PHASE_EXECUTE, /* the remount */
};

struct hook_run {
	bool strict;	       /* --strict (the annotation is in the spec) */
	enum hook_phase phase; /* the last phase started */
	int r;		       /* < 0: it failed, and e says why */
	struct err e;
};

/* The OCI state from file, or from stdin when file is "-" (its text, as
 * large as the annotations, freed before config.json is read). */
int hook_read_state(const char *file, struct oci_state *ret, struct err *e);

/* The hook's run as the runtime starts it: the state on stdin; for a
 * container at our stage, hook_prepare(), the plan logged
 * (report_log_plan), hook_execute(), the summary logged.  run->phase is
 * where it got to, run->r < 0 (and run->e) where it stopped: hook_outcome()
 * tells what that means. */
void hook_start(struct hook_ctx *ctx, struct hook_run *run);

#define HOOK_EXIT_FAILED 1

/*
 * The exit code, decided here and nowhere else.  The hook fails the start
 * (HOOK_EXIT_FAILED, and *ret_line is the one error line) only when
 *  - stdin is not an OCI state (not JSON, not a state, unreadable), or
 *  - strict (--strict, or the annotation) asks for it and a mount the hook
 *    was to remap is not remapped: a step failed, the plan knows the kernel
 *    cannot, or the hook could not find out which mounts it was to remap
 *    (config.json unreadable or beyond the hook's limits, memory, /proc, a
 *    namespace).
 * Everything else exits 0: every mount not remapped is as the runtime made
 * it, and the log says why (logged here for a run that stopped early).
 */
int hook_outcome(const struct hook_ctx *ctx, const struct hook_run *run, struct err *ret_line);

void hook_ctx_free(struct hook_ctx *ctx);
