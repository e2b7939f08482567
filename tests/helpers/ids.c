/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ids: a static program for inside test containers (busybox has neither).
 *
 *   ids [FILE]           print uid=R, euid=E, gid=G, egid=F (a line each)
 *                        and, with FILE, its first line as "read=LINE" (or
 *                        "read=fail:ERR")
 *   ids --as UID CMD...  drop to UID:UID (no supplementary groups) and exec
 *                        CMD, as an entrypoint runs a service user
 *
 * Made setuid, it shows whose a setuid file really runs as.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int run_as(const char *id, char **argv)
{
	char *end;
	unsigned long v = strtoul(id, &end, 10);

	if (*end || end == id || !argv[0]) {
		fprintf(stderr, "ids --as UID CMD...\n");
		return 2;
	}
	if (setgroups(0, NULL) < 0 || setresgid((gid_t)v, (gid_t)v, (gid_t)v) < 0 ||
	    setresuid((uid_t)v, (uid_t)v, (uid_t)v) < 0) {
		fprintf(stderr, "ids --as %s: %s\n", id, strerror(errno));
		return 1;
	}
	execvp(argv[0], argv);
	fprintf(stderr, "ids --as %s: %s: %s\n", id, argv[0], strerror(errno));
	return 127;
}

static int read_first_line(const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f) {
		printf("read=fail:%s\n", strerror(errno));
		return 1;
	}
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	printf("read=%s\n", line);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "--as") == 0)
		return argc >= 4 ? run_as(argv[2], argv + 3) : run_as("", argv + argc);
	printf("uid=%d\neuid=%d\ngid=%d\negid=%d\n", (int)getuid(), (int)geteuid(), (int)getgid(),
	       (int)getegid());
	return argc >= 2 ? read_first_line(argv[1]) : 0;
}
