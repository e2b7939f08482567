#!/bin/bash
# Sources the hook cannot idmap, each owned 501:501 (runc and crun):
#   /fuse a bindfs (FUSE) mount: FUSE is idmappable only where the server
#         opts in, bindfs does not (plan cannot tell and tries nothing: it
#         says idmap with a note; the kernel refuses at start);
#   /pp   /proc/PID of a process running as 501:501: proc cannot be idmapped.
# Each falls back cleanly: plan and the hook's log say why, the container
# starts and sees each source as it does without the hook.  A mismatched
# volume the filesystem cannot idmap (/fuse, /pp) is a warning (it goes to
# syslog by default).  (A source that is already idmapped is no longer one of
# these: its maps are composed, tests/e2e/57-idmapped-source-*.)
# With --strict, a mismatched volume that cannot be idmapped fails the start
# even when plan knows it beforehand (/pp), in one line that names the mount
# (and, with /pp2 too, how many more); a volume that needs nothing
# (1000:1000) starts as before.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
need_hook
need_cmd bindfs setpriv

setpriv --reuid=501 --regid=501 --clear-groups sleep 600 &
sleeper=$!
# shellcheck disable=SC2317 # called by the EXIT trap
_sleeper_cleanup() {
	kill "$sleeper" 2>/dev/null
	_mounts_cleanup
}
trap _sleeper_cleanup EXIT
for _ in $(seq 100); do
	[ "$(stat -c %u:%g /proc/$sleeper)" = 501:501 ] && break
	sleep 0.1
done
assert_eq 501:501 "$(stat -c %u:%g /proc/$sleeper)" "owner of /proc/$sleeper"

plain=$TEST_TMP/plain fuse=$TEST_TMP/fuse
make_volume "$plain" 501 501
mkdir -p "$fuse"
bindfs "$plain" "$fuse" || fail "bindfs failed"
assert_eq 501:501 "$(stat -c %u:%g "$fuse")" "owner of the FUSE source"
before=$(snapshot "$plain")

# shellcheck disable=SC2016
LOOK='for d in /fuse /pp; do
	stat -c "owner $d %u:%g" $d
	echo "mounts $d $(grep -c " $d " /proc/self/mountinfo)"
done
echo "fuse $(cat /fuse/hello 2>&1)"
echo "pp $(grep -c "^Uid:" /pp/status 2>&1)"'

for runtime in runc crun; do
	need_runtime $runtime
	b=$TEST_TMP/bundle-$runtime log=$TEST_TMP/hook-$runtime.log
	make_bundle "$b"
	bundle_user "$b" 1000 1000
	bundle_args "$b" sh -c "$LOOK"
	bundle_bind "$b" "$fuse" /fuse
	bundle_bind "$b" "/proc/$sleeper" /pp bind
	mkdir "$b/rootfs/fuse" "$b/rootfs/pp"
	run_probe $runtime "$b" without
	assert_eq 0 "$RC" "$runtime: exit code without the hook"
	without=$OUT
	assert_match "*fuse hello from the host*pp 1*" "$without" \
		"$runtime: the sources without the hook"

	bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --log-level info --log-file "$log"
	plan=$TEST_TMP/plan-$runtime.json
	plan_to "$plan" "$b"
	expect_plan "$plan" /fuse idmap "FUSE can be idmapped only where its server allows it*"
	expect_plan "$plan" /pp skip "source is on a filesystem of type proc, which cannot be idmapped"
	assert_eq '{"uid": 501, "gid": 501}' "$(plan_q "$plan" "m['/fuse']['owner']")" "plan: owner of /fuse"

	run_probe $runtime "$b" with
	assert_eq 0 "$RC" "$runtime: exit code"
	assert_eq "$without" "$OUT" "$runtime: what the container sees, with the hook and without"
	assert_match "*warn: cannot idmap, mount left as the runtime made it: /fuse: $fuse: mount_setattr(IDMAP): Invalid argument (filesystem cannot be idmapped)*" \
		"$(cat "$log")" "$runtime: the hook's log for /fuse"
	reason=$(plan_q "$plan" "m['/pp']['reason']")
	assert_match "*warn: /pp: skip: $reason*" "$(cat "$log")" "$runtime: the hook's log for /pp"
	assert_no_new "$before" "$plain"

	# --strict: /pp fails the start; a matching volume alone does not.
	s=$TEST_TMP/strict-$runtime
	make_bundle "$s"
	bundle_user "$s" 1000 1000
	bundle_args "$s" sh -c 'echo started'
	bundle_bind "$s" "/proc/$sleeper" /pp bind
	mkdir "$s/rootfs/pp"
	bundle_hook "$s" createRuntime "$HOOK" oci-idmap-hook --strict --log-file "$s.log"
	run_probe $runtime "$s" strict
	assert_ne 0 "$RC" "$runtime --strict: exit code with /pp"
	assert_no_match "*started*" "$OUT" "$runtime --strict: the container did not start"
	# One failure, one line: the error that fails the start, nothing else.
	assert_eq "error: /pp: source is on a filesystem of type proc, which cannot be idmapped" \
		"$(sed 's/^oci-idmap-hook: [^:]*: //' "$s.log")" "$runtime --strict: the hook's log"
	# Two such mounts: the first, and how many more.
	bundle_bind "$s" "/proc/$sleeper" /pp2 bind
	mkdir "$s/rootfs/pp2"
	rm -f "$s.log"
	run_probe $runtime "$s" strict2
	assert_ne 0 "$RC" "$runtime --strict: exit code with /pp and /pp2"
	assert_eq "error: /pp: source is on a filesystem of type proc, which cannot be idmapped (and 1 more)" \
		"$(sed 's/^oci-idmap-hook: [^:]*: //' "$s.log")" "$runtime --strict: the hook's log, two mounts"
	mine=$TEST_TMP/mine-$runtime
	make_volume "$mine" 1000 1000
	make_bundle "$s.ok"
	bundle_user "$s.ok" 1000 1000
	bundle_args "$s.ok" sh -c 'echo started'
	bundle_bind "$s.ok" "$mine" /mine
	mkdir "$s.ok/rootfs/mine"
	bundle_hook "$s.ok" createRuntime "$HOOK" oci-idmap-hook --strict
	run_probe $runtime "$s.ok" strict-ok
	assert_eq 0 "$RC" "$runtime --strict: exit code with a matching volume"
	assert_match "*started*" "$OUT" "$runtime --strict: the container with a matching volume"
done
exit 0
