/*
 * inject: make named system calls fail with an errno, then exec a command.
 *
 *   inject SYSCALL[,SYSCALL...] ERRNO -- CMD [ARG...]
 *
 * SYSCALL: open_tree mount_setattr move_mount fsopen fsmount setns unshare
 *          clone clone3 openat2 umount2 mount pivot_root
 * ERRNO:   ENOSYS EINVAL EPERM ENOMEM ENOSPC EACCES EBUSY EOPNOTSUPP, or a number
 *
 * A seccomp filter (classic BPF, written by hand: no libseccomp) returns
 * -ERRNO for those syscalls and allows everything else; it is inherited by
 * the command and its children.  Syscall numbers come from <sys/syscall.h>
 * for the architecture this is built on; a name the headers do not know is an
 * error.  Calls made under another ABI (x32, ia32) are not filtered.
 */
#define _GNU_SOURCE
#include <errno.h>
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

#define MAX_CALLS 16

struct name_nr {
	const char *name;
	long nr;
};

#define SC(n) { #n, __NR_##n }
static const struct name_nr syscalls[] = {
#ifdef __NR_open_tree
	SC(open_tree),
#endif
#ifdef __NR_mount_setattr
	SC(mount_setattr),
#endif
#ifdef __NR_move_mount
	SC(move_mount),
#endif
#ifdef __NR_fsopen
	SC(fsopen),
#endif
#ifdef __NR_fsmount
	SC(fsmount),
#endif
#ifdef __NR_openat2
	SC(openat2),
#endif
#ifdef __NR_clone3
	SC(clone3),
#endif
#ifdef __NR_clone
	SC(clone),
#endif
	SC(setns),
	SC(unshare),
	SC(umount2),
	SC(mount),
	SC(pivot_root),
};

static const struct name_nr errnos[] = {
	{ "ENOSYS", ENOSYS }, { "EINVAL", EINVAL }, { "EPERM", EPERM },
	{ "ENOMEM", ENOMEM }, { "ENOSPC", ENOSPC }, { "EACCES", EACCES },
	{ "EBUSY", EBUSY },   { "EOPNOTSUPP", EOPNOTSUPP },
};

static long lookup(const struct name_nr *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return t[i].nr;
	return -1;
}

static long parse_errno(const char *s)
{
	char *end;
	long v = lookup(errnos, sizeof(errnos) / sizeof(errnos[0]), s);

	if (v >= 0)
		return v;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v <= 0 || v > 4095)
		return -1;
	return v;
}

static int parse_calls(char *list, long *nrs, size_t *ret_n)
{
	size_t n = 0;

	for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		long nr = lookup(syscalls, sizeof(syscalls) / sizeof(syscalls[0]), tok);

		if (nr < 0) {
			fprintf(stderr, "inject: unknown syscall '%s'\n", tok);
			return -1;
		}
		if (n == MAX_CALLS) {
			fprintf(stderr, "inject: at most %d syscalls\n", MAX_CALLS);
			return -1;
		}
		nrs[n++] = nr;
	}
	*ret_n = n;
	return n ? 0 : -1;
}

static int install(const long *nrs, size_t n, long err)
{
	struct sock_filter prog[4 + 2 * MAX_CALLS + 1];
	size_t k = 0;

	prog[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct seccomp_data, arch));
	prog[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, INJECT_ARCH, 1, 0);
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct seccomp_data, nr));
	for (size_t i = 0; i < n; i++) {
		prog[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
							 (unsigned int)nrs[i], 0, 1);
		prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
							 SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA));
	}
	prog[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);

	struct sock_fprog fprog = { .len = (unsigned short)k, .filter = prog };

	/* Without CAP_SYS_ADMIN the kernel requires no_new_privs. */
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) == 0)
		return 0;
	if (errno == EACCES && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) == 0)
		return 0;
	perror("inject: seccomp");
	return -1;
}

int main(int argc, char **argv)
{
	long nrs[MAX_CALLS];
	size_t n;
	long err;

	if (argc < 5 || strcmp(argv[3], "--") != 0) {
		fprintf(stderr, "usage: inject SYSCALL[,SYSCALL...] ERRNO -- CMD [ARG...]\n");
		return 125;
	}
	if (parse_calls(argv[1], nrs, &n) < 0)
		return 125;
	err = parse_errno(argv[2]);
	if (err < 0) {
		fprintf(stderr, "inject: unknown errno '%s'\n", argv[2]);
		return 125;
	}
	if (install(nrs, n, err) < 0)
		return 125;
	execvp(argv[4], argv + 4);
	fprintf(stderr, "inject: exec %s: %s\n", argv[4], strerror(errno));
	return 127;
}
