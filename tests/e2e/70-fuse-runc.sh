#!/bin/bash
# A FUSE source (runc, and crun through the -crun symlink), served by
# tests/helpers/fuse_server over a backing directory owned 501:501 (no host
# account or group 501: a full swap), in each of its modes; the container
# user is 1000:1000.  For each mode `check` says whether the share can be
# idmapped and why not, and a control run without the hook says what the
# runtime alone shows:
#   allow      the server sets FUSE_ALLOW_IDMAP: check says yes; the
#              container sees /data as 1000:1000 through an idmapped mount,
#              and what it writes lands on the backing directory as 501:501;
#              where the hook cannot take the container user's ids to check
#              (setfsuid fails: the seccomp injector), it attaches nothing;
#   deny       it does not: the kernel refuses the idmap, the mount is left
#              as the runtime made it, the log says why;
#   percaller  it allows idmaps but answers owners by who asks (root sees
#              501:501, others 0:0): the idmap attaches fine and would show
#              root 1000:1000, but the container user 0:0;
#   junk       it allows idmaps but its owners do not follow them (a caller
#              other than root sees 1000501:1000501).
# percaller and junk: the hook's check as the container user (verify before
# attach) drops the clone, the log names the filesystem and what the
# container user would have seen, the container sees exactly what it sees
# without the hook, and --strict fails the start.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
runtime=$(runtime_of_test)
need_runtime "$runtime"
need_hook
need_fuse_server
if getent passwd 501 >/dev/null || getent group 501 >/dev/null; then
	skip "the host has an account or group 501: the test needs an owner without one"
fi

declare -A seen_by_1000=([percaller]=0:0 [junk]=1000501:1000501)

# run_mode MODE: a fresh backing directory served in MODE at $TEST_TMP/MODE.
run_mode() {
	local mode=$1 back=$TEST_TMP/back-$1 mnt=$TEST_TMP/$1 b log without before check
	make_volume "$back" 501 501
	fuse_start "$mode" "$back" "$mnt"
	_open_path_to "$mnt"
	assert_eq 501:501 "$(stat -c %u:%g "$mnt")" "$mode: owner of the share, to root"
	before=$(snapshot "$back")

	check=$("$HOOK" check "$mnt")
	if [ "$mode" = allow ] && [[ $check == *"mount_setattr(IDMAP): Invalid argument"* ]]; then
		skip "this kernel cannot idmap FUSE (Linux 6.12 and a server that allows it)"
	fi
	case $mode in
	allow) assert_eq "$mnt: yes (fuse.idmapfs)" "$check" "check allow" ;;
	deny)
		assert_eq "$mnt: no: fuse.idmapfs filesystem: mount_setattr(IDMAP): Invalid argument (filesystem cannot be idmapped)" \
			"$check" "check deny"
		;;
	*)
		assert_match "$mnt: no: fuse.idmapfs filesystem: through the idmapped clone, ids 1000:1000 see its root owned by ${seen_by_1000[$mode]}, not 1000:1000 (*)" \
			"$check" "check $mode"
		;;
	esac

	b=$TEST_TMP/bundle-$mode log=$TEST_TMP/hook-$mode.log
	probe_bundle "$b" "$mnt"
	run_probe "$runtime" "$b" "$mode-without"
	assert_eq 0 "$RC" "$mode: exit code without the hook"
	without=$OUT
	assert_match "*write=fail:Permission denied*" "$without" "$mode: a write without the hook"
	bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --log-level info --log-file "$log"
	plan_to "$b.plan" "$b"
	expect_plan "$b.plan" /data idmap "*FUSE can be idmapped only where its server allows it*"

	if [ "$mode" = allow ]; then
		assert_eq 501:501 "$(get data "$without")" "allow: owner of /data without the hook"
		expect_idmapped_rw "$runtime" "$b" "$back" "$before" 501:501
		assert_match "*info: /data: idmapped*" "$(cat "$log")" "allow: the hook's log"
		rm -f "$back/new"
		cannot_ask "$mnt" "$without"
		return
	fi
	run_probe "$runtime" "$b" "$mode-with"
	assert_eq 0 "$RC" "$mode: exit code with the hook"
	assert_eq "$without" "$OUT" "$mode: what the container sees, with the hook and without"
	assert_no_match "*idmapped*" "$(get mnt "$OUT")" "$mode: mount options of /data inside"
	assert_no_match "*/data: idmapped*" "$(cat "$log")" "$mode: the hook's log"
	if [ "$mode" = deny ]; then
		assert_match "*warn: cannot idmap, mount left as the runtime made it: /data: $mnt: mount_setattr(IDMAP): Invalid argument (filesystem cannot be idmapped)*" \
			"$(cat "$log")" "deny: the hook's log"
	else
		assert_eq "${seen_by_1000[$mode]}" "$(get data "$OUT")" "$mode: owner of /data inside"
		assert_match "*warn: cannot idmap, mount left as the runtime made it: /data: $mnt: fuse.idmapfs filesystem: through the idmapped clone, ids 1000:1000 see its root owned by ${seen_by_1000[$mode]}, not 1000:1000 (*)*" \
			"$(cat "$log")" "$mode: the hook's log"
		strict "$mode" "$mnt"
	fi
	assert_no_new "$before" "$back"
}

# strict MODE MOUNTPOINT: with --strict the start fails, naming the filesystem.
strict() {
	local s=$TEST_TMP/strict-$1
	make_bundle "$s"
	bundle_user "$s" 1000 1000
	bundle_args "$s" sh -c 'echo started'
	bundle_bind "$s" "$2" /data
	bundle_hook "$s" createRuntime "$HOOK" oci-idmap-hook --strict --log-file "$s.log"
	run_probe "$runtime" "$s" "$1-strict"
	assert_ne 0 "$RC" "$1 --strict: exit code"
	assert_no_match "*started*" "$OUT" "$1 --strict: the container did not start"
	assert_match "*error: /data: $2: fuse.idmapfs filesystem: through the idmapped clone*" \
		"$(cat "$s.log")" "$1 --strict: the hook's error"
}

# cannot_ask MOUNTPOINT WITHOUT: FUSE is asked as the container user; where
# the hook cannot take its ids (setfsuid fails: the seccomp injector), it
# cannot check, and the clone is never attached.
cannot_ask() {
	local c=$TEST_TMP/cannot-ask
	need_inject
	probe_bundle "$c" "$1"
	bundle_hook "$c" createRuntime "$INJECT" inject setfsuid EPERM -- \
		"$HOOK" --log-level info --log-file "$c.log"
	run_probe "$runtime" "$c" cannot-ask
	assert_eq 0 "$RC" "setfsuid EPERM: exit code"
	assert_eq "$2" "$OUT" "setfsuid EPERM: what the container sees, with the hook and without"
	assert_match "*warn: cannot idmap, mount left as the runtime made it: /data: $1: fuse.idmapfs filesystem: setfsuid/setfsgid: cannot take the container user's ids 1000:1000*" \
		"$(cat "$c.log")" "setfsuid EPERM: the hook's log"
}

for mode in allow deny percaller junk; do
	run_mode $mode
done
exit 0
