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
	/* A hint the failing step knows better than err_hint(code) does (a
	 * static string), or NULL.  err_set/err_msg clear it; err_wrap keeps it. */
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

/* A hint for errnos whose meaning here is known, or NULL. */
const char *err_hint(int code);

/* A hint that is none: the failure's errno text alone, where err_hint(code)
 * would say something untrue of this step. */
#define ERR_NO_HINT ""

/* Give this failure its own hint instead of err_hint(e->code) (ERR_NO_HINT:
 * none).  Returns -e->code. */
int err_set_hint(struct err *e, const char *hint);

/* Append " (<hint>)" to the message: e->hint, else err_hint(e->code), when there is one. */
void err_add_hint(struct err *e);

/* Does this errno mean "the kernel or filesystem cannot idmap here"? */
int err_is_unsupported(int code);
