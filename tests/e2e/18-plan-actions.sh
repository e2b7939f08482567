#!/bin/bash
# `oci-idmap-hook plan --json --bundle DIR`: every mount of config.json appears, in
# order, with the hook's decision: idmap (a 501:501 volume, also read-only and
# through a relative source, with the swap maps) or skip with the reason (not
# a bind mount, root-owned, owner already the container user, the mount has
# its own uidMappings, the skip annotation, a missing source; everything under
# the disable annotation).  The output is valid against schemas/plan.schema.json,
# and plan changes nothing: not the bundle, not the volumes, no mount.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_runtime runc # make_bundle uses `runc spec`; volumes need chown
need_hook
"$PY" -c 'import jsonschema' 2>/dev/null || skip "needs python3-jsonschema"

mounts_under_tmp() {
	awk -v p="$TEST_TMP" 'index($5, p) == 1' /proc/self/mountinfo
}

b=$TEST_TMP/bundle
make_volume "$TEST_TMP/v501" 501 501
make_volume "$TEST_TMP/vroot" 0 0
make_volume "$TEST_TMP/vmine" 1000 1000
make_bundle "$b"
make_volume "$b/relvol" 501 501
bundle_user "$b" 1000 1000
bundle_bind "$b" "$TEST_TMP/v501" /data
bundle_bind "$b" "$TEST_TMP/vroot" /rootvol
bundle_bind "$b" "$TEST_TMP/vmine" /mine
bundle_bind "$b" "$TEST_TMP/v501" /ro rbind ro
bundle_bind "$b" relvol /rel bind
bundle_bind "$b" "$TEST_TMP/v501" /skipme
bundle_bind "$b" "$TEST_TMP/missing" /gone
bundle_bind "$b" "$TEST_TMP/v501" /mapped
"$PY" -I -S - "$b/config.json" <<-'EOF' || fail "cannot add uidMappings"
	import json, sys
	spec = json.load(open(sys.argv[1]))
	m = [x for x in spec["mounts"] if x["destination"] == "/mapped"][0]
	m["uidMappings"] = [{"containerID": 0, "hostID": 0, "size": 65536}]
	m["gidMappings"] = [{"containerID": 0, "hostID": 0, "size": 65536}]
	json.dump(spec, open(sys.argv[1], "w"), indent=1)
EOF
bundle_annotation "$b" io.oci-idmap-hook.skip /skipme

before_bundle=$(snapshot "$b")
before_vols=$(snapshot "$TEST_TMP/v501"; snapshot "$TEST_TMP/vroot"; snapshot "$TEST_TMP/vmine")
before_mounts=$(mounts_under_tmp)

out=$TEST_TMP/plan.json
"$HOOK" plan --json --bundle "$b" >"$out" 2>"$TEST_TMP/err"
assert_eq 0 "$?" "plan exit code"
assert_eq "" "$(cat "$TEST_TMP/err")" "plan stderr"
plan_validate "$out"

# Every mount, in config.json's order.
expected=$(json_q "$b/config.json" '[x["destination"] for x in d["mounts"]]')
assert_eq "$expected" "$(plan_q "$out" '[x["destination"] for x in p["mounts"]]')" "destinations"
assert_eq "$b" "$(plan_q "$out" 'p["bundle"]')" "bundle"
assert_eq null "$(plan_q "$out" 'p["id"]')" "id without a state"
assert_eq '{"user": {"uid": 1000, "gid": 1000}, "userns": false, "host_user": {"uid": 1000, "gid": 1000}}' \
	"$(plan_q "$out" 'p["container"]')" "container"

uid_swap='[[0, 0, 501], [501, 1000, 1], [502, 502, 498], [1000, 501, 1], [1001, 1001, 4294966294]]'
gid_swap='[[0, 0, 501], [501, 1000, 1], [502, 502, 498], [1000, 501, 1], [1001, 1001, 4294966294]]'
for d in /data /ro /rel; do
	assert_eq idmap "$(plan_q "$out" "m['$d']['action']")" "$d action"
	assert_eq '{"uid": 501, "gid": 501}' "$(plan_q "$out" "m['$d']['owner']")" "$d owner"
	assert_eq "$uid_swap" "$(plan_q "$out" "m['$d']['uid_map']")" "$d uid_map"
	assert_eq "$gid_swap" "$(plan_q "$out" "m['$d']['gid_map']")" "$d gid_map"
done
assert_eq "$b/relvol" "$(plan_q "$out" "m['/rel']['source']")" "relative source, resolved to the bundle"

# skip DESTINATION REASON-GLOB
expect_skip() {
	assert_eq skip "$(plan_q "$out" "m['$1']['action']")" "$1 action"
	assert_match "$2" "$(plan_q "$out" "m['$1']['reason']")" "$1 reason"
	assert_eq false "$(plan_q "$out" "'uid_map' in m['$1'] or 'gid_map' in m['$1']")" "$1 has no maps"
}
expect_skip /proc "not a bind mount"
assert_eq '[false, "proc", "proc", null]' \
	"$(plan_q "$out" "[m['/proc'][k] for k in ('bind', 'source', 'type', 'owner')]")" "/proc entry"
expect_skip /rootvol "*owned by root*"
assert_eq '{"uid": 0, "gid": 0}' "$(plan_q "$out" "m['/rootvol']['owner']")" "/rootvol owner"
expect_skip /mine "owner 1000:1000 already matches the container user"
expect_skip /mapped "*already gives this mount an id mapping*"
expect_skip /skipme "skipped by annotation io.oci-idmap-hook.skip"
expect_skip /gone "cannot stat source: No such file or directory"

expect_unchanged() {
	assert_no_new "$before_bundle" "$b"
	assert_eq "$before_vols" "$(snapshot "$TEST_TMP/v501"; snapshot "$TEST_TMP/vroot"
		snapshot "$TEST_TMP/vmine")" "the volumes after plan"
	assert_eq "$before_mounts" "$(mounts_under_tmp)" "mounts under the test directory"
}
expect_unchanged

# The disable annotation: every bind mount is skipped, and says why.
bundle_annotation "$b" io.oci-idmap-hook.disable true
"$HOOK" plan --json --bundle "$b" >"$out" || fail "plan with the disable annotation: exit $?"
plan_validate "$out"
assert_eq 0 "$(plan_q "$out" 'sum(x["action"] == "idmap" for x in p["mounts"])')" "idmapped under disable"
for d in /data /rootvol /mine /ro /rel; do
	expect_skip "$d" "disabled by annotation io.oci-idmap-hook.disable"
done
expect_skip /proc "not a bind mount"
bundle_annotation "$b" io.oci-idmap-hook.disable false
before_bundle=$(snapshot "$b") # the test edited config.json, plan must not

# plan changes nothing (also from a relative bundle path, run twice).
(cd "$TEST_TMP" && "$HOOK" plan --json --bundle bundle >"$out") || fail "plan --bundle bundle (relative)"
assert_eq "$b" "$(plan_q "$out" 'p["bundle"]')" "bundle given relative, printed absolute"
assert_eq idmap "$(plan_q "$out" "m['/data']['action']")" "/data action, relative bundle"
"$HOOK" plan --json --bundle "$b" >/dev/null || fail "plan again"
assert_no_new "$before_bundle" "$b"
expect_unchanged
exit 0
