/* SPDX-License-Identifier: Apache-2.0 */
#include "err.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"

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

/* The code and the formatted message, no hint yet: -code. */
__attribute__((format(printf, 3, 0))) static int set_code_msg(struct err *e, int code,
							      const char *fmt, va_list ap)
{
	e->code = failure_code(code);
	e->hint = NULL;
	vformat(e, fmt, ap);
	return -e->code;
}

int err_set(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	set_code_msg(e, code, fmt, ap);
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
	int r;

	va_start(ap, fmt);
	r = set_code_msg(e, code, fmt, ap);
	va_end(ap);
	return r;
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

/* Every hint, by step and errno (0: any errno of that step). */
static const struct {
	enum err_step step;
	int code;
	const char *hint;
} hints[] = {
    {ERR_STEP_ANY, ENOSYS, "kernel too old for idmapped mounts, or the call is filtered"},
    {ERR_STEP_ANY, EINVAL, "filesystem cannot be idmapped"},
    {ERR_STEP_ANY, EPERM, "no privilege, or the mount is already idmapped"},
    {ERR_STEP_ANY, EOPNOTSUPP, "operation not supported here"},
    {ERR_STEP_ANY, ENOSPC, "no user namespaces left"},
    {ERR_STEP_NO_HINT, 0, ""},
    {ERR_STEP_OPEN_TREE_ATTR, ENOSYS, "open_tree_attr needs Linux 6.15, or the call is filtered"},
    {ERR_STEP_CLONE_IDMAPPED, ENOSYS, "open_tree_attr needs Linux 6.15, or the call is filtered"},
    {ERR_STEP_CLONE_IDMAPPED, EINVAL,
     "a filesystem in it cannot be idmapped, or the kernel is older than 6.15 (open_tree_attr)"},
    {ERR_STEP_STATMOUNT_MAPS, ENOSYS, "statmount needs Linux 6.8, its maps 6.15"},
    {ERR_STEP_STATMOUNT_MAPS, EINVAL, "statmount reports a mount's maps from Linux 6.15"},
    {ERR_STEP_ATTACH_DETACHED, EINVAL, "attaching a mount to a detached tree needs Linux 6.15"},
    {ERR_STEP_OWNER_THROUGH_IDMAP, 0,
     "owners that depend on who asks or do not follow the idmap, or that changed meanwhile"},
};

/* The table's row for step and code (a row of code 0 serves any), or NULL. */
static const char *lookup(enum err_step step, int code)
{
	for (size_t i = 0; i < ARRAY_SIZE(hints); i++)
		if (hints[i].step == step && (hints[i].code == code || hints[i].code == 0))
			return hints[i].hint;
	return NULL;
}

const char *err_hint(int code)
{
	return lookup(ERR_STEP_ANY, code);
}

int err_set_hint(struct err *e, enum err_step step)
{
	e->hint = step == ERR_STEP_ANY ? NULL : lookup(step, e->code);
	return -e->code;
}

void err_add_hint(struct err *e)
{
	const char *hint = e->hint ? e->hint : err_hint(e->code);
	size_t len = strlen(e->msg);

	if (hint && *hint) /* ERR_STEP_NO_HINT: none */
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
