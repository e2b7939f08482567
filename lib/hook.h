/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hook's flow as a library: state -> spec -> plan -> remount.  hook/main.c
 * owns argv, stdin, printing and exit codes; plan mode shares plan_prepare().
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "hostinfo.h"
#include "plan.h"
#include "spec.h"
#include "state.h"

/* Everything the hook derives before it acts. */
struct hook_ctx {
	struct oci_state state;
	struct oci_spec spec;
	struct id_map uid_ns, gid_ns; /* read from /proc/<pid> when joined by path */
	struct hostinfo host;
	struct mount_facts *facts;
	struct plan plan;
};

/* Is this a stage and a process the hook acts on (createRuntime/prestart)? */
int hook_is_our_stage(const struct oci_state *state, bool *ret_ours, struct err *e);

/* Read <bundle>/config.json, observe the sources, build the plan.  pid (may
 * be 0) is only used for a user namespace joined by path. */
int hook_prepare(struct hook_ctx *ctx, const char *bundle, pid_t pid, struct err *e);

void hook_ctx_free(struct hook_ctx *ctx);
