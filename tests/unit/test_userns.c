/* SPDX-License-Identifier: Apache-2.0 */
/* The user namespace a mapping gets (root only): its maps are the ones
 * written, its holder is gone, a map the kernel refuses leaves nothing. */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "userns.h"
#include "tests.h"

/* No child of ours is left, not even a zombie. */
static void expect_no_children(void)
{
	errno = 0;
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}

/* /proc/self/<file> as seen from inside the namespace fd (a child joins it). */
static void read_inside(int fd, const char *file, char *buf, size_t size)
{
	int p[2], status;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char path[64];
		int in;

		snprintf(path, sizeof(path), "/proc/self/%s", file);
		if (setns(fd, CLONE_NEWUSER) < 0 || (in = open(path, O_RDONLY)) < 0)
			_exit(1);
		n = read(in, buf, size - 1);
		_exit(n > 0 && write(p[1], buf, (size_t)n) == n ? 0 : 1);
	}
	close(p[1]);
	n = read(p[0], buf, size - 1);
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "reading %s inside", file);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
}

/* "A B N" lines, whitespace as the kernel pads them. */
static void expect_map(const char *text, const struct idmap *m)
{
	const struct id_extent *ext = idmap_extents(m);
	const char *p = text;

	for (size_t i = 0; i < m->n; i++) {
		unsigned long a, b, n;
		int used = 0;

		ck_assert_int_eq(sscanf(p, "%lu %lu %lu%n", &a, &b, &n, &used), 3);
		ck_assert_uint_eq(a, ext[i].first);
		ck_assert_uint_eq(b, ext[i].lower);
		ck_assert_uint_eq(n, ext[i].count);
		p += used;
	}
	p += strspn(p, " \n");
	ck_assert_msg(*p == '\0', "more lines than written: %s", p);
}

START_TEST(test_open)
{
	struct idmap uid_map, gid_map;
	char text[1024];
	struct err e = {0};
	int fd = -1;

	idmap_swap(501, 1000, &uid_map);
	idmap_swap(20, 1000, &gid_map);
	ck_assert_int_eq(userns_open(&uid_map, &gid_map, &fd, &e), 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ioctl(fd, NS_GET_NSTYPE), CLONE_NEWUSER);
	expect_no_children();
	read_inside(fd, "uid_map", text, sizeof(text));
	expect_map(text, &uid_map);
	read_inside(fd, "gid_map", text, sizeof(text));
	expect_map(text, &gid_map);
	close(fd);
}
END_TEST

START_TEST(test_open_held)
{
	struct userns_holder h = USERNS_HOLDER_NONE;
	struct idmap uid_map, gid_map;
	siginfo_t si = {0};
	char text[1024];
	struct err e = {0};
	int fd = -1;

	idmap_swap(1, 2, &uid_map);
	idmap_swap(3, 4, &gid_map);
	ck_assert_int_eq(userns_open_held(&uid_map, &gid_map, &fd, &h, &e), 0);
	ck_assert_int_gt(h.pid, 0);
	/* The holder exits by itself, nothing kills it: a zombie, not reaped yet. */
	ck_assert_int_eq(waitid(P_PID, (id_t)h.pid, &si, WEXITED | WNOWAIT), 0);
	ck_assert_int_eq(si.si_code, CLD_EXITED);
	ck_assert_int_eq(si.si_status, 0);
	/* The fd holds the namespace, with its maps: the holder is not needed. */
	read_inside(fd, "uid_map", text, sizeof(text));
	expect_map(text, &uid_map);
	read_inside(fd, "gid_map", text, sizeof(text));
	expect_map(text, &gid_map);
	ck_assert_int_eq(userns_holder_reap(&h, &e), 0);
	ck_assert_int_eq(h.pid, -1);
	ck_assert_ptr_null(h.stack);
	expect_no_children();
	/* Reaping what is reaped does nothing. */
	ck_assert_int_eq(userns_holder_reap(&h, &e), 0);
	close(fd);
}
END_TEST

/* Overlapping extents: the kernel refuses the uid_map write. */
START_TEST(test_refused_map)
{
	struct idmap bad = {.n = 2, .small = {{0, 0, 10}, {5, 100, 10}}}, ok;
	struct err e = {0};
	int fd = -7;

	idmap_swap(1, 2, &ok);
	ck_assert_int_eq(userns_open(&bad, &ok, &fd, &e), -EINVAL);
	ck_assert_int_eq(fd, -7);
	ck_assert_msg(strstr(e.msg, "/uid_map") && strstr(e.msg, "Invalid argument"), "%s", e.msg);
	expect_no_children();
	ck_assert_int_eq(userns_open(&ok, &bad, &fd, &e), -EINVAL);
	ck_assert_msg(strstr(e.msg, "/gid_map"), "%s", e.msg);
	expect_no_children();
}
END_TEST

Suite *userns_suite(void)
{
	Suite *s = suite_create("userns");
	TCase *tc;

	/* Writing a child's uid_map with ids other than one's own needs root. */
	if (geteuid() != 0) {
		unit_skip("userns", "not root");
		return s;
	}
	tc = tcase_create("open");
	tcase_add_test(tc, test_open);
	tcase_add_test(tc, test_open_held);
	tcase_add_test(tc, test_refused_map);
	suite_add_tcase(s, tc);
	return s;
}
