/* SPDX-License-Identifier: Apache-2.0 */
#include "io.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"

/* Grow buf to hold at least one more byte than len, never past max + 2
 * (max bytes, one more to see that there is more, and the NUL). */
static int grow(char **buf, size_t *cap, size_t max)
{
	size_t bigger = *cap > max / 2 ? max + 2 : *cap * 2;
	char *p;

	if (bigger <= *cap)
		return -EFBIG;
	p = realloc(*buf, bigger);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = bigger;
	return 0;
}

int io_read_fd(int fd, size_t max, char **ret_buf, size_t *ret_len, struct err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t cap = IO_CHUNK < max + 2 ? IO_CHUNK : max + 2, len = 0;
	int r;

	buf = malloc(cap);
	if (!buf)
		return err_set(e, ENOMEM, "read");
	for (;;) {
		ssize_t n;

		if (len > max)
			return err_msg(e, EFBIG, "input larger than %zu bytes", max);
		if (len + 1 == cap && (r = grow(&buf, &cap, max)) < 0)
			return r == -ENOMEM ? err_set(e, ENOMEM, "read")
					    : err_msg(e, EFBIG, "input larger than %zu bytes", max);
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
