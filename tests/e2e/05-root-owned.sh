#!/bin/bash
# runc, hook at createRuntime, a root-owned (0:0) volume: the hook leaves it
# alone; the container sees 0:0 and cannot write.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_runtime runc
need_hook

vol=$TEST_TMP/vol b=$TEST_TMP/bundle
make_volume "$vol" 0 0
before=$(snapshot "$vol")
probe_bundle "$b" "$vol"
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook

run_probe runc "$b" root
assert_eq 0 "$RC" "runc exit code"
assert_eq 0:0 "$(get data "$OUT")" "owner of /data inside"
assert_eq 0:0 "$(get hello "$OUT")" "owner of /data/hello inside"
assert_eq "hello from the host" "$(get content "$OUT")" "content of /data/hello inside"
assert_no_match "*idmapped*" "$(get mnt "$OUT")" "mount options of /data inside"
assert_eq "fail:Permission denied" "$(get write "$OUT")" "touch /data/new inside"
assert_no_new "$before" "$vol"
