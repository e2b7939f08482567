/* SPDX-License-Identifier: Apache-2.0 */
#include "hook.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "facts.h"
#include "io.h"
#include "log.h"
#include "mntns.h"
#include "report.h"

bool hook_is_our_stage(const struct oci_state *state)
{
	if (strcmp(state->status, "creating") != 0 && strcmp(state->status, "created") != 0)
		return false;
	return state->pid > 0;
}

void hook_open_ns(struct hook_ctx *ctx, pid_t pid)
{
	if (pid > 0 && ctx->ns.target < 0 && !ctx->ns_err.code)
		(void)mntns_open(pid, &ctx->ns, &ctx->ns_err);
}

static int read_proc_map(pid_t pid, const char *file, struct idmap *ret, struct err *e)
{
	_cleanup_free_ char *text = NULL;
	char path[64];
	int r;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	r = io_read_file(path, IO_STATE_MAX, &text, NULL, e);
	if (r < 0)
		return r;
	if (idmap_parse_proc(text, ret) < 0)
		return err_msg(e, EINVAL, "%s: cannot parse", path);
	return 0;
}

/* The container's user namespace maps: from config.json, or from the pid. */
static int userns_maps(struct hook_ctx *ctx, pid_t pid, const struct idmap **ret_uid,
		       const struct idmap **ret_gid, struct err *e)
{
	const struct oci_spec *s = &ctx->spec;
	int r;

	*ret_uid = *ret_gid = NULL;
	if (!s->has_userns)
		return 0;
	if (!s->userns_has_path && s->uid_map.n > 0 && s->gid_map.n > 0) {
		*ret_uid = &s->uid_map;
		*ret_gid = &s->gid_map;
		return 0;
	}
	if (pid <= 0)
		return err_msg(e, EINVAL, "%s: its maps need --pid",
			       s->userns_has_path ? "the user namespace is joined by path"
						  : "config.json gives the user namespace no maps");
	r = read_proc_map(pid, "uid_map", &ctx->uid_ns, e);
	if (r >= 0)
		r = read_proc_map(pid, "gid_map", &ctx->gid_ns, e);
	if (r < 0)
		return r;
	*ret_uid = &ctx->uid_ns;
	*ret_gid = &ctx->gid_ns;
	return 0;
}

/* The exact view of the candidates (look[i]): libmount loaded and
 * config.json's options given their meaning first, in the hook's own mount
 * namespace.  Without libmount every candidate is left as the runtime made
 * it, saying why (a warning; with --strict a failure). */
static int hook_look(struct hook_ctx *ctx, const bool *look, pid_t pid, struct err *e)
{
	struct err le = {0};

	if (spec_map_options(&ctx->spec, &le) < 0) {
		facts_cannot_look(&ctx->spec, look, ctx->facts, &le);
		return 0;
	}
	/* Without the namespace, each candidate's facts say why it was not seen. */
	hook_open_ns(ctx, pid);
	return facts_look(&ctx->spec, look, pid > 0 ? &ctx->ns : NULL, &ctx->ns_err, ctx->facts,
			  &ctx->view, e);
}

/*
 * The plan when the container user's host ids cannot be known (a user
 * namespace whose maps config.json does not give and no pid to read them
 * from, or /proc/PID/uid_map unreadable): every bind mount the hook could
 * act on is left as the runtime made it, and says why.  A failure to look,
 * as plan.c marks one (failed): fatal with --strict.
 */
static int plan_unknown_ids(struct hook_ctx *ctx, const struct err *why, struct err *e)
{
	const struct oci_spec *s = &ctx->spec;
	struct plan *p = &ctx->plan;

	*p = (struct plan){.uid = s->uid, .gid = s->gid, .has_userns = true};
	p->mounts = calloc_array(s->n_mounts, sizeof(*p->mounts));
	if (!p->mounts && s->n_mounts > 0)
		return err_set(e, ENOMEM, "plan");
	p->n_mounts = s->n_mounts;
	for (size_t i = 0; i < s->n_mounts; i++) {
		struct plan_mount *pm = &p->mounts[i];
		const char *reason = plan_left_alone(s, &s->mounts[i]);

		pm->mount = &s->mounts[i];
		if (reason) {
			plan_fall_back(pm, "%s", reason);
			continue;
		}
		plan_fall_back(pm, "cannot know the container user's host ids: %s", why->msg);
		pm->failed = -why->code;
	}
	return 0;
}

/* One round of the plan's questions, each tried (facts_kernel.c) with the
 * user namespace of the map it asks about.  -ENOMEM only. */
