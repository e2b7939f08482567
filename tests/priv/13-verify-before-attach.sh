#!/bin/bash
# Verify before attach, on a plain filesystem (the seccomp injector around
# the hook, runc and crun, the container user 1000:1000, volumes owned
# 501:501 on a tmpfs):
#  - owner-changed: the volume's owner changes after the hook looked and
#    before it clones (the injector runs chown at the hook's third setns, its
#    entry into the container to act).  The clone, idmapped with the swap
#    501<->1000 planned from what the hook saw, shows the container user
#    600:600, not 1000:1000: it is never attached.  The container sees the
#    volume as the runtime made it (600:600, not idmapped, not writable),
#    the log names the filesystem and both owners, --strict fails the start;
#  - owner-kept: the same moment, a chown to the owner it already has: the
#    volume is idmapped as always (the injection itself breaks nothing);
#  - as-root: a tmpfs answers a stat alike to every caller, so the hook asks
#    as root and takes no other ids: with setfsuid failing (EPERM) the
#    volume is idmapped, and the hook never called setfsuid.  (Where it must
#    ask as the container user and cannot: tests/e2e/70-fuse-*.)
# The host's mount table never changes.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
# shellcheck source=../helpers/hostile.sh
. "$REPO/tests/helpers/hostile.sh"
need_hook
need_inject
fs=$TEST_TMP/fs
mkdir -p "$fs"
mount -t tmpfs -o mode=0755 none "$fs" || fail "cannot mount a tmpfs"
# check tries it: a tmpfs can be idmapped from Linux 6.3 on.
[[ $("$HOOK" check "$fs") == *": yes (tmpfs)" ]] || skip "cannot idmap a tmpfs here: $("$HOOK" check "$fs")"

# run_case RUNTIME NAME [--strict] -- RULE...: a fresh 501:501 volume ($VOL)
# and a probe bundle with the hook under the injector; sets OUT, ERR, RC,
# LOG and TRACE.  RULE may use @VOL@ for the volume.
run_case() {
	local rt=$1 name=$2 strict= b
	shift 2
	[ "$1" != --strict ] || strict=--strict
	[ -z "$strict" ] || shift
	shift # --
	b=$TEST_TMP/b-$rt-$name${strict:+-strict}
	VOL=$fs/vol-$rt-$name${strict:+-strict}
	make_volume "$VOL" 501 501
	probe_bundle "$b" "$VOL"
	bundle_hook "$b" createRuntime "$INJECT" inject --trace "$b.trace" "${@//@VOL@/$VOL}" -- \
		"$HOOK" ${strict:+"$strict"} --log-level info --log-file "$b.log"
	run_watched "$rt" "$b" "$name"
	TRACE=$(cat "$b.trace" 2>/dev/null)
	diff "$b.host-before" "$b.host-after" >&2 || fail "$rt $name: the host's mount table changed"
}

for rt in runc crun; do
	need_runtime $rt

	run_case $rt owner-changed -- --nth 3 --run "chown 600:600 @VOL@" setns none
	assert_eq 0 "$RC" "$rt owner-changed: exit code"
	assert_eq 600:600 "$(get data "$OUT")" "$rt owner-changed: owner of /data inside"
	assert_no_match "*idmapped*" "$(get mnt "$OUT")" "$rt owner-changed: mount options of /data"
	assert_eq "fail:Permission denied" "$(get write "$OUT")" "$rt owner-changed: a write inside"
	assert_match "*info: /data: idmap (owner 501:501 -> 1000:1000)*" "$LOG" "$rt owner-changed: the plan"
	assert_match "*warn: cannot idmap, mount left as the runtime made it: /data: $VOL: tmpfs filesystem: through the idmapped clone, ids 1000:1000 see its root owned by 600:600, not 1000:1000 (*changed meanwhile)*" \
		"$LOG" "$rt owner-changed: the reason in the log"
	assert_no_match "*/data: idmapped*" "$LOG" "$rt owner-changed: the log"
	assert_match "setns none *" "$TRACE" "$rt owner-changed: the injector's chown"

	run_case $rt owner-changed --strict -- --nth 3 --run "chown 600:600 @VOL@" setns none
	assert_ne 0 "$RC" "$rt owner-changed --strict: exit code"
	assert_eq "<missing id>" "$(get id "$OUT")" "$rt owner-changed --strict: the container ran"
	assert_match "*error: /data: $VOL: tmpfs filesystem: through the idmapped clone, ids 1000:1000 see its root owned by 600:600, not 1000:1000*" \
		"$LOG" "$rt owner-changed --strict: the hook's error"

	run_case $rt owner-kept -- --nth 3 --run "chown 501:501 @VOL@" setns none
	assert_eq 0 "$RC" "$rt owner-kept: exit code"
	assert_eq 1000:1000 "$(get data "$OUT")" "$rt owner-kept: owner of /data inside"
	assert_match "*idmapped*" "$(get mnt "$OUT")" "$rt owner-kept: mount options of /data"
	assert_eq ok "$(get write "$OUT")" "$rt owner-kept: a write inside"
	assert_eq 501:501 "$(stat -c %u:%g "$VOL/new")" "$rt owner-kept: the new file on the host"
	assert_match "setns none *" "$TRACE" "$rt owner-kept: the injector's chown"

	run_case $rt as-root -- setfsuid,setfsgid EPERM
	assert_eq 0 "$RC" "$rt as-root: exit code"
	assert_eq 1000:1000 "$(get data "$OUT")" "$rt as-root: owner of /data inside"
	assert_match "*idmapped*" "$(get mnt "$OUT")" "$rt as-root: mount options of /data"
	assert_eq "" "$TRACE" "$rt as-root: calls the injector failed"
done
exit 0
