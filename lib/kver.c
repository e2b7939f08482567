/* SPDX-License-Identifier: Apache-2.0 */
#include "kver.h"

#include <stdlib.h>
#include <sys/utsname.h>

/* A decimal number at *p (digits only, below 100000), and where it ends. */
static bool take_number(const char **p, unsigned *ret)
{
	unsigned v = 0;
	const char *s = *p;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned)(*s - '0');
		if (v >= 100000)
			return false;
	}
	*p = s;
	*ret = v;
	return true;
}

bool kver_parse(const char *release, unsigned *ret_major, unsigned *ret_minor)
{
	const char *p = release;
	unsigned major, minor;

	if (!take_number(&p, &major) || *p++ != '.' || !take_number(&p, &minor))
		return false;
	*ret_major = major;
	*ret_minor = minor;
	return true;
}

bool kver_is_older(unsigned major, unsigned minor)
{
	static int known = -1; /* -1: not read yet; 0: unknown; 1: read */
	static unsigned run_major, run_minor;

	if (known < 0) {
		struct utsname u;

		known = uname(&u) == 0 && kver_parse(u.release, &run_major, &run_minor);
	}
	if (!known)
		return false;
	return run_major < major || (run_major == major && run_minor < minor);
}
