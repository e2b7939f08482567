/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oci-idmap-runtime: an OCI runtime wrapper for engines that run no OCI hooks
 * of their own choosing (Docker).  Registered as a runtime, it is invoked
 * like runc:
 *
 *   oci-idmap-runtime [--strict] [GLOBAL OPTION...] COMMAND [OPTION...] [ARG...]
 *
 * For create and run it adds oci-idmap-hook to hooks.createRuntime of the
 * bundle's config.json (once); then, for every command, it executes the real
 * runtime with the same arguments (without the wrapper's own --strict).
 *
 *   OCI_IDMAP_RUNTIME  the runtime: a path, or a name looked up in PATH
 *                      (default runc)
 *   OCI_IDMAP_HOOK     the hook (default: ../libexec/oci/hooks.d/oci-idmap-hook
 *                      relative to the directory of this binary)
 *
 * Never the reason a container does not start: where the hook cannot be
 * added (no hook, a config.json it cannot read or rewrite exactly, one too
 * large for the hook, a read-only bundle), the runtime runs on the bundle as
 * it was, and a warning says why (in the runtime log given by --log, else on
 * stderr).  --strict, first on the command line (Docker's runtimeArgs go
 * there), makes that a failure and is passed on to the hook.
 *
 * Exit codes: the runtime's; 1 when the runtime cannot be found or run, or
 * with --strict when the hook cannot be added (the one error line on stderr,
 * and in the runtime log).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "bundle.h"
#include "engine_log.h"
#include "err.h"

#define DEFAULT_RUNTIME "runc"
#define HOOK_FROM_BINDIR "../libexec/oci/hooks.d/oci-idmap-hook"
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Did snprintf's result n fit a buffer of size bytes? */
static bool fits(int n, size_t size)
{
	return n >= 0 && (size_t)n < size;
}

/* The directory of this binary, from /proc/self/exe. */
static int self_dir(char ret[static PATH_MAX], struct err *e)
{
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", ret, PATH_MAX);
	if (n < 0)
		return err_set(e, errno, "readlink /proc/self/exe");
	/* A full buffer may hold a cut path: refuse rather than guess. */
	if (n == PATH_MAX)
		return err_msg(e, ENAMETOOLONG, "readlink /proc/self/exe: path too long");
	ret[n] = '\0';
	/* The kernel gives an absolute path; anything else names no directory. */
	slash = strrchr(ret, '/');
	if (!slash)
		return err_msg(e, ENOENT, "/proc/self/exe is %s, not a path", ret);
	*slash = '\0';
	return 0;
}

/* The hook to add: OCI_IDMAP_HOOK, or the one installed beside this binary. */
static int find_hook(char ret[static PATH_MAX], struct err *e)
{
	const char *env = getenv("OCI_IDMAP_HOOK");
	char self[PATH_MAX], guess[PATH_MAX + sizeof(HOOK_FROM_BINDIR)];

	if (env && *env) {
		/* Cut short, it could name another file: refuse. */
		if (!fits(snprintf(guess, sizeof(guess), "%s", env), sizeof(guess)))
			return err_msg(e, ENAMETOOLONG,
				       "hook: OCI_IDMAP_HOOK is longer than %zu bytes",
				       sizeof(guess) - 1);
	} else {
		if (self_dir(self, e) < 0)
			return err_wrap(e, "hook (set OCI_IDMAP_HOOK)");
		snprintf(guess, sizeof(guess), "%s/%s", self, HOOK_FROM_BINDIR);
	}
	if (!realpath(guess, ret) || access(ret, X_OK) < 0)
		return err_set(e, errno, "hook %s (set OCI_IDMAP_HOOK)", guess);
	return 0;
}

/* Is path an executable regular file other than this binary? */
static int check_runtime(const char *path, struct err *e)
{
	struct stat st, self;

	if (stat(path, &st) < 0 || access(path, X_OK) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	if (stat("/proc/self/exe", &self) == 0 && st.st_dev == self.st_dev &&
	    st.st_ino == self.st_ino)
		return err_msg(e, ELOOP, "runtime %s is this wrapper (set OCI_IDMAP_RUNTIME)",
			       path);
	return 0;
}

/*
 * The runtime to run: OCI_IDMAP_RUNTIME or runc, a path or looked up in PATH
 * (where this binary itself is passed over).
 */
static int find_runtime(char ret[static PATH_MAX], struct err *e)
{
	const char *name = getenv("OCI_IDMAP_RUNTIME"), *dirs = getenv("PATH"), *end;
	int r, n;

	if (!name || !*name)
		name = DEFAULT_RUNTIME;
	if (strchr(name, '/')) {
		if (!fits(snprintf(ret, PATH_MAX, "%s", name), PATH_MAX))
			return err_msg(e, ENAMETOOLONG,
				       "runtime: OCI_IDMAP_RUNTIME is longer than %d bytes",
				       PATH_MAX - 1);
		r = check_runtime(ret, e);
		if (r < 0 && r != -ELOOP)
			return err_set(e, -r, "runtime %s", name);
		return r;
	}
	for (dirs = dirs && *dirs ? dirs : DEFAULT_PATH; *dirs; dirs = end + (*end != '\0')) {
		end = dirs + strcspn(dirs, ":");
		if (end == dirs) /* an empty entry is the working directory */
			n = snprintf(ret, PATH_MAX, "./%s", name);
		else
			n = snprintf(ret, PATH_MAX, "%.*s/%s", (int)(end - dirs), dirs, name);
		/* Not a path cut short, nor this binary: it may be installed as
		 * "runc" earlier in PATH. */
		if (fits(n, PATH_MAX) && check_runtime(ret, e) == 0)
			return 0;
	}
	return err_msg(e, ENOENT, "runtime %s not found in PATH (set OCI_IDMAP_RUNTIME)", name);
}

static int fail(char **argv, int cmd, const struct err *e)
{
	fprintf(stderr, "oci-idmap-runtime: %s\n", e->msg);
	engine_log_error(args_global(argv, cmd, "log"), args_global(argv, cmd, "log-format"),
			 e->msg);
	return EXIT_FAILURE;
}

/* The hook not added: said where the engine looks (its log), or on stderr
 * when there is none (with a log, stderr may be the container's). */
static void warn_without_hook(char **argv, int cmd, struct err *e)
{
	const char *log = args_global(argv, cmd, "log");

	err_wrap(e, "the runtime runs without the hook");
	if (log && *log)
		engine_log_warning(log, args_global(argv, cmd, "log-format"), e->msg);
	else
		fprintf(stderr, "oci-idmap-runtime: %s\n", e->msg);
}

static int add_hook(int argc, char **argv, int cmd, bool strict, struct err *e)
{
	static const char *const hook_args[] = {"oci-idmap-hook", NULL};
	static const char *const strict_hook_args[] = {"oci-idmap-hook", "--strict", NULL};
	char hook[PATH_MAX];
	int r;

	r = find_hook(hook, e);
	if (r < 0)
		return r;
	return bundle_add_hook(args_bundle(argc, argv, cmd), hook,
			       strict ? strict_hook_args : hook_args, e);
}

int main(int argc, char **argv)
{
	char runtime[PATH_MAX];
	struct err e = {0};
	bool strict = false;
	const char *command;
	int cmd;

	/* The wrapper's own option, before the runtime's: not passed on. */
	for (; argc > 1 && strcmp(argv[1], "--strict") == 0; argc--, argv++) {
		argv[1] = argv[0];
		strict = true;
	}
	cmd = args_command(argc, argv);
	command = cmd < argc ? argv[cmd] : "";
	if (find_runtime(runtime, &e) < 0)
		return fail(argv, cmd, &e);
	if ((strcmp(command, "create") == 0 || strcmp(command, "run") == 0) &&
	    add_hook(argc, argv, cmd, strict, &e) < 0) {
		if (strict)
			return fail(argv, cmd, &e);
		warn_without_hook(argv, cmd, &e);
	}
	argv[0] = runtime;
	execv(runtime, argv);
	err_set(&e, errno, "execute %s", runtime);
	return fail(argv, cmd, &e);
}
