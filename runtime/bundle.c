/* SPDX-License-Identifier: Apache-2.0 */
#include "bundle.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "config_edit.h"
#include "io.h"

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Fill the open temporary file: the text, then the mode and owner of path. */
static int fill_temp(int fd, const char *tmp, const struct stat *st, const char *text, size_t len,
		     struct err *e)
{
	struct stat now;
	int r;

	r = write_all(fd, text, len);
	if (r < 0)
		return err_set(e, -r, "write %s", tmp);
	if (fstat(fd, &now) < 0)
		return err_set(e, errno, "stat %s", tmp);
	if ((now.st_uid != st->st_uid || now.st_gid != st->st_gid) &&
	    fchown(fd, st->st_uid, st->st_gid) < 0)
		return err_set(e, errno, "chown %s", tmp);
	/* After chown, which may clear the set-id bits. */
	if (fchmod(fd, st->st_mode & 07777) < 0)
		return err_set(e, errno, "chmod %s", tmp);
	return 0;
}

/* Replace the file at path by text: a new file renamed over it. */
static int replace_file(const char *path, const char *text, size_t len, struct err *e)
{
	char tmp[PATH_MAX];
	_cleanup_close_ int fd = -EBADF;
	struct stat st;
	int r;

	if (stat(path, &st) < 0)
		return err_set(e, errno, "stat %s", path);
	if (snprintf(tmp, sizeof(tmp), "%s.oci-idmap.XXXXXX", path) >= (int)sizeof(tmp))
		return err_msg(e, ENAMETOOLONG, "%s: path too long", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return err_set(e, errno, "create a temporary file beside %s", path);
	r = fill_temp(fd, tmp, &st, text, len, e);
	if (r == 0 && rename(tmp, path) < 0)
		r = err_set(e, errno, "rename %s to %s", tmp, path);
	if (r < 0)
		unlink(tmp);
	return r;
}

int bundle_add_hook(const char *bundle, const char *hook, const char *const *args, struct err *e)
{
	_cleanup_free_ char *text = NULL, *edited = NULL;
	const struct config_hook h = {.path = hook, .args = args};
	char path[PATH_MAX];
	size_t len = 0;
	int r;

	if (snprintf(path, sizeof(path), "%s/config.json", bundle) >= (int)sizeof(path))
		return err_msg(e, ENAMETOOLONG, "bundle path too long: %s", bundle);
	r = io_read_file(path, IO_CONFIG_MAX, &text, NULL, e);
	if (r < 0)
		return r;
	r = config_edit_add_hook(text, "createRuntime", &h, &edited, &len, e);
	if (r < 0)
		return err_wrap(e, "%s", path);
	if (r == 0)
		return 0;
	/* The hook reads at most IO_CONFIG_MAX bytes: a config.json it would
	 * refuse is not written (the container would not start). */
	if (len > IO_CONFIG_MAX)
		return err_msg(e, EFBIG, "%s: larger than %d bytes with the hook added", path,
			       IO_CONFIG_MAX);
	r = replace_file(path, edited, len, e);
	return r < 0 ? r : 1;
}
