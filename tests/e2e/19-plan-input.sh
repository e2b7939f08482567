#!/bin/bash
# `oci-idmap-hook plan` input: --state FILE and --state - (the OCI state, as
# the hook reads it: id, bundle and pid come from it), a container user
# namespace (the host ids of the container user in the maps), a user
# namespace joined by path (without --pid: what it cannot know, exit 0),
# and the errors: bad input is the hook's own one-line error with exit 1,
# bad usage exit 2.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_runtime runc # make_bundle uses `runc spec`; volumes need chown
need_hook
"$PY" -c 'import jsonschema' 2>/dev/null || skip "needs python3-jsonschema"

b=$TEST_TMP/bundle out=$TEST_TMP/plan.json err=$TEST_TMP/err
make_volume "$TEST_TMP/v501" 501 501
make_bundle "$b"
bundle_user "$b" 1000 1000
bundle_bind "$b" "$TEST_TMP/v501" /data
id="plan-input-$$"
state="{\"ociVersion\":\"1.0.2\",\"id\":\"$id\",\"status\":\"creating\",\"bundle\":\"$b\"}"
printf '%s' "$state" >"$TEST_TMP/state.json"

# --state FILE and --state -: the same plan as --bundle, with the id.
"$HOOK" plan --json --bundle "$b" >"$TEST_TMP/by-bundle.json" || fail "plan --bundle: exit $?"
"$HOOK" plan --json --state "$TEST_TMP/state.json" >"$out" || fail "plan --state FILE: exit $?"
plan_validate "$out"
assert_eq "$id" "$(plan_q "$out" 'p["id"]')" "id from --state FILE"
assert_eq "$(plan_q "$TEST_TMP/by-bundle.json" 'p["mounts"]')" "$(plan_q "$out" 'p["mounts"]')" \
	"mounts with --state FILE and with --bundle"
"$HOOK" plan --json --state - <"$TEST_TMP/state.json" >"$out" || fail "plan --state -: exit $?"
assert_eq "$id" "$(plan_q "$out" 'p["id"]')" "id from --state -"
assert_eq idmap "$(plan_q "$out" "m['/data']['action']")" "/data action from --state -"

# A container user namespace (0 -> 100000, 65536 ids): the container user
# 1000:1000 is 101000:101000 on the host, and the volume's owner is shown as
# that, with no other id of the container's range (lib/owner.h).
cp -a "$b/config.json" "$TEST_TMP/config.plain"
bundle_userns "$b" 100000 65536
"$HOOK" plan --json --bundle "$b" >"$out" || fail "plan with a user namespace: exit $?"
plan_validate "$out"
assert_eq '{"user": {"uid": 1000, "gid": 1000}, "userns": true, "host_user": {"uid": 101000, "gid": 101000}}' \
	"$(plan_q "$out" 'p["container"]')" "container with a user namespace"
assert_eq idmap "$(plan_q "$out" "m['/data']['action']")" "/data action with a user namespace"
assert_eq '[501, 101000, 1]' "$(plan_q "$out" "[e for e in m['/data']['uid_map'] if e[0] == 501][0]")" \
	"/data uid_map sends 501 to the container user's host uid"
assert_eq '[[0, 0, 501], [501, 101000, 1], [502, 502, 99498], [165536, 165536, 4294801759]]' \
	"$(plan_q "$out" "m['/data']['uid_map']")" "/data uid_map: the owner alone of the container's range"

# The user namespace joined by path: its maps come from --pid (here: this
# shell, in the initial user namespace: the identity).
cp -a "$TEST_TMP/config.plain" "$b/config.json"
"$PY" -I -S - "$b/config.json" "/proc/$$/ns/user" <<-'EOF' || fail "cannot add a userns path"
	import json, sys
	spec = json.load(open(sys.argv[1]))
	spec["linux"].setdefault("namespaces", []).append({"type": "user", "path": sys.argv[2]})
	json.dump(spec, open(sys.argv[1], "w"), indent=1)
