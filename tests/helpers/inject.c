/*
 * inject: make named system calls fail with an errno, then exec a command.
 *
 *   inject [--trace FILE] RULE [RULE...] -- CMD [ARG...]
 *   RULE:  [--nth N] [--path GLOB] [--run CMD] SYSCALL[,SYSCALL...] ERRNO
 *
 * SYSCALL: open_tree mount_setattr move_mount fsopen fsmount setns unshare
 *          clone clone3 openat openat2 umount2 mount pivot_root write
 *          statmount listmount open_tree_attr setfsuid setfsgid
 * ERRNO:   ENOSYS EINVAL EPERM ENOMEM ENOSPC EACCES EBUSY EOPNOTSUPP ENOENT
 *          EIO ESTALE EAGAIN, or a number; "none" (with --run only): the
 *          call then runs normally
 *
 * A rule without options fails every call of its syscalls: a seccomp filter
 * (classic BPF, by hand: no libseccomp) returns -ERRNO, and nothing else
 * runs.  Seccomp cannot count calls nor read the memory a pointer argument
 * points to, so a rule with options, or any rule under --trace, is decided
 * by a supervisor instead (SECCOMP_RET_USER_NOTIF): a child of ours, forked
 * before the filter exists (so not under it), receives the listener fd and
 * answers each call either with the errno or with "continue":
 *   --nth N      only the Nth matching call fails (counted from 1, across
 *                the rule's syscalls and every process under the filter);
 *   --path GLOB  only a call whose path matches GLOB (fnmatch, '*' spans
 *                '/') matches.  The path is the call's path argument (read
 *                from the caller's memory), made absolute with its dirfd or
 *                cwd; an empty path names the dirfd itself.  For calls that
 *                take only an fd (write, setns) it is the fd's target, e.g.
 *                /proc/123/uid_map: that is how "a write to uid_map" is
 *                told apart from a write to a log file;
 *   --run CMD    runs "sh -c CMD" (and waits for it) before answering a
 *                matching call, with INJECT_PID set to the caller's pid: a
 *                way to change the world at an exact point of the command's
 *                run, e.g. to win a race on purpose;
 *   --trace FILE appends one line per call answered by a rule:
 *                "SYSCALL ERRNO PATH" (ERRNO "none" with --run ... none).
 * The filter is inherited by the command and its children; the supervisor
 * exits when no process uses the filter any more.  Calls made under another
 * ABI (x32, ia32) are not filtered.  Exit 125: usage or setup error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "inject.h"

#if defined(__x86_64__) && !defined(__ILP32__)
#define INJECT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define INJECT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define INJECT_ARCH AUDIT_ARCH_I386
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define INJECT_ARCH AUDIT_ARCH_PPC64LE
#elif defined(__s390x__)
#define INJECT_ARCH AUDIT_ARCH_S390X
#elif defined(__riscv) && __riscv_xlen == 64
#define INJECT_ARCH AUDIT_ARCH_RISCV64
#else
#error "inject: unknown architecture"
#endif

/* Newer than Debian 12's headers: the kernel's unified numbers. */
#if !defined(__NR_statmount) && !defined(__alpha__) && !defined(__mips__)
#define __NR_statmount 457
#endif
#if !defined(__NR_listmount) && !defined(__alpha__) && !defined(__mips__)
#define __NR_listmount 458
#endif
/* open_tree_attr (6.15): x86_64's number only, as lib/syscalls.h. */
#if !defined(__NR_open_tree_attr) && defined(__x86_64__) && !defined(__ILP32__)
#define __NR_open_tree_attr 467
#endif

#define SC(n, p, d, f)                                                                             \
	{                                                                                          \
#n, __NR_##n, p, d, f                                                              \
	}
