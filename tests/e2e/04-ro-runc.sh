#!/bin/bash
# A read-only bind with the hook (runc, and crun through the -crun symlink;
# crun applies ro only after hooks): the container sees the volume as
# 1000:1000 and can read it, but cannot write; the host gets nothing.
# Both bind,ro and rbind,ro.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
runtime=$(runtime_of_test)
need_runtime "$runtime"
need_hook

for kind in rbind bind; do
	vol=$TEST_TMP/vol-$kind b=$TEST_TMP/bundle-$kind
	make_volume "$vol" 501 501
	before=$(snapshot "$vol")
	probe_bundle "$b" "$vol" "$kind" ro
	bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook

	run_probe "$runtime" "$b" ro
	assert_eq 0 "$RC" "$runtime exit code"
	assert_eq 1000:1000 "$(get data "$OUT")" "owner of /data inside"
	assert_eq 1000:1000 "$(get hello "$OUT")" "owner of /data/hello inside"
	assert_eq "hello from the host" "$(get content "$OUT")" "content of /data/hello inside"
	assert_match "ro,*idmapped*" "$(get mnt "$OUT")" "mount options of /data inside"
	assert_eq "fail:Read-only file system" "$(get write "$OUT")" "touch /data/new inside"
	assert_no_new "$before" "$vol"
done
