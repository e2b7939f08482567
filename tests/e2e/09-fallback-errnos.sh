#!/bin/bash
# Every "cannot idmap here" answer of the kernel (ENOSYS from an old
# kernel or seccomp, EPERM, EINVAL) at each step of the clone -> idmap -> swap is
# a fallback: the container starts on the mount runc made (501:501, data there).
# move_mount failing (the swap itself) must leave the mount intact too.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_runtime runc
need_hook
need_inject

vol=$TEST_TMP/vol
make_volume "$vol" 501 501
before=$(snapshot "$vol")

for case in open_tree:ENOSYS open_tree:EPERM mount_setattr:ENOSYS mount_setattr:EPERM \
	move_mount:EINVAL; do
	call=${case%:*} errno=${case#*:}
	b=$TEST_TMP/$call-$errno
	probe_bundle "$b" "$vol"
	bundle_hook "$b" createRuntime "$INJECT" inject "$call" "$errno" -- "$HOOK"
	run_probe runc "$b" "${call//_/-}-$errno"
	assert_eq 0 "$RC" "$case: runc exit code"
	assert_eq 501:501 "$(get data "$OUT")" "$case: owner of /data inside"
	assert_eq "hello from the host" "$(get content "$OUT")" "$case: content of /data/hello inside"
	assert_no_match "*idmapped*" "$(get mnt "$OUT")" "$case: mount options of /data inside"
	assert_no_new "$before" "$vol"
done
