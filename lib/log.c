/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

static enum log_level current_level = LOG_WARN;
static FILE *log_stream;
static const char *log_id = "";

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void log_setup(enum log_level level, FILE *stream, const char *container_id)
{
	current_level = level;
	log_stream = stream;
	log_id = container_id ? container_id : "";
}

void log_set_id(const char *container_id)
{
	log_id = container_id ? container_id : "";
}

int log_parse_level(const char *name, enum log_level *ret_level)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*ret_level = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

int log_enabled(enum log_level level)
{
	return level <= current_level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	FILE *out = log_stream ? log_stream : stderr;
	va_list ap;

	if (!log_enabled(level))
		return;
	fprintf(out, "oci-idmap-hook: %s%s%s: ", log_id, *log_id ? ": " : "", level_names[level]);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	fflush(out);
}

long long log_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
