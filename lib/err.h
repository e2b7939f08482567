/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Errors: fallible functions return >= 0 on success and -errno on failure,
 * and describe the failure in a struct err with a fixed-size buffer, so the
 * error path never allocates.  Callers prepend context with err_wrap().
 */
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>

#define ERR_MSG_MAX 512

struct err {
	int code; /* positive errno, 0 when no error was recorded */
	char msg[ERR_MSG_MAX];
	/* The failing step's hint (err_set_hint), when it has one of its own,
	 * or NULL.  err_set/err_msg clear it; err_wrap keeps it. */
	const char *hint;
};

/*
 * Record a failure: "<formatted>: <strerror(code)>".  Returns -code, always
 * negative: code may be errno or -errno, and 0 is recorded as EIO ("unknown
 * error" in the message).
 */
int err_set(struct err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Record a failure whose text needs no strerror.  Returns -code (as err_set). */
int err_msg(struct err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prepend context: "<formatted>: <previous message>".  Returns -e->code
 * (EIO when nothing was recorded: a wrapped error is never success). */
int err_wrap(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* s, cut to fit a buffer, may end inside a UTF-8 character: drop that part.
 * Messages reach JSON and syslog, which want whole characters. */
void err_trim_utf8(char *s);

/*
 * Hints: the words after a failure's errno text, "(<hint>)", that say what
 * it likely means here.  One table (err.c) holds them all, by the failing
 * step and the errno: a step's own row first, then the errno's row for any
 * step (ERR_STEP_ANY), else none.
 */
enum err_step {
	ERR_STEP_ANY,		      /* no step in particular: the errno's hint */
	ERR_STEP_NO_HINT,	      /* the errno's text alone: its usual hint
					 would be untrue of this step */
	ERR_STEP_OPEN_TREE_ATTR,      /* open_tree_attr(2) itself, probed */
	ERR_STEP_CLONE_IDMAPPED,      /* open_tree_attr(CLONE, IDMAP) of a tree */
	ERR_STEP_STATMOUNT_MAPS,      /* statmount(2) of a mount's maps */
	ERR_STEP_ATTACH_DETACHED,     /* a mount attached to a detached tree
					 (a kernel older than 6.15) */
	ERR_STEP_OWNER_THROUGH_IDMAP, /* the owner seen through an idmapped clone */
};

/* The hint for errno code of any step, or NULL. */
const char *err_hint(int code);

/* This failure is of step: its hint is the table's for step and e->code
 * (none, if the table has none: then err_hint(e->code)).  Returns -e->code. */
int err_set_hint(struct err *e, enum err_step step);

/* Append " (<hint>)" to the message: e->hint, else err_hint(e->code), when there is one. */
void err_add_hint(struct err *e);

/* Does this errno mean "the kernel or filesystem cannot idmap here"? */
int err_is_unsupported(int code);
