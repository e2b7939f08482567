/* SPDX-License-Identifier: Apache-2.0 */
/*
 * LD_PRELOAD shim for tests/priv/24-own-ns-at-look.sh: every readlink of
 * /proc/PID/ns/mnt (PID not "self") answers "mnt:[1]", a namespace no
 * process here is in.  So the hook's check by name says "a container" for a
 * pid that is in the hook's own mount namespace, as it would for a pid
 * reused between that check and the open of the namespace at the look.
 */
#include <dlfcn.h>
#include <string.h>
#include <unistd.h>

ssize_t readlink(const char *path, char *buf, size_t size)
{
	static ssize_t (*real)(const char *, char *, size_t);
	static const char fake[] = "mnt:[1]";
	size_t n = sizeof(fake) - 1;

	if (strncmp(path, "/proc/", 6) != 0 || strncmp(path, "/proc/self/", 11) == 0 ||
	    !strstr(path, "/ns/mnt")) {
		if (!real)
			real =
			    (ssize_t(*)(const char *, char *, size_t))dlsym(RTLD_NEXT, "readlink");
		return real(path, buf, size);
	}
	if (n > size)
		n = size;
	memcpy(buf, fake, n);
	return (ssize_t)n;
}
