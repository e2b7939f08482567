/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded, NUL-terminated reads: input never costs more than max + 2 bytes. */
#pragma once

#include <stddef.h>

#include "err.h"

/*
 * At least what the runtimes accept (neither runc nor crun bounds them): a
 * config.json thousands of mounts, a state the annotations of config.json
 * (runc and crun copy them into it; Kubernetes allows 256 KiB of them, a
 * config.json may hold more), so a state may be as large as the
 * config.json and a little more (its id, bundle, pid).  Past these the hook
 * falls back (EFBIG: logged, exit 0), it never fails a container the
 * runtime would start.
 */
#define IO_CONFIG_MAX (64 * 1024 * 1024)
#define IO_STATE_MAX (IO_CONFIG_MAX + 1024 * 1024)

/* Read all of fd (at most max bytes) into a new NUL-terminated buffer;
 * EFBIG, after reading at most max + 1 bytes, when there is more. */
int io_read_fd(int fd, size_t max, char **ret_buf, size_t *ret_len, struct err *e);

/* The same for a file at path; what names the input in messages. */
int io_read_file(const char *path, size_t max, char **ret_buf, size_t *ret_len, struct err *e);

/* Write all of buf to the file at path (opened O_WRONLY), in one write(2). */
int io_write_file(const char *path, const char *buf, size_t len, struct err *e);
