#!/bin/bash
# The container user has no host id: the user namespace maps 0..999 only and
# the user is 1000:1000.  The hook skips with the reason (in its log and in
# plan) and changes nothing.  Measured: neither runc nor crun can start such a
# container at all (setuid/setgid to an unmapped id fails after the hooks
# ran), so the test asserts that the runtime fails exactly as it does without
# the hook, that the hook itself neither fails nor mounts anything, and that
# the volume is untouched.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
need_hook

vol=$TEST_TMP/vol
make_volume "$vol" 501 501
before=$(snapshot "$vol")
reason="container user 1000:1000 has no host id in the container's user namespace"

# The runtime's error without its varying parts (runc's time=, crun's ids).
error_of() {
	sed -e 's/^time="[^"]*" //' -e "s/$(container_id x)//g" <<<"$1"
}

for runtime in runc crun; do
	need_runtime $runtime
	b=$TEST_TMP/bundle-$runtime
	probe_bundle "$b" "$vol"
	bundle_add_namespace "$b" user
	bundle_uid_map "$b" 0 100000 1000
	bundle_gid_map "$b" 0 100000 1000

	run_probe $runtime "$b" x
	rc_without=$RC err_without=$(error_of "$ERR")
	assert_ne 0 "$rc_without" "$runtime exit code without the hook (an unmapped user)"

	log=$TEST_TMP/hook-$runtime.log
	bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --log-level info --log-file "$log"
	plan=$TEST_TMP/plan-$runtime.json
	plan_to "$plan" "$b"
	assert_eq null "$(plan_q "$plan" 'p["container"]["host_user"]')" "plan: host ids of the user"
	expect_plan "$plan" /data skip "$reason"

	run_probe $runtime "$b" x
	assert_eq "$rc_without" "$RC" "$runtime exit code with the hook"
	assert_eq "$err_without" "$(error_of "$ERR")" "$runtime error with the hook"
	[ -s "$log" ] || fail "$runtime: the hook did not run (no log)"
	assert_match "*/data: skip: $reason*" "$(cat "$log")" "$runtime: the hook's log"
	assert_no_match "*warn*" "$(cat "$log")" "$runtime: the hook's log"
	assert_no_match "*idmapped*" "$(cat "$log")" "$runtime: the hook's log"
	assert_no_new "$before" "$vol"
done
exit 0
