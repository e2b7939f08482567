/* SPDX-License-Identifier: Apache-2.0 */
#include "engine_log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* s as the inside of a JSON string (also fine for logrus's quoted text). */
static void put_quoted(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
}

/* One line at level ("error", "warning": logrus's names, which the engines read). */
static void engine_log_line(const char *log, const char *format, const char *level, const char *msg)
{
	char when[64];
	time_t now = time(NULL);
	struct tm tm;
	FILE *f;

	if (!log || !*log)
		return;
	f = fopen(log, "ae");
	if (!f)
		return;
	if (!gmtime_r(&now, &tm) || !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
		when[0] = '\0';
	if (format && strcmp(format, "json") == 0) {
		fprintf(f, "{\"level\":\"%s\",\"msg\":\"oci-idmap-runtime: ", level);
		put_quoted(f, msg);
		fprintf(f, "\",\"time\":\"%s\"}\n", when);
	} else {
		fprintf(f, "time=\"%s\" level=%s msg=\"oci-idmap-runtime: ", when, level);
		put_quoted(f, msg);
		fputs("\"\n", f);
	}
	fclose(f);
}

void engine_log_error(const char *log, const char *format, const char *msg)
{
	engine_log_line(log, format, "error", msg);
}

void engine_log_warning(const char *log, const char *format, const char *msg)
{
	engine_log_line(log, format, "warning", msg);
}
