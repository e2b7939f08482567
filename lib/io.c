/* SPDX-License-Identifier: Apache-2.0 */
#include "io.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"

/*
 * The buffer holds at most max + 2 bytes: max of input, one more to tell
 * "exactly max" from "more than max", and the NUL.  So at most max + 1 bytes
 * are ever read, whatever the input.
 */
int io_read_fd(int fd, size_t max, char **ret_buf, size_t *ret_len, struct err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t limit = max + 2, cap = limit < 4096 ? limit : 4096, len = 0;
	char *bigger;
	ssize_t n;

	buf = malloc(cap);
	if (!buf)
		return err_set(e, ENOMEM, "read");
	for (;;) {
		if (len > max)
			return err_msg(e, EFBIG, "input larger than %zu bytes", max);
		if (len + 1 == cap) {
			cap = cap > limit / 2 ? limit : cap * 2;
			bigger = realloc(buf, cap);
			if (!bigger)
				return err_set(e, ENOMEM, "read");
			buf = bigger;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(e, errno, "read");
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (ret_len)
		*ret_len = len;
	*ret_buf = TAKE_PTR(buf);
	return 0;
}

int io_read_file(const char *path, size_t max, char **ret_buf, size_t *ret_len, struct err *e)
{
	_cleanup_close_ int fd = -EBADF;
	int r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return err_set(e, errno, "open %s", path);
	r = io_read_fd(fd, max, ret_buf, ret_len, e);
	if (r < 0)
		return err_wrap(e, "%s", path);
	return 0;
}

int io_write_file(const char *path, const char *buf, size_t len, struct err *e)
{
	_cleanup_close_ int fd = -EBADF;
	ssize_t n;

	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return err_set(e, errno, "open %s", path);
	n = write(fd, buf, len);
	if (n < 0)
		return err_set(e, errno, "write %s", path);
	if ((size_t)n != len)
		return err_msg(e, EIO, "write %s: short write", path);
	return 0;
}