static int answer(struct hook_ctx *ctx, const struct plan_questions *q)
{
	struct kernel_facts *kf = &ctx->view.kernel;
	int r = 0;

	for (size_t k = 0; k < q->n_fs && r >= 0; k++) {
		struct err ue = {0};
		int userns;

		r = mapset_make(&ctx->maps, &ctx->plan, q->fs[k].mapping);
		userns = mapset_get(&ctx->maps, q->fs[k].mapping, &ue);
		if (r >= 0)
			r = facts_kernel_fs(&ctx->spec, ctx->facts, &q->fs[k], userns, &ue, kf);
	}
	if (q->attach_detached)
		facts_kernel_attach(kf);
	if (q->open_tree_attr)
		facts_kernel_open_tree_attr(kf);
	return r;
}

/* What the plan needs to know of the kernel, found out by trying, and the
 * plan judged again, until it asks nothing more: the filesystems and
 * open_tree_attr first, then (a mount left alone may leave a tree that can
 * no longer be cloned whole) moves into detached trees.  Each question is
 * asked once; a plan that remaps nothing asks none. */
static int ask_kernel(struct hook_ctx *ctx, struct err *e)
{
	long long t0 = log_now_us();
	size_t n;
	int r = 0;

	for (int round = 0; round < 3 && r >= 0; round++) {
		struct plan_questions q = {0};

		r = plan_questions(ctx->facts, &ctx->view, &ctx->plan, &q);
		if (r < 0 || !plan_questions_any(&q)) {
			plan_questions_free(&q);
			break;
		}
		r = answer(ctx, &q);
		plan_questions_free(&q);
		n = ctx->plan.n_mappings;
		if (r >= 0)
			r = plan_kernel(&ctx->spec, ctx->facts, &ctx->view, &ctx->plan);
		/* Mappings no mount uses any more are dropped and the others
		 * numbered again (plan_drop_unused_mappings): the user namespaces
		 * made under the old numbers are not kept, but made again. */
		if (ctx->plan.n_mappings != n)
			mapset_free(&ctx->maps);
	}
	ctx->probe_us += log_now_us() - t0;
	return r < 0 ? err_set(e, -r, "plan") : 0;
}

int hook_prepare(struct hook_ctx *ctx, const char *bundle, pid_t pid, struct err *e)
{
	_cleanup_free_ char *json = NULL;
	_cleanup_free_ bool *look = NULL;
	const struct idmap *uid_ns, *gid_ns;
	char path[PATH_MAX];
	int r;

	if ((size_t)snprintf(path, sizeof(path), "%s/config.json", bundle) >= sizeof(path))
		return err_msg(e, ENAMETOOLONG, "bundle: path too long");
	r = io_read_file(path, IO_CONFIG_MAX, &json, NULL, e);
	if (r < 0)
		return r;
	r = spec_parse(json, bundle, &ctx->spec, e);
	if (r < 0)
		return r;
	r = userns_maps(ctx, pid, &uid_ns, &gid_ns, e);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		const struct err why = *e;

		return plan_unknown_ids(ctx, &why, e);
	}
	ctx->pid = pid;
	hostinfo_read(&ctx->host);
	/* Cheap facts first (plan_cheap.c): the container is looked at, and
	 * libmount loaded, only for the mounts these leave. */
	r = facts_walk(&ctx->spec, &ctx->facts, e);
	if (r < 0)
		return r;
	look = calloc_array(ctx->spec.n_mounts, sizeof(*look));
	if (!look)
		return err_set(e, ENOMEM, "plan");
	if (plan_candidates(&ctx->spec, uid_ns, gid_ns, &ctx->host, ctx->facts, look) > 0) {
		r = hook_look(ctx, look, pid, e);
		if (r < 0)
			return r;
	}
	r = plan_build(&ctx->spec, uid_ns, gid_ns, &ctx->host, &ctx->accounts, ctx->facts,
		       &ctx->view, &ctx->plan, e);
	return r < 0 ? r : ask_kernel(ctx, e);
}

/*
 * Mounts whose skip is a failure to look (not a decision) fall back as a
 * failed step would: logged, and fatal with --strict.  So, with --strict,
 * does a mount planned to be idmapped that plan already knows cannot be (a
 * filesystem that cannot be idmapped, maps that cannot be composed): "a
 * mount that cannot be idmapped fails the container".  Skips by policy
 * (owner matches, root's files, rootless) never fail.  With --strict the
 * failures are one error line (in *e, the first, and how many more), not
 * logged: the start fails, nothing is "left as the runtime made it".
 */
