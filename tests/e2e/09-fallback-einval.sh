#!/bin/bash
# The kernel refuses (mount_setattr fails with EINVAL, forced by a seccomp
# errno injector around the hook): the hook leaves the mount as runc made it
# and the container starts and sees 501:501 with its data; the fallback is
# logged.  With --strict the hook fails, naming the call and the error, and so
# does the container start.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_runtime runc
need_hook
need_inject
# Probe the injector itself: it must make the call fail, and nothing else.
"$INJECT" unshare EPERM -- unshare -U true 2>/dev/null && fail "inject did not make unshare fail"
"$INJECT" unshare EPERM -- true || fail "inject broke a plain command"

vol=$TEST_TMP/vol
make_volume "$vol" 501 501
before=$(snapshot "$vol")

b=$TEST_TMP/fallback
probe_bundle "$b" "$vol"
log=$TEST_TMP/hook.log
bundle_hook "$b" createRuntime "$INJECT" inject mount_setattr EINVAL -- \
	"$HOOK" --log-level info --log-file "$log"
run_probe runc "$b" fallback
assert_eq 0 "$RC" "runc exit code"
assert_eq 501:501 "$(get data "$OUT")" "owner of /data inside"
assert_eq 501:501 "$(get hello "$OUT")" "owner of /data/hello inside"
assert_eq "hello from the host" "$(get content "$OUT")" "content of /data/hello inside"
assert_no_match "*idmapped*" "$(get mnt "$OUT")" "mount options of /data inside"
assert_eq "fail:Permission denied" "$(get write "$OUT")" "touch /data/new inside"
assert_no_new "$before" "$vol"
assert_match "*mount_setattr*Invalid argument*" "$(cat "$log" 2>/dev/null)" "the hook's log"

b=$TEST_TMP/strict
probe_bundle "$b" "$vol"
bundle_hook "$b" createRuntime "$INJECT" inject mount_setattr EINVAL -- "$HOOK" --strict
run_probe runc "$b" strict
assert_ne 0 "$RC" "runc exit code with --strict"
assert_eq "<missing id>" "$(get id "$OUT")" "the container's process ran"
assert_match "*oci-idmap-hook:*/data*mount_setattr*Invalid argument*" "$ERR" "runc's error"
assert_no_new "$before" "$vol"
