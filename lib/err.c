/* SPDX-License-Identifier: Apache-2.0 */
#include "err.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 2, 0))) static void vformat(struct err *e, const char *fmt,
							  va_list ap)
{
	int n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);

	if (n < 0)
		e->msg[0] = '\0';
}

/*
 * A recorded failure always has a positive code, so it is never returned as
 * success: -errno given by mistake means errno, and 0 (errno read where the
 * failing call did not set it) becomes EIO.
 */
static int failure_code(int code)
{
	if (code < 0 && code != INT_MIN)
		return -code;
	return code > 0 ? code : EIO;
}

int err_set(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	e->code = failure_code(code);
	e->hint = NULL;
	va_start(ap, fmt);
	vformat(e, fmt, ap);
	va_end(ap);
	len = strlen(e->msg);
	/* For 0, strerror would say "Success" or name an errno that did not happen. */
	snprintf(e->msg + len, sizeof(e->msg) - len, ": %s",
		 code == 0 ? "unknown error" : strerror(e->code));
	return -e->code;
}

int err_msg(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;

	e->code = failure_code(code);
	e->hint = NULL;
	va_start(ap, fmt);
	vformat(e, fmt, ap);
	va_end(ap);
	return -e->code;
}

int err_wrap(struct err *e, const char *fmt, ...)
{
	char prefix[ERR_MSG_MAX];
	char old[ERR_MSG_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	if (n < 0)
		prefix[0] = '\0';
	memcpy(old, e->msg, sizeof(old));
	/* Truncation keeps the start of the line: which container, which mount. */
	if (snprintf(e->msg, sizeof(e->msg), "%s: %s", prefix, old) < 0)
		e->msg[0] = '\0';
	e->code = failure_code(e->code); /* what is wrapped is a failure */
	return -e->code;
}

const char *err_hint(int code)
{
	switch (code) {
	case ENOSYS:
		return "kernel too old for idmapped mounts, or the call is filtered";
	case EINVAL:
		return "filesystem cannot be idmapped";
	case EPERM:
		return "no privilege, or the mount is already idmapped";
	case EOPNOTSUPP:
		return "operation not supported here";
	case ENOSPC:
		return "no user namespaces left";
	default:
		return NULL;
	}
}

int err_set_hint(struct err *e, const char *hint)
{
	e->hint = hint;
	return -e->code;
}

void err_add_hint(struct err *e)
{
	const char *hint = e->hint ? e->hint : err_hint(e->code);
	size_t len = strlen(e->msg);

	if (hint && *hint) /* ERR_NO_HINT: none */
		snprintf(e->msg + len, sizeof(e->msg) - len, " (%s)", hint);
}

int err_is_unsupported(int code)
{
	return code == ENOSYS || code == EINVAL || code == EPERM || code == EOPNOTSUPP ||
	       code == ENOSPC;
}

void err_trim_utf8(char *s)
{
	size_t n = strlen(s), cont = 0, need;
	unsigned char lead;

	while (cont < n && cont < 3 && ((unsigned char)s[n - 1 - cont] & 0xc0) == 0x80)
		cont++;
	if (cont == n)
		return;
	lead = (unsigned char)s[n - 1 - cont];
	need = (lead & 0xe0) == 0xc0   ? 1
	       : (lead & 0xf0) == 0xe0 ? 2
	       : (lead & 0xf8) == 0xf0 ? 3
				       : 0;
	if (cont < need)
		s[n - 1 - cont] = '\0';
}
