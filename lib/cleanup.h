/* SPDX-License-Identifier: Apache-2.0 */
/* Scope-bound cleanup of fds and heap memory, with explicit ownership moves. */
#pragma once

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

/* Close *fd (if open) and mark it closed: a cleanup, and a close that may
 * come early. */
static inline void close_fdp(int *fd)
{
	/* Never retried on EINTR: the fd is gone either way on Linux. */
	if (*fd >= 0)
		close(*fd);
	*fd = -EBADF;
}

static inline void freep(void *p)
{
	free(*(void **)p);
}

/* An array of n zeroed elements, also for n == 0: calloc(0) may return NULL,
 * and one spare element keeps NULL meaning ENOMEM and nothing else. */
static inline void *calloc_array(size_t n, size_t size)
{
	return calloc(n + 1, size);
}

#define _cleanup_close_ _cleanup_(close_fdp)
#define _cleanup_free_ _cleanup_(freep)

/* Move ownership out of a cleanup variable. */
#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int _fd_ = (fd);                                                                   \
		(fd) = -EBADF;                                                                     \
		_fd_;                                                                              \
	})

#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _p_ = (p);                                                           \
		(p) = NULL;                                                                        \
		_p_;                                                                               \
	})

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
