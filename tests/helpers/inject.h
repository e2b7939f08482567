/*
 * inject: shared between inject.c (rules, the filter, main) and
 * inject_notify.c (the supervisor that decides calls the filter hands it).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define MAX_CALLS 16

/* path: index of the path argument; dirfd: of its dirfd (-1: cwd);
 * fd: index of the fd argument of fd-only calls; -1 when none. */
struct sc {
	const char *name;
	long nr;
	int path, dirfd, fd;
};

/* One failure to inject.  calls index into inject_syscalls[]. */
struct rule {
	size_t calls[MAX_CALLS];
	size_t n_calls;
	long err;	  /* 0: let the call run (after run) */
	long nth;	  /* 0: every matching call */
	const char *glob; /* NULL: every call matches */
	const char *run;  /* a shell command to run first, or NULL */
	long seen;	  /* matching calls so far (supervisor) */
};

struct config {
	struct rule rules[MAX_CALLS];
	size_t n_rules;
	const char *trace;
	char **argv; /* the command */
};

extern const struct sc inject_syscalls[];
const char *inject_errno_name(long err);

/* Fork the supervisor (before the filter exists); *ret_sock reaches it. */
int start_supervisor(struct config *c, int *ret_sock);
/* Send it the filter's listener fd and wait until it has it. */
int hand_over(int sock, int listener);
