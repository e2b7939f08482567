/* SPDX-License-Identifier: Apache-2.0 */
/* Logging to syslog: the line a daemon receives, the level filter, a file
 * instead, and a missing or full socket that must never block or fail. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "tests.h"

#define DIR_TEMPLATE "/tmp/oci-idmap-test-log.XXXXXX"
static char dir[] = DIR_TEMPLATE;
static char sock_path[100];
static int listener = -1;

/* A datagram socket standing in for /dev/log; stderr to /dev/null. */
static void setup(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int null = open("/dev/null", O_WRONLY);

	/* A fresh template each time: with CK_FORK=no (valgrind) setup runs
	 * again in the same process, and mkdtemp filled the last one in. */
	memcpy(dir, DIR_TEMPLATE, sizeof(dir));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sock_path, sizeof(sock_path), "%s/log", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	listener = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(listener, 0);
	ck_assert_int_eq(bind(listener, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_ge(null, 0);
	dup2(null, STDERR_FILENO);
	close(null);
	log_setup(LOG_WARN, NULL, NULL);
	log_set_id("ctr1");
	log_use_syslog(sock_path);
}

static void teardown(void)
{
	log_use_syslog(NULL);
	close(listener);
	unlink(sock_path);
	rmdir(dir);
}

/* The next datagram, or "" when none is waiting. */
static const char *next_line(void)
{
	static char buf[4096];
	ssize_t n = recv(listener, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

START_TEST(test_syslog_line)
{
	char want[128];
	const char *got;

	log_warn("%s: cannot idmap: %s", "/data", "Invalid argument");
	got = next_line();
	/* <daemon.warning>Mmm dd hh:mm:ss oci-idmap-hook[pid]: id: level: message */
	ck_assert_msg(strncmp(got, "<28>", 4) == 0, "%s", got);
	ck_assert_msg(got[7] == ' ' && got[10] == ' ' && got[13] == ':' && got[16] == ':', "%s",
		      got);
	snprintf(want, sizeof(want), " oci-idmap-hook[%d]: ctr1: warn: /data: cannot idmap: %s",
		 (int)getpid(), "Invalid argument");
	ck_assert_str_eq(got + 19, want);
	log_error("strict");
	ck_assert_msg(strncmp(next_line(), "<27>", 4) == 0, "an error is daemon.err");
	ck_assert_str_eq(next_line(), "");
}
END_TEST

/* The id is the log's own copy: the state it came from is freed before the
 * last lines (issue 22: it borrowed state.id, freed by hook_ctx_free). */
START_TEST(test_id_is_copied)
{
	char *id = strdup("ctr-copied");
	const char *got;

	ck_assert_ptr_nonnull(id);
	log_set_id(id);
	memset(id, 'X', strlen(id));
	free(id);
	log_warn("after");
	got = next_line();
	ck_assert_msg(strstr(got, ": ctr-copied: warn: after"), "%s", got);
}
END_TEST

START_TEST(test_one_line_per_event)
{
	const char *got;

	log_warn("/da\nta: x\ty");
	got = next_line();
	ck_assert_ptr_nonnull(strstr(got, "ctr1: warn: /da\\012ta: x\\011y"));
	ck_assert_ptr_null(strchr(got, '\n'));
}
END_TEST

START_TEST(test_level_filter)
{
	log_info("not sent at warn");
	log_debug("nor this");
	ck_assert_str_eq(next_line(), "");
	log_setup(LOG_INFO, NULL, "ctr1");
	log_info("summary: 1 of 1 bind mounts idmapped: /data");
	ck_assert_msg(strncmp(next_line(), "<30>", 4) == 0, "info is daemon.info");
	log_record(LOG_ERROR, "only to the sink");
	ck_assert_ptr_nonnull(strstr(next_line(), "ctr1: error: only to the sink"));
}
END_TEST

START_TEST(test_file_replaces_syslog)
{
	FILE *f = tmpfile();
	char buf[256] = "";

	ck_assert_ptr_nonnull(f);
	log_setup(LOG_WARN, f, "ctr1");
	log_warn("/data: to the file");
	log_record(LOG_ERROR, "also to the file");
	ck_assert_str_eq(next_line(), "");
	rewind(f);
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	ck_assert_str_eq(buf, "oci-idmap-hook: ctr1: warn: /data: to the file\n");
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	ck_assert_str_eq(buf, "oci-idmap-hook: ctr1: error: also to the file\n");
	fclose(f);
}
END_TEST

START_TEST(test_no_socket)
{
	char missing[100];

	snprintf(missing, sizeof(missing), "%s/missing", dir);
	log_use_syslog(missing);
	log_warn("nobody listens");
	log_warn("still nobody");
	log_use_syslog(NULL);
	log_warn("syslog off");
	ck_assert_str_eq(next_line(), "");
}
END_TEST

/* A daemon that stopped reading: its queue full, a send must not wait. */
START_TEST(test_full_queue_never_blocks)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int filler = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	long long t0;
	int sent = 0;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	ck_assert_int_eq(connect(filler, (struct sockaddr *)&sa, sizeof(sa)), 0);
	while (sent < 1000000 && send(filler, "x", 1, 0) == 1)
		sent++;
	ck_assert_int_eq(errno, EAGAIN);
	t0 = log_now_us();
	for (int i = 0; i < 100; i++)
		log_warn("/data: line %d to a full queue", i);
	ck_assert_int_lt(log_now_us() - t0, 1000000);
	close(filler);
}
END_TEST

Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("syslog");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_syslog_line);
	tcase_add_test(tc, test_id_is_copied);
	tcase_add_test(tc, test_one_line_per_event);
	tcase_add_test(tc, test_level_filter);
	tcase_add_test(tc, test_file_replaces_syslog);
	tcase_add_test(tc, test_no_socket);
	tcase_add_test(tc, test_full_queue_never_blocks);
	suite_add_tcase(s, tc);
	return s;
}
