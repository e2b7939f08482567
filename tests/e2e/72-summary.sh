#!/bin/bash
# The summary line (--log-level info) names every remapped volume, a
# destination that ends in "..." too (issue 22: it was taken for the mark of
# a full summary, and every volume after it was left out).  Two 501:501
# volumes at /v... and /w, a runc container of user 1000:1000.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_runtime runc
need_hook

vol=$TEST_TMP/vol
make_volume "$vol" 501 501
b=$TEST_TMP/bundle
make_bundle "$b"
mkdir -p "$b/rootfs/v..." "$b/rootfs/w"
_spec "$b" user 1000 1000 ';;' args sh -c 'stat -c "%u:%g %n" /v... /w' ';;' \
	bind "$vol" /v... ';;' bind "$vol" /w ';;' \
	hook createRuntime "$HOOK" oci-idmap-hook --log-level info --log-file "$b.log"
OUT=$(run_runc "$b" "$(container_id summary)" 2>"$TEST_TMP/stderr")
RC=$? ERR=$(cat "$TEST_TMP/stderr")
assert_eq 0 "$RC" "runc exit code"
assert_eq "$(printf '1000:1000 /v...\n1000:1000 /w')" "$OUT" "the volumes inside"
assert_match "*: info: summary: 2 of 2 bind mounts remapped: /v..., /w" \
	"$(grep 'summary:' "$b.log")" "the summary"
exit 0
