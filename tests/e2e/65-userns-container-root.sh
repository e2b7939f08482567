#!/bin/bash
# runc and crun, a container with its own user namespace (0..65535 -> host
# 100000..), user 1000:1000 (host 101000), and a volume owned by the
# container's root (host 100000:100000, as dockerd --userns-remap writes
# /etc/hosts and the volumes it creates).  The hook leaves it alone: inside,
# as without the hook, /data is 0:0 and the user cannot write it; plan says
# why.  Before issue 9 the hook showed it as 1000:1000 and writable.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
need_hook

vol=$TEST_TMP/vol
make_volume "$vol" 100000 100000
before=$(snapshot "$vol")

for runtime in runc crun; do
	need_runtime $runtime
	b=$TEST_TMP/bundle-$runtime
	probe_bundle "$b" "$vol"
	bundle_userns "$b" 100000 65536

	run_probe $runtime "$b" control
	assert_eq 0 "$RC" "$runtime exit code without the hook"
	assert_eq 0:0 "$(get data "$OUT")" "$runtime: owner of /data inside without the hook"
	assert_eq "fail:Permission denied" "$(get write "$OUT")" "$runtime: touch without the hook"

	bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook
	plan=$TEST_TMP/plan-$runtime.json
	plan_to "$plan" "$b"
	expect_plan "$plan" /data skip \
		"source is owned by the container's root (host uid 100000); never handed to a container user"

	run_probe $runtime "$b" hook
	assert_eq 0 "$RC" "$runtime exit code with the hook"
	assert_eq 1000:1000 "$(get id "$OUT")" "$runtime: container user"
	assert_eq 0:0 "$(get data "$OUT")" "$runtime: owner of /data inside"
	assert_eq 0:0 "$(get hello "$OUT")" "$runtime: owner of /data/hello inside"
	assert_no_match "*idmapped*" "$(get mnt "$OUT")" "$runtime: mount options of /data"
	assert_eq "fail:Permission denied" "$(get write "$OUT")" "$runtime: touch /data/new inside"
	assert_no_new "$before" "$vol"
done
