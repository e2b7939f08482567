#!/bin/bash
# A volume that a linux.readonlyPaths entry overlaps is left as the runtime
# made it (lib/plan_cheap.c), under runc (and crun through the -crun
# symlink).  After the hooks the runtime binds such a path onto itself, with
# everything below it, and remounts the copy read-only: with crun the copy of
# an idmapped clone lost the nosuid the hook gives every remapped mount (the
# oracle found it), and a copy made above a volume carries the clone to the
# mount's peers.  A 501:501 volume at /data with readonlyPaths ["/data"] for
# a uid-1000 container: with the hook the container sees what it sees
# without it (owner 501:501, the same mount options), plan says why; a
# second volume, /other, that no entry overlaps, is still remapped.  It is a
# fallback (a warning): with --strict the start fails.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
runtime=$(runtime_of_test)
need_runtime "$runtime"
need_hook

vol=$TEST_TMP/vol other=$TEST_TMP/other
make_volume "$vol" 501 501
make_volume "$other" 501 501
before=$(snapshot "$vol")

# shellcheck disable=SC2016
ACT='stat -c "data=%u:%g" /data
stat -c "other=%u:%g" /other
awk '\''$5 == "/data" { o = $6 } END { print "opts=" o }'\'' /proc/self/mountinfo'

ro_bundle() {
	make_bundle "$1"
	_spec "$1" user 1000 1000 ';;' args sh -c "$ACT" ';;' bind "$vol" /data rbind \
		';;' bind "$other" /other rbind ';;' readonly-paths /data
}

ro_bundle "$TEST_TMP/without"
run_probe "$runtime" "$TEST_TMP/without" without
assert_eq 0 "$RC" "without the hook: $runtime exit code"
assert_eq 501:501 "$(get data "$OUT")" "without the hook: /data inside"
opts=$(get opts "$OUT")
assert_match "ro,*" "$opts" "without the hook: /data is read-only (readonlyPaths)"

b=$TEST_TMP/with
ro_bundle "$b"
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook
run_probe "$runtime" "$b" with
assert_eq 0 "$RC" "with the hook: $runtime exit code"
assert_eq 501:501 "$(get data "$OUT")" "with the hook: /data inside (left as the runtime made it)"
assert_eq "$opts" "$(get opts "$OUT")" "with the hook: /data's options (as without it)"
assert_eq 1000:1000 "$(get other "$OUT")" "with the hook: /other inside (remapped)"
assert_kept "$before" "$vol"
plan_to "$TEST_TMP/plan.json" "$b"
expect_plan "$TEST_TMP/plan.json" /data skip "linux.readonlyPaths has /data, which the runtime \
binds onto itself after the hooks: a copy of an idmapped clone would lose its nosuid, or propagate"
expect_plan "$TEST_TMP/plan.json" /other idmap ""

# A volume that was to be remapped and is not: with --strict the start fails.
s=$TEST_TMP/strict
ro_bundle "$s"
bundle_hook "$s" createRuntime "$HOOK" oci-idmap-hook --strict
run_probe "$runtime" "$s" strict
assert_ne 0 "$RC" "with --strict: $runtime exit code"
exit 0
