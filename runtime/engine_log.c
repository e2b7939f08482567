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

void engine_log_error(const char *log, const char *format, const char *msg)
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
		fputs("{\"level\":\"error\",\"msg\":\"oci-idmap-runtime: ", f);
		put_quoted(f, msg);
		fprintf(f, "\",\"time\":\"%s\"}\n", when);
	} else {
		fprintf(f, "time=\"%s\" level=error msg=\"oci-idmap-runtime: ", when);
		put_quoted(f, msg);
		fputs("\"\n", f);
	}
	fclose(f);
}
