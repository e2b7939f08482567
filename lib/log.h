/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Logging: one line per event, to stderr and syslog (the hook's default:
 * runtimes throw away a successful hook's stderr), or to a file instead of
 * both.  Lines carry the container id once it is known (log_set_id).
 */
#pragma once

#include <stdio.h>

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* The longest container id a line carries (a state's id is at most
 * STATE_ID_MAX: the same); the id is copied, longer ones are cut. */
#define LOG_ID_MAX 1024

/* The level, and a file that replaces stderr and syslog (NULL: none). */
void log_setup(enum log_level level, FILE *stream, const char *container_id);
void log_set_id(const char *container_id);

/* Send the lines, as well, to the syslog socket at path ("/dev/log"),
 * facility daemon, ident oci-idmap-hook; NULL turns it off.  The socket is
 * connected at the first line sent, once; sends never block and a missing,
 * refusing or full socket loses the line, never fails the caller. */
void log_use_syslog(const char *path);

int log_parse_level(const char *name, enum log_level *ret_level);
int log_enabled(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The same line to the sink only, for a message already on stderr in
 * another form (the one error line). */
void log_record(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Close the syslog socket (the file belongs to the caller). */
void log_close(void);

/* Monotonic microseconds, for the debug phase timing. */
long long log_now_us(void);

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
