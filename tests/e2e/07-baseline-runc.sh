#!/bin/bash
# Control, runc (or crun, through the -crun symlink) without the hook: the
# container sees the volume's real owner 501:501, no idmapped mount, and
# cannot write.  (Proves the other tests can fail.)
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
runtime=$(runtime_of_test)
need_runtime "$runtime"

vol=$TEST_TMP/vol b=$TEST_TMP/bundle
make_volume "$vol" 501 501
before=$(snapshot "$vol")
probe_bundle "$b" "$vol"

run_probe "$runtime" "$b" baseline
assert_eq 0 "$RC" "$runtime exit code"
assert_eq 1000:1000 "$(get id "$OUT")" "container user"
assert_eq 501:501 "$(get data "$OUT")" "owner of /data inside"
assert_eq 501:501 "$(get hello "$OUT")" "owner of /data/hello inside"
assert_eq "hello from the host" "$(get content "$OUT")" "content of /data/hello inside"
assert_no_match "*idmapped*" "$(get mnt "$OUT")" "mount options of /data inside"
assert_eq "fail:Permission denied" "$(get write "$OUT")" "touch /data/new inside"
assert_no_new "$before" "$vol"
