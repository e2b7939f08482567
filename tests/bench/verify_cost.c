/* SPDX-License-Identifier: Apache-2.0 */
/*
 * verify_cost DIR ROUNDS CALLS: the check before attach (lib/verify.c) alone,
 * on a detached clone of DIR idmapped with the swap of its owner and 1000
 * (never attached: nothing changes).  Each round times CALLS checks asked as
 * root (what a local filesystem gets) and CALLS asked as the container user
 * (setfsgid, setfsuid, statx, and back: what FUSE, virtiofs and any
 * filesystem not known to answer alike get), in alternating order; prints
 * one line a round: "AS_ROOT_NS AS_USER_NS", each per check.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cleanup.h"
#include "idmap.h"
#include "mnt.h"
#include "pathres.h"
#include "userns.h"
#include "verify.h"

#define USER 1000u

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* ns per check of CALLS checks; fstype decides who asks. */
static long long time_checks(int clone, long calls, const char *fstype)
{
	struct err e = {0};
	long long t0 = now_ns();

	for (long i = 0; i < calls; i++)
		if (verify_owner(clone, USER, USER, USER, USER, fstype, &e) < 0) {
			fprintf(stderr, "verify_cost: %s\n", e.msg);
			exit(1);
		}
	return (now_ns() - t0) / calls;
}

int main(int argc, char **argv)
{
	_cleanup_close_ int clone = -EBADF, userns = -EBADF;
	struct idmap uid, gid;
	struct path_info owner;
	struct err e = {0};
	long rounds, calls;

	if (argc != 4 || (rounds = atol(argv[2])) <= 0 || (calls = atol(argv[3])) <= 0) {
		fprintf(stderr, "usage: verify_cost DIR ROUNDS CALLS\n");
		return 2;
	}
	if (mnt_clone(AT_FDCWD, argv[1], false, &clone, &e) < 0 ||
	    pathres_info(clone, &owner, &e) < 0)
		goto fail;
	idmap_swap(owner.uid, USER, &uid);
	idmap_swap(owner.gid, USER, &gid);
	if (userns_open(&uid, &gid, &userns, &e) < 0 ||
	    mnt_setattr(clone, false, 0, MNT_PROPAGATION_PRIVATE, userns, &e) < 0)
		goto fail;
	for (long r = 0; r < rounds; r++) {
		long long as_root, as_user;

		if (r % 2) {
			as_user = time_checks(clone, calls, "");
			as_root = time_checks(clone, calls, "ext4");
		} else {
			as_root = time_checks(clone, calls, "ext4");
			as_user = time_checks(clone, calls, "");
		}
		printf("%lld %lld\n", as_root, as_user);
	}
	return 0;
fail:
	fprintf(stderr, "verify_cost: %s\n", e.msg);
	return 1;
}