EOF
# Without --pid the maps cannot be known: the plan says so for each bind
# mount, which the hook would leave as the runtime made it, and exits 0.
"$HOOK" plan --json --bundle "$b" >"$out" 2>"$err"
assert_eq 0 "$?" "plan, userns joined by path, no --pid: exit code"
assert_eq "" "$(cat "$err")" "plan, userns joined by path, no --pid: stderr"
plan_validate "$out"
assert_eq null "$(plan_q "$out" 'p["container"]["host_user"]')" "host user, maps not known"
assert_eq skip "$(plan_q "$out" "m['/data']['action']")" "/data action, maps not known"
assert_eq "cannot know the container user's host ids: the user namespace is joined by path: its maps need --pid" \
	"$(plan_q "$out" "m['/data']['reason']")" "/data reason, maps not known"
"$HOOK" plan --json --bundle "$b" --pid $$ >"$out" || fail "plan --pid: exit $?"
plan_validate "$out"
assert_eq '{"user": {"uid": 1000, "gid": 1000}, "userns": true, "host_user": {"uid": 1000, "gid": 1000}}' \
	"$(plan_q "$out" 'p["container"]')" "container, userns of pid $$"
assert_eq idmap "$(plan_q "$out" "m['/data']['action']")" "/data action, userns of pid $$"
cp -a "$TEST_TMP/config.plain" "$b/config.json"

# Bad input: the hook's own error line (same stdin, same message), exit 1.
for input in '' '{' '{"ociVersion":"1.0.2","id":"x","status":"creating"}' \
	"{\"ociVersion\":\"1.0.2\",\"id\":\"x\",\"status\":\"creating\",\"bundle\":\"$TEST_TMP/nope\"}"; do
	printf '%s' "$input" | "$HOOK" plan --json --state - >"$out" 2>"$err"
	assert_eq 1 "$?" "plan --state - <<<'$input': exit code"
	assert_eq "" "$(cat "$out")" "plan --state - <<<'$input': stdout"
	assert_eq 1 "$(wc -l <"$err")" "plan --state - <<<'$input': one error line"
	assert_match "oci-idmap-hook: *" "$(cat "$err")" "plan --state - <<<'$input': message"
	hook_err=$(printf '%s' "$input" | "$HOOK" 2>&1)
	# The hook stops at a bundle it cannot read only when it acts (a pid), so
	# compare where both read the same input the same way.
	if [ -n "$hook_err" ]; then
		assert_eq "$hook_err" "$(cat "$err")" "plan and hook agree on '$input'"
	fi
done
"$HOOK" plan --json --bundle "$TEST_TMP/nope" >"$out" 2>"$err"
assert_eq 1 "$?" "plan --bundle missing: exit code"
assert_eq "oci-idmap-hook: open $TEST_TMP/nope/config.json: No such file or directory" \
	"$(cat "$err")" "plan --bundle missing: message"
"$HOOK" plan --json --state "$TEST_TMP/nope.json" >"$out" 2>"$err"
assert_eq 1 "$?" "plan --state missing: exit code"
assert_eq "oci-idmap-hook: state: open $TEST_TMP/nope.json: No such file or directory" \
	"$(cat "$err")" "plan --state missing: message"

# Usage errors: exit 2, nothing on stdout.
usage() {
	"$HOOK" plan --json "$@" >"$out" 2>"$err"
	assert_eq 2 "$?" "plan $*: exit code"
	assert_eq "" "$(cat "$out")" "plan $*: stdout"
	assert_match "oci-idmap-hook: *see --help*" "$(cat "$err")" "plan $*: message"
}
usage
usage --bundle "$b" --state -
usage --bundle "$b" --bogus
usage --bundle
usage --bundle "$b" --pid 0
usage --bundle "$b" --pid 12x
usage --state - --pid 1
usage --bundle "$b" extra
exit 0
