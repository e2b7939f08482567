/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"

/* One event's text, after "oci-idmap-hook: "; longer lines are cut. */
#define LOG_LINE_MAX 2048
/* syslog(3)'s LOG_DAEMON, and the severity of each of our levels (RFC 3164). */
#define SYSLOG_FACILITY_DAEMON (3 << 3)
static const int syslog_severity[] = {3 /* err */, 4 /* warning */, 6 /* info */, 7 /* debug */};
static const char *const level_names[] = {"error", "warn", "info", "debug"};

static struct {
	enum log_level level;
	FILE *file;		 /* replaces syslog when set */
	const char *syslog_path; /* NULL: no syslog */
	int syslog_fd;		 /* -EBADF until the first line is sent */
	bool syslog_dead;	 /* the one connect failed: lines are dropped */
	char id[LOG_ID_MAX + 1]; /* a copy: it outlives whatever it came from */
} L = {.level = LOG_WARN, .syslog_fd = -EBADF};

void log_setup(enum log_level level, FILE *stream, const char *container_id)
{
	L.level = level;
	L.file = stream;
	log_set_id(container_id);
}

void log_set_id(const char *container_id)
{
	snprintf(L.id, sizeof(L.id), "%s", container_id ? container_id : "");
}

void log_use_syslog(const char *path)
{
	log_close();
	L.syslog_path = path;
	L.syslog_dead = false;
}

void log_close(void)
{
	close_fdp(&L.syslog_fd);
}

int log_parse_level(const char *name, enum log_level *ret_level)
{
	for (size_t i = 0; i < ARRAY_SIZE(level_names); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*ret_level = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

int log_enabled(enum log_level level)
{
	return level <= L.level;
}

/* "<id>: <level>: <message>" into buf, control characters (a newline in a
 * path from config.json) escaped as \ooo: one event is one line. */
static void __attribute__((format(printf, 4, 0)))
format_line(char *buf, size_t size, enum log_level level, const char *fmt, va_list ap)
{
	char raw[LOG_LINE_MAX];
	size_t n, k = 0;

	n = (size_t)snprintf(raw, sizeof(raw), "%s%s%s: ", L.id, *L.id ? ": " : "",
			     level_names[level]);
	if (n < sizeof(raw))
		vsnprintf(raw + n, sizeof(raw) - n, fmt, ap);
	for (const unsigned char *p = (const unsigned char *)raw; *p && k + 5 < size; p++) {
		if (*p < 0x20 || *p == 0x7f)
			k += (size_t)snprintf(buf + k, size - k, "\\%03o", *p);
		else
			buf[k++] = (char)*p;
	}
	buf[k] = '\0';
}

/* Connect once; false when there is no syslog to send to.  The first line
 * may come while the hook is in the container's mount namespace: hooks run
 * before pivot_root, so its / is still the host's (a copy of its mounts),
 * and the path reaches the host's daemon; nothing in the rootfs is on it. */
static bool syslog_connect(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (L.syslog_fd >= 0)
		return true;
	if (!L.syslog_path || L.syslog_dead)
		return false;
	L.syslog_dead = true;
	if (strlen(L.syslog_path) >= sizeof(sa.sun_path))
		return false;
	memcpy(sa.sun_path, L.syslog_path, strlen(L.syslog_path) + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return false;
	if (connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return false;
	}
	L.syslog_fd = fd;
	L.syslog_dead = false;
	return true;
}

/* RFC 3164 as local syslog daemons take it: "<PRI>Mmm dd hh:mm:ss TAG: MSG".
 * A full queue (EAGAIN) or a daemon gone (ECONNREFUSED) loses the line. */
static void syslog_send(enum log_level level, const char *line)
{
	char buf[LOG_LINE_MAX + 64], stamp[32] = "";
	time_t now = time(NULL);
	struct tm tm;
	int n;

	if (!syslog_connect())
		return;
	if (localtime_r(&now, &tm))
		strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	n = snprintf(buf, sizeof(buf), "<%d>%s oci-idmap-hook[%d]: %s",
		     SYSLOG_FACILITY_DAEMON | syslog_severity[level], stamp, (int)getpid(), line);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	(void)send(L.syslog_fd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
}

static void write_line(FILE *f, const char *line)
{
	fprintf(f, "oci-idmap-hook: %s\n", line);
	fflush(f);
}

/* To the sink: the file when there is one, else syslog when it is on. */
static void to_sink(enum log_level level, const char *line)
{
	if (L.file)
		write_line(L.file, line);
	else
		syslog_send(level, line);
}

/* A file replaces stderr too (as it always did); syslog comes in addition. */
static void to_all(enum log_level level, const char *line)
{
	if (!L.file)
		write_line(stderr, line);
	to_sink(level, line);
}

/* One formatted line to the sink, and to stderr unless only_sink. */
static void __attribute__((format(printf, 3, 0)))
emit(enum log_level level, bool only_sink, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];

	format_line(line, sizeof(line), level, fmt, ap);
	if (only_sink)
		to_sink(level, line);
	else
		to_all(level, line);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	emit(level, false, fmt, ap);
	va_end(ap);
}

void log_record(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	emit(level, true, fmt, ap);
	va_end(ap);
}

long long log_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
