#!/bin/bash
# The hook's main promise, under each runtime and stage that runs it: the
# container user 1000:1000 sees a volume owned by someone else as its own
# (an idmapped mount), reads it, writes to it, and its new files belong on
# the host to the volume's owner; the volume's old files keep owner, mode and
# content.  One case per line; each gets a fresh volume and bundle.  (A
# volume whose uid already matches and whose gid differs: 70-owner-rule.)
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_runtime runc
need_runtime crun
need_hook

# runtime | hook stage    | volume owner | owner of new files on the host
#                                          (only the mismatched ids are swapped)
table='
runc      | createRuntime | 501:501       | 501:501
runc      | prestart      | 501:501       | 501:501
crun      | createRuntime | 501:501       | 501:501
'

n=0
while IFS='| ' read -r runtime stage owner host_owner; do
	[ -n "$runtime" ] || continue
	n=$((n + 1))
	echo "case $n: $runtime, hook at $stage, volume $owner"
	vol=$TEST_TMP/vol-$n b=$TEST_TMP/bundle-$n
	make_volume "$vol" "${owner%:*}" "${owner#*:}"
	before=$(snapshot "$vol")
	probe_bundle "$b" "$vol"
	bundle_hook "$b" "$stage" "$HOOK" oci-idmap-hook
	expect_idmapped_rw "$runtime" "$b" "$vol" "$before" "$host_owner"
done <<<"$table"
[ $n = 3 ] || fail "ran $n cases, expected 3"
echo "all $n cases passed"