const struct sc inject_syscalls[] = {
#ifdef __NR_open_tree
    SC(open_tree, 1, 0, -1),
#endif
#ifdef __NR_mount_setattr
    SC(mount_setattr, 1, 0, -1),
#endif
#ifdef __NR_open_tree_attr
    SC(open_tree_attr, 1, 0, -1),
#endif
#ifdef __NR_move_mount
    SC(move_mount, 1, 0, -1),
#endif
#ifdef __NR_fsopen
    SC(fsopen, -1, -1, -1),
#endif
#ifdef __NR_fsmount
    SC(fsmount, -1, -1, 0),
#endif
#ifdef __NR_openat2
    SC(openat2, 1, 0, -1),
#endif
#ifdef __NR_statmount
    SC(statmount, -1, -1, -1),
#endif
#ifdef __NR_listmount
    SC(listmount, -1, -1, -1),
#endif
#ifdef __NR_clone3
    SC(clone3, -1, -1, -1),
#endif
#ifdef __NR_clone
    SC(clone, -1, -1, -1),
#endif
    SC(openat, 1, 0, -1),	  SC(setns, -1, -1, 0),	    SC(unshare, -1, -1, -1),
    SC(umount2, 0, -1, -1),	  SC(mount, 1, -1, -1),	    SC(pivot_root, 0, -1, -1),
    SC(write, -1, -1, 0),	  SC(kill, -1, -1, -1),	    SC(wait4, -1, -1, -1),
    SC(setfsuid, -1, -1, -1),	  SC(setfsgid, -1, -1, -1), {NULL, 0, 0, 0, 0},
};

struct name_nr {
	const char *name;
	long nr;
};

static const struct name_nr errnos[] = {
    {"ENOSYS", ENOSYS}, {"EINVAL", EINVAL}, {"EPERM", EPERM},	{"ENOMEM", ENOMEM},
    {"ENOSPC", ENOSPC}, {"EACCES", EACCES}, {"EBUSY", EBUSY},	{"EOPNOTSUPP", EOPNOTSUPP},
    {"ENOENT", ENOENT}, {"EIO", EIO},	    {"ESTALE", ESTALE}, {"EAGAIN", EAGAIN},
};

static const struct sc *find_sc(const char *name)
{
	for (const struct sc *s = inject_syscalls; s->name; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

const char *inject_errno_name(long err)
{
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (errnos[i].nr == err)
			return errnos[i].name;
	return "?";
}

static long parse_number(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v <= 0 || v > max)
		return -1;
	return v;
}

static long parse_errno(const char *s)
{
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (strcmp(errnos[i].name, s) == 0)
			return errnos[i].nr;
	return parse_number(s, 4095);
}

/* Every syscall in at most one rule: the filter has one answer per number. */
static int add_call(struct config *c, struct rule *r, const char *name)
{
	const struct sc *s = find_sc(name);

	if (!s) {
		fprintf(stderr, "inject: unknown syscall '%s'\n", name);
		return -1;
	}
	if (r->glob && s->path < 0 && s->fd < 0) {
		fprintf(stderr, "inject: --path: %s takes no path or fd\n", name);
		return -1;
	}
	for (size_t i = 0; i < c->n_rules; i++)
		for (size_t k = 0; k < c->rules[i].n_calls; k++)
			if (inject_syscalls[c->rules[i].calls[k]].nr == s->nr)
				goto dup;
	for (size_t k = 0; k < r->n_calls; k++)
		if (inject_syscalls[r->calls[k]].nr == s->nr)
			goto dup;
	if (r->n_calls == MAX_CALLS) {
		fprintf(stderr, "inject: at most %d syscalls\n", MAX_CALLS);
		return -1;
	}
	r->calls[r->n_calls++] = (size_t)(s - inject_syscalls);
	return 0;
dup:
	fprintf(stderr, "inject: syscall '%s' named twice\n", name);
	return -1;
}

/* [--nth N] [--path GLOB] SYSCALL[,...] ERRNO at argv[*i]. */
static int parse_rule(struct config *c, int argc, char **argv, int *i)
{
	struct rule r = {0};
	char *list;

	for (; *i + 1 < argc && argv[*i][0] == '-' && argv[*i][1] == '-' && argv[*i][2]; *i += 2) {
		if (strcmp(argv[*i], "--nth") == 0 &&
		    (r.nth = parse_number(argv[*i + 1], LONG_MAX)) > 0)
			continue;
		if (strcmp(argv[*i], "--path") == 0) {
			r.glob = argv[*i + 1];
			continue;
		}
		if (strcmp(argv[*i], "--run") == 0) {
			r.run = argv[*i + 1];
			continue;
		}
		fprintf(stderr, "inject: bad option %s %s\n", argv[*i], argv[*i + 1]);
		return -1;
	}
	if (*i + 1 >= argc || c->n_rules == MAX_CALLS)
		return -1;
	list = argv[(*i)++];
	for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ","))
		if (add_call(c, &r, tok) < 0)
			return -1;
	r.err = r.run && strcmp(argv[*i], "none") == 0 ? 0 : parse_errno(argv[*i]);
	(*i)++;
	if (r.err < 0) {
		fprintf(stderr, "inject: unknown errno '%s'\n", argv[*i - 1]);
		return -1;
	}
	if (r.n_calls == 0)
		return -1;
	c->rules[c->n_rules++] = r;
	return 0;
}

