#!/bin/bash
# The C privileged suite (tests/priv/kernel, check): pathres and mnt against
# the real kernel, each test in a private mount namespace of its own on a
# tmpfs tree, in the style of the kernel's mount_setattr selftests.  A test
# that cannot run says "SKIP: <reason>" (only ENOSYS, or a kernel before
# 6.15 for moves into detached trees); here that is a skip of the whole.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_root
need_kernel tmpfs_idmap
PRIV_TESTS="$REPO/build/priv-tests"
# Built here when missing or stale, as 22-mnt-compose does: the suite also runs
# alone and under make check-asan, which do not build it first.
make -s -C "$REPO" build/priv-tests >&2 || fail "cannot build $PRIV_TESTS"
out=$("$PRIV_TESTS" 2>&1)
rc=$?
printf '%s\n' "$out"
[ $rc = 0 ] || fail "the C privileged suite failed"
reason=$(grep -m1 '^SKIP: ' <<<"$out") && skip "${reason#SKIP: }"
grep -q '^100%: Checks: [1-9]' <<<"$out" || fail "the C privileged suite ran no test"
exit 0
