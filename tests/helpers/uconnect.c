/* SPDX-License-Identifier: Apache-2.0 */
/*
 * uconnect PATH: connect to the unix socket at PATH, as a client of the
 * Docker API would, and print what came of it: "connected", or the error
 * ("Permission denied" when the caller may not write to the socket,
 * "Connection refused" when it may but nobody listens).  Exit 0 either
 * way.  Built static, to run in a busybox rootfs (tests/e2e/67-*).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (argc != 2 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: uconnect PATH (shorter than %zu bytes)\n",
			sizeof(sa.sun_path));
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		printf("socket: %s\n", strerror(errno));
		return 0;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		printf("connected\n");
	else
		printf("%s\n", strerror(errno));
	close(fd);
	return 0;
}