static int parse_args(int argc, char **argv, struct config *c)
{
	int i = 1;

	if (argc > 2 && strcmp(argv[1], "--trace") == 0) {
		c->trace = argv[2];
		i = 3;
	}
	while (i < argc && strcmp(argv[i], "--") != 0)
		if (parse_rule(c, argc, argv, &i) < 0)
			return -1;
	if (c->n_rules == 0 || i + 1 >= argc)
		return -1;
	c->argv = argv + i + 1;
	return 0;
}

static bool needs_supervisor(const struct config *c)
{
	if (c->trace)
		return true;
	for (size_t i = 0; i < c->n_rules; i++)
		if (c->rules[i].nth || c->rules[i].glob || c->rules[i].run)
			return true;
	return false;
}

static int install(const struct config *c, bool notify, int *ret_listener)
{
	struct sock_filter prog[4 + 2 * MAX_CALLS * MAX_CALLS + 1];
	size_t k = 0;
	unsigned int flags = notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
	int fd;

	prog[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct seccomp_data, arch));
	prog[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, INJECT_ARCH, 1, 0);
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct seccomp_data, nr));
	for (size_t i = 0; i < c->n_rules; i++) {
		unsigned int ret = notify
				       ? SECCOMP_RET_USER_NOTIF
				       : SECCOMP_RET_ERRNO | (c->rules[i].err & SECCOMP_RET_DATA);

		for (size_t j = 0; j < c->rules[i].n_calls; j++) {
			long nr = inject_syscalls[c->rules[i].calls[j]].nr;

			prog[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
								 (unsigned int)nr, 0, 1);
			prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, ret);
		}
	}
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);

	struct sock_fprog fprog = {.len = (unsigned short)k, .filter = prog};

	/* Without CAP_SYS_ADMIN the kernel requires no_new_privs. */
	fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
	if (fd < 0 && errno == EACCES && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0)
		fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
	if (fd < 0) {
		perror("inject: seccomp");
		return -1;
	}
	*ret_listener = fd;
	return 0;
}

int main(int argc, char **argv)
{
	struct config c = {0};
	bool notify;
	int sock = -1, listener = -1;

	if (parse_args(argc, argv, &c) < 0) {
		fprintf(stderr, "usage: inject [--trace FILE] [--nth N] [--path GLOB] [--run CMD] "
				"SYSCALL[,SYSCALL...] ERRNO [...] -- CMD [ARG...]\n");
		return 125;
	}
	notify = needs_supervisor(&c);
	if (notify && start_supervisor(&c, &sock) < 0)
		return 125;
	if (install(&c, notify, &listener) < 0)
		return 125;
	if (notify && hand_over(sock, listener) < 0)
		return 125;
	execvp(c.argv[0], c.argv);
	fprintf(stderr, "inject: exec %s: %s\n", c.argv[0], strerror(errno));
	return 127;
}
