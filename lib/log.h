/* SPDX-License-Identifier: Apache-2.0 */
/* Logging: quiet by default, one line per event, to stderr or a file. */
#pragma once

#include <stdio.h>

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_setup(enum log_level level, FILE *stream, const char *container_id);
void log_set_id(const char *container_id);
int log_parse_level(const char *name, enum log_level *ret_level);
int log_enabled(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Monotonic microseconds, for the debug phase timing. */
long long log_now_us(void);

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