static int report_plan_failures(const struct plan *p, bool strict, struct err *e)
{
	size_t n = 0;
	int first = 0;

	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct plan_mount *pm = &p->mounts[i];

		if (!plan_mount_fails(pm, strict))
			continue;
		if (!strict)
			log_warn("cannot idmap, mount left as the runtime made it: %s: %s",
				 pm->mount->destination, pm->reason);
		if (n++ == 0) {
			first = pm->failed ? pm->failed : -EOPNOTSUPP;
			err_msg(e, -first, "%s: %s", pm->mount->destination, pm->reason);
		}
	}
	if (!strict || !n)
		return 0;
	if (n > 1) {
		size_t len = strlen(e->msg);

		snprintf(e->msg + len, sizeof(e->msg) - len, " (and %zu more)", n - 1);
		err_trim_utf8(e->msg);
	}
	return first;
}

int hook_execute(struct hook_ctx *ctx, bool strict, struct remount_timing *timing, struct err *e)
{
	int r;

	r = report_plan_failures(&ctx->plan, strict, e);
	/* A pid found in the hook's own namespace at the look is in no
	 * container (hook_start stops before this; a caller might not). */
	if (r < 0 || ctx->view.stuck || ctx->ns.own)
		return r;
	return remount_execute(&ctx->plan, &ctx->ns, &ctx->maps, strict, &ctx->result, timing, e);
}

int hook_outcome(const struct hook_ctx *ctx, const struct hook_run *run, struct err *ret_line)
{
	bool strict = run->strict || ctx->spec.strict;
	bool limit = run->r == -ENOMEM || run->r == -EFBIG;

	if (run->r >= 0)
		return 0;
	/* Not an OCI state: nothing to start, nothing to fall back for. */
	if (run->phase == HOOK_PHASE_STATE && !limit) {
		*ret_line = run->e;
		return HOOK_EXIT_FAILED;
	}
	if (ctx->spec.disabled)
		return 0;
	/* The first mount not remapped, or what kept the hook from knowing
	 * which mounts it was to remap. */
	if (strict) {
		*ret_line = run->e;
		return HOOK_EXIT_FAILED;
	}
	if (run->phase == HOOK_PHASE_EXECUTE)
		log_error("%s", run->e.msg);
	else
		log_error("%s; every mount left as the runtime made it", run->e.msg);
	return 0;
}

int hook_read_state(const char *file, struct oci_state *ret, struct err *e)
{
	_cleanup_free_ char *input = NULL;
	int r;

	if (strcmp(file, "-") == 0) {
		r = io_read_fd(STDIN_FILENO, IO_STATE_MAX, &input, NULL, e);
		if (r < 0)
			return err_wrap(e, "state: stdin");
	} else {
		r = io_read_file(file, IO_STATE_MAX, &input, NULL, e);
		if (r < 0)
			return err_wrap(e, "state");
	}
	return state_parse(input, ret, e);
}

void hook_start(struct hook_ctx *ctx, struct hook_run *run)
{
	struct remount_timing timing = {0};
	struct err *e = &run->e;
	long long t0 = log_now_us(), t1;
	bool strict;

	run->phase = HOOK_PHASE_STATE;
	run->r = hook_read_state("-", &ctx->state, e);
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
	/* The namespace opened at the look is the authority: a pid found in
	 * the hook's own there (reused since the name was read) is in no
	 * container either, and the run ends as above, before any plan is
	 * logged or judged. */
	if (run->r < 0 || ctx->ns.own)
		return;
	strict = run->strict || ctx->spec.strict;
	report_log_plan(&ctx->plan, strict);
	t1 = log_now_us();
	run->phase = HOOK_PHASE_EXECUTE;
	run->r = hook_execute(ctx, strict, &timing, e);
	log_debug("timing: parse+plan %lld us (kernel probes %lld us), userns %lld us, clone %lld "
		  "us, idmap %lld us, verify %lld us, swap %lld us, total %lld us",
		  t1 - t0, ctx->probe_us, timing.userns_us, timing.clone_us, timing.idmap_us,
		  timing.verify_us, timing.swap_us, log_now_us() - t0);
	/* Failed with strict: nothing was left as it was, the start fails. */
	if (run->r >= 0 || !strict)
		report_log_summary(&ctx->plan, &ctx->result);
}

void hook_ctx_free(struct hook_ctx *ctx)
{
	remount_result_free(&ctx->result);
	mapset_free(&ctx->maps);
	plan_free(&ctx->plan);
	facts_free(ctx->facts, ctx->spec.n_mounts);
	facts_view_free(&ctx->view);
	idmap_free(&ctx->uid_ns);
	idmap_free(&ctx->gid_ns);
	spec_free(&ctx->spec);
	state_free(&ctx->state);
	mntns_close(&ctx->ns);
	accounts_free(&ctx->accounts);
	*ctx = HOOK_CTX_INIT;
}
