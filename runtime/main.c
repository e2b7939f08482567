/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oci-idmap-runtime: an OCI runtime wrapper for engines that run no OCI hooks
 * of their own choosing (Docker).  Registered as a runtime, it is invoked
 * like runc:
 *
 *   oci-idmap-runtime [GLOBAL OPTION...] COMMAND [OPTION...] [ARG...]
 *
 * For create and run it adds oci-idmap-hook to hooks.createRuntime of the
 * bundle's config.json (once); then, for every command, it executes the real
 * runtime with the same arguments.
 *
 *   OCI_IDMAP_RUNTIME  the runtime: a path, or a name looked up in PATH
 *                      (default runc)
 *   OCI_IDMAP_HOOK     the hook (default: ../libexec/oci/hooks.d/oci-idmap-hook
 *                      relative to the directory of this binary)
 *
 * Exit codes: the runtime's; 1 when the wrapper cannot do its part (the one
 * error line on stderr, and in the runtime log given by --log).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "bundle.h"
#include "engine_log.h"

#define DEFAULT_RUNTIME "runc"
#define HOOK_FROM_BINDIR "../libexec/oci/hooks.d/oci-idmap-hook"
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Global options of runc and crun that take a value ("--root R"). */
static const char *const global_with_value[] = {
    "root", "log", "log-format", "log-level", "criu", "rootless", "cgroup-manager", NULL,
};

/* Options of create and run that take a value. */
static const char *const create_with_value[] = {
    "bundle", "b", "console-socket", "pid-file", "preserve-fds", "config", "f", NULL,
};

/* Did snprintf's result n fit a buffer of size bytes? */
static bool fits(int n, size_t size)
{
	return n >= 0 && (size_t)n < size;
}

/* The name of an option ("-x", "--name", "-name", "--name=v"), or NULL. */
static const char *option_name(const char *arg)
{
	if (arg[0] != '-' || arg[1] == '\0')
		return NULL;
	return arg[1] == '-' ? arg + 2 : arg + 1;
}

/* Does the option name (up to any '=') equal want? */
static bool is_option(const char *name, const char *want)
{
	size_t n = strcspn(name, "=");

	return strlen(want) == n && strncmp(name, want, n) == 0;
}

/* Does argv[i] take argv[i + 1] as its value? */
static bool takes_next(const char *name, const char *const *with_value)
{
	if (strchr(name, '='))
		return false;
	for (; *with_value; with_value++)
		if (strcmp(name, *with_value) == 0)
			return true;
	return false;
}

/* The index of the command (create, start, ...), or argc when there is none. */
static int find_command(int argc, char **argv)
{
	const char *name;
	int i;

	for (i = 1; i < argc; i++) {
		name = option_name(argv[i]);
		if (!name)
			return i;
		if (strcmp(name, "") == 0) /* "--" */
			return i + 1;
		if (takes_next(name, global_with_value))
			i++;
	}
	return argc;
}

/* The value of a global option (the last one given), or NULL. */
static const char *global_option(char **argv, int cmd, const char *want)
{
	const char *name, *value = NULL;
	int i;

	for (i = 1; i < cmd; i++) {
		name = option_name(argv[i]);
		if (!name || !is_option(name, want))
			continue;
		if (strchr(name, '='))
			value = strchr(name, '=') + 1;
		else if (i + 1 < cmd)
			value = argv[i + 1];
	}
	return value;
}

/* The bundle of create/run: --bundle/-b (the last one given), else ".";
 * an empty one is "." too, as runc reads it (it changes directory only to a
 * bundle that is not ""), never "/config.json". */
static const char *find_bundle(int argc, char **argv, int cmd)
{
	const char *name, *bundle = ".";
	int i;

	for (i = cmd + 1; i < argc; i++) {
		name = option_name(argv[i]);
		if (!name)
			continue;
		if (strcmp(name, "") == 0)
			break;
		if (is_option(name, "bundle") || is_option(name, "b")) {
			if (strchr(name, '='))
				bundle = strchr(name, '=') + 1;
			else if (i + 1 < argc)
				bundle = argv[i + 1];
		}
		if (takes_next(name, create_with_value))
			i++;
	}
	return *bundle ? bundle : ".";
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
	engine_log_error(global_option(argv, cmd, "log"), global_option(argv, cmd, "log-format"),
			 e->msg);
	return EXIT_FAILURE;
}

int main(int argc, char **argv)
{
	static const char *const hook_args[] = {"oci-idmap-hook", NULL};
	char runtime[PATH_MAX], hook[PATH_MAX];
	struct err e = {0};
	int cmd = find_command(argc, argv);
	const char *command = cmd < argc ? argv[cmd] : "";

	if (find_runtime(runtime, &e) < 0)
		return fail(argv, cmd, &e);
	if (strcmp(command, "create") == 0 || strcmp(command, "run") == 0) {
		if (find_hook(hook, &e) < 0 ||
		    bundle_add_hook(find_bundle(argc, argv, cmd), hook, hook_args, &e) < 0)
			return fail(argv, cmd, &e);
	}
	argv[0] = runtime;
	execv(runtime, argv);
	err_set(&e, errno, "execute %s", runtime);
	return fail(argv, cmd, &e);
}
