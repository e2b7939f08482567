#!/bin/bash
# Rootless: the hook and `plan` run by an unprivileged user (uid 1000) inside
# `unshare --user --map-root-user`, as a rootless engine runs its hooks.
# There the kernel refuses to idmap the host's filesystems (the control: a
# real attempt, `check`, fails), so `plan` says "rootless: ..." for every
# bind mount, with the owner as seen there (65534, the overflow id, for a
# volume of an unmapped owner), and the hook skips each one with that
# reason, creates no user namespace and no mount, and exits 0.  The same
# bundle planned as root on the host idmaps the volume.  The plan is valid
# against schemas/plan.schema.json.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_runtime runc # make_bundle uses `runc spec`; volumes need chown
need_hook
need_cmd setpriv unshare strace
"$PY" -c "import jsonschema" 2>/dev/null || skip "needs python3-jsonschema"

USER_ID=1000
# as_rootless CMD...: CMD as uid 1000, root only in a new user namespace.
as_rootless() {
	setpriv --reuid $USER_ID --regid $USER_ID --clear-groups \
		unshare --user --map-root-user "$@"
}
as_rootless true 2>/dev/null || skip "unprivileged user namespaces are disabled here"

b=$TEST_TMP/bundle
make_volume "$TEST_TMP/v501" 501 501
make_volume "$TEST_TMP/vmine" $USER_ID $USER_ID
make_bundle "$b"
bundle_user "$b" 1000 1000
bundle_bind "$b" "$TEST_TMP/v501" /data
bundle_bind "$b" "$TEST_TMP/vmine" /mine
chmod -R a+rX "$b"
before=$(snapshot "$TEST_TMP/v501")

# The premise, tried for real: rootless, this filesystem cannot be idmapped.
as_rootless unshare --mount "$HOOK" check "$TEST_TMP/v501" >"$TEST_TMP/check.out" 2>&1 &&
	fail "rootless check says the host's filesystem can be idmapped: $(cat "$TEST_TMP/check.out")"
assert_match "*: no: *" "$(cat "$TEST_TMP/check.out")" "rootless check"

# Control: as root on the host, the same bundle idmaps the 501:501 volume.
"$HOOK" plan --json --bundle "$b" >"$TEST_TMP/plan-root.json" || fail "plan as root failed"
assert_eq idmap "$(plan_q "$TEST_TMP/plan-root.json" 'm["/data"]["action"]')" "/data as root"

# plan, rootless: every bind mount skipped, saying why; exit 0.
as_rootless "$HOOK" plan --json --bundle "$b" >"$TEST_TMP/plan.json" 2>"$TEST_TMP/plan.err"
assert_eq 0 "$?" "rootless plan exit code ($(cat "$TEST_TMP/plan.err"))"
for d in /data /mine; do
	assert_eq skip "$(plan_q "$TEST_TMP/plan.json" "m['$d']['action']")" "$d rootless"
	assert_match "rootless: the hook runs in a user namespace (uid_map 0 $USER_ID 1)*" \
		"$(plan_q "$TEST_TMP/plan.json" "m['$d']['reason']")" "$d reason"
done
why=$("$PY" "$REPO/tests/schema/validate.py" "$REPO/schemas/plan.schema.json" "$TEST_TMP/plan.json") ||
	fail "rootless plan not valid against schemas/plan.schema.json: $why"
assert_eq '{"uid": 65534, "gid": 65534}' "$(plan_q "$TEST_TMP/plan.json" 'm["/data"]["owner"]')" \
	"owner of the 501:501 volume as seen rootless"
assert_eq '{"uid": 0, "gid": 0}' "$(plan_q "$TEST_TMP/plan.json" 'm["/mine"]["owner"]')" \
	"owner of the rootless user's own volume as seen rootless"

# The hook, rootless, at createRuntime for a "container" (a process in its
# own mount namespace inside that user namespace): nothing is tried.
cat >"$TEST_TMP/run-hook.sh" <<-'EOS'
	set -u
	hook=$1 bundle=$2 out=$3
	unshare --mount --propagation private sleep 60 &
	pid=$!
	for _ in $(seq 100); do
		[ "$(readlink /proc/$pid/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] && break
		sleep 0.05
	done
	[ "$(readlink /proc/$pid/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] || exit 90
	cat /proc/$pid/mountinfo >"$out/mounts.before"
	printf '{"ociVersion":"1.0.2","id":"rootless","status":"creating","pid":%d,"bundle":"%s"}' \
		"$pid" "$bundle" >"$out/state.json"
	strace -f -qq -o "$out/trace" -e trace=unshare,clone,clone3,open_tree,mount_setattr,move_mount \
		"$hook" --log-level info --log-file "$out/hook.log" <"$out/state.json"
	rc=$?
	cat /proc/$pid/mountinfo >"$out/mounts.after"
	kill $pid
	wait $pid 2>/dev/null
	exit $rc
EOS
out=$TEST_TMP/rl
mkdir -p "$out"
chown $USER_ID:$USER_ID "$out"
as_rootless sh "$TEST_TMP/run-hook.sh" "$HOOK" "$b" "$out"
rc=$?
[ $rc != 90 ] || fail "the stand-in container never got its own mount namespace"
assert_eq 0 "$rc" "rootless hook exit code ($(cat "$out/hook.log" 2>/dev/null))"
log=$(cat "$out/hook.log")
assert_match "*/data: skip: rootless: the hook runs in a user namespace*" "$log" "hook log for /data"
assert_match "*/mine: skip: rootless: the hook runs in a user namespace*" "$log" "hook log for /mine"
trace=$(cat "$out/trace")
assert_no_match "*CLONE_NEWUSER*" "$trace" "rootless hook's clone/unshare calls"
assert_no_match "*open_tree*" "$trace" "rootless hook's mount calls"
assert_no_match "*move_mount*" "$trace" "rootless hook's mount calls"
cmp -s "$out/mounts.before" "$out/mounts.after" ||
	fail "the container's mount table changed: $(diff "$out/mounts.before" "$out/mounts.after")"
assert_no_new "$before" "$TEST_TMP/v501"
