#!/bin/bash
# Whose files these are (runc and crun, each against a control without the
# hook).  The hook hands a volume to the container user only when the
# source path, as written in config.json, is under the control of root or
# of the volume's owner alone, and leads to the mount the runtime made:
#   symlinked: the source is user A's (502) symlink to user B's (501)
#     private directory.  Without the hook the container user cannot read it;
#     with the hook neither (A cannot give away B's files): the container
#     sees what the control sees, and the log names A's directory.
#   racing: user 501 swaps its symlink "cur" in a loop between its own
#     directory and a root-owned one holding a 501-owned secret; over many
#     starts the secret is never shown as the container user's.
#   setuid: a setuid binary that the container user itself placed on the
#     volume's filesystem through a path that is not remapped (on disk: its
#     own uid) is shown through the remapped volume as the volume owner's;
#     run from there it must not give the container user that owner's euid
#     (the remapped volume is nosuid).  The plain path is nosuid itself:
#     otherwise the volume is left (lib/owner.h: a setuid file made through
#     it would run as its owner there).  The control: a setuid binary of
#     another user in the rootfs works, so setuid is honoured in this
#     container at all.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_hook
need_cmd gcc setpriv
STARTS=${RACE_STARTS:-100}

# run_both RUNTIME BUNDLE NAME: without the hook, then with it; WITHOUT, OUT.
run_both() {
	run_probe "$1" "$2" "$3-without"
	assert_eq 0 "$RC" "$1, $3: exit code without the hook"
	WITHOUT=$OUT
	bundle_hook "$2" createRuntime "$HOOK" oci-idmap-hook --log-level info --log-file "$2.log"
	run_probe "$1" "$2" "$3-with"
	assert_eq 0 "$RC" "$1, $3: exit code"
}

# --- symlinked: A's symlink to B's private directory ---------------------------
a=$TEST_TMP/a private=$TEST_TMP/b/private
make_volume "$private" 501 501
chmod 0700 "$private"
mkdir -p "$a"
chown 502:21 "$a"
ln -s "$private" "$a/link"
chown -h 502:21 "$a/link"
_open_path_to "$a"
before=$(snapshot "$private")
# shellcheck disable=SC2016
LOOK='stat -c "owner %u:%g" /data; cat /data/hello 2>&1 | sed "s/^/read /"'
for rt in runc crun; do
	need_runtime $rt
	b=$TEST_TMP/b-symlinked-$rt
	make_bundle "$b"
	bundle_user "$b" 1000 1000
	bundle_args "$b" sh -c "$LOOK"
	bundle_bind "$b" "$a/link" /data
	run_both $rt "$b" symlinked
	assert_match "*read *Permission denied*" "$WITHOUT" "$rt, symlinked: the control"
	assert_eq "$WITHOUT" "$OUT" "$rt, symlinked: what the container sees, without the hook and with"
	assert_match "*/data: skip: $a, on the source path, belongs to uid 502, neither root nor the volume's owner*" \
		"$(cat "$b.log")" "$rt, symlinked: the log"
	assert_no_new "$before" "$private"
done

# --- setuid through the remapped volume ------------------------------------------
cat >"$TEST_TMP/euid.c" <<-'EOF'
	#include <stdio.h>
	#include <unistd.h>
	int main(void) { printf("%u\n", (unsigned)geteuid()); return 0; }
EOF
gcc -static -O2 -o "$TEST_TMP/euid" "$TEST_TMP/euid.c" || skip "cannot build a static program"
vol=$TEST_TMP/suid-vol
make_volume "$vol" 501 501
mkdir "$vol/drop"
chown 1000:1000 "$vol/drop"
install -o 2000 -g 2000 -m 4755 "$TEST_TMP/euid" "$vol/theirs"
install -o 1000 -g 1000 -m 0755 "$TEST_TMP/euid" "$vol/drop/euid"
# The container user copies the program through /plain (not remapped: on
# disk it is its own uid, 1000), makes it setuid, and runs it from /data.
# shellcheck disable=SC2016
SUID='busybox cp /plain/drop/euid /plain/drop/mine && busybox chmod 4755 /plain/drop/mine
echo "owner=$(stat -c %u /data/drop/mine)"
echo "rootfs-theirs=$(/bin/theirs)"
echo "data-mine=$(/data/drop/mine)"
echo "data-theirs=$(/data/theirs)"'
for rt in runc crun; do
	need_runtime $rt
	rm -f "$vol/drop/mine"
	b=$TEST_TMP/b-suid-$rt
	make_bundle "$b"
	bundle_user "$b" 1000 1000
	_spec "$b" get process >/dev/null
	"$PY" -I -S - "$b/config.json" <<-'EOF' || fail "cannot edit config.json"
		import json, sys
		spec = json.load(open(sys.argv[1]))
		spec["process"]["noNewPrivileges"] = False
		json.dump(spec, open(sys.argv[1], "w"), indent=1)
	EOF
	mkdir -p "$b/rootfs/plain"
	install -o 2000 -g 2000 -m 4755 "$TEST_TMP/euid" "$b/rootfs/bin/theirs" # the control's
	bundle_args "$b" sh -c "$SUID"
	bundle_bind "$b" "$vol" /data
	bundle_bind "$b" "$vol" /plain rbind nosuid
	bundle_annotation "$b" io.oci-idmap-hook.skip /plain
	run_probe $rt "$b" suid-without
	assert_eq 0 "$RC" "$rt, setuid: exit code without the hook"
	assert_eq 2000 "$(get rootfs-theirs "$OUT")" "$rt, setuid: the control (setuid works here)"
	assert_eq 1000 "$(get data-mine "$OUT")" "$rt, setuid: own binary without the hook"
	rm -f "$vol/drop/mine"
	bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --log-level info --log-file "$b.log"
	run_probe $rt "$b" suid-with
	assert_eq 0 "$RC" "$rt, setuid: exit code"
	assert_eq 501 "$(get owner "$OUT")" "$rt, setuid: the binary's owner through /data (the swap)"
	assert_eq 2000 "$(get rootfs-theirs "$OUT")" "$rt, setuid: setuid in the rootfs"
	assert_eq 1000 "$(get data-mine "$OUT")" "$rt, setuid: euid of its own binary run from /data"
	assert_eq 1000 "$(get data-theirs "$OUT")" "$rt, setuid: euid of another's binary run from /data"
	assert_eq 1000:1000 "$(stat -c %u:%g "$vol/drop/mine")" "$rt, setuid: the binary on disk"
done

# --- racing: a symlink swapped in a loop while containers start ----------------
home=$TEST_TMP/u501 rootdir=$TEST_TMP/rootowned
make_volume "$home/mine" 501 501
printf 'mine\n' >"$home/mine/marker"
chown 501:501 "$home/mine/marker" "$home"
mkdir -p "$rootdir"
printf 'secret\n' >"$rootdir/marker"
chown 501:501 "$rootdir/marker"
chmod 0600 "$rootdir/marker"
chmod 0755 "$rootdir"
ln -s "$home/mine" "$home/cur"
chown -h 501:501 "$home/cur"
_open_path_to "$home"
_open_path_to "$rootdir"
# The attacker (uid 501) swaps cur between its directory and the root-owned one.
# shellcheck disable=SC2016
setpriv --reuid=501 --regid=501 --clear-groups sh -c '
	while :; do
		ln -sfn "$2" "$1/next" && mv -T "$1/next" "$1/cur"
		ln -sfn "$3" "$1/next" && mv -T "$1/next" "$1/cur"
	done' swapper "$home" "$rootdir" "$home/mine" &
swapper=$!
# shellcheck disable=SC2317 # called by the EXIT trap
_swapper_cleanup() {
	kill "$swapper" 2>/dev/null
	wait "$swapper" 2>/dev/null
	_lib_cleanup
}
trap _swapper_cleanup EXIT
# shellcheck disable=SC2016
RACE='stat -c "owner %u:%g" /data/marker; cat /data/marker 2>&1 | sed "s/^/read /"'
for rt in runc crun; do
	need_runtime $rt
	b=$TEST_TMP/b-race-$rt
	make_bundle "$b"
	bundle_user "$b" 1000 1000
	bundle_args "$b" sh -c "$RACE"
	bundle_bind "$b" "$home/cur" /data
	bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --log-level info --log-file "$b.log"
	secret=0 mine=0 mine_mapped=0
	for i in $(seq "$STARTS"); do
		run_probe $rt "$b" "race-$i"
		[ "$RC" = 0 ] || fail "$rt, racing start $i: exit code $RC"
		case $OUT in
		*"read secret"*) fail "$rt, racing start $i: the container read the root-owned directory's secret" ;;
		*"read Permission denied"* | *"read cat: can't open '/data/marker': Permission denied"*)
			assert_match "owner 501:501*" "$OUT" "$rt, racing start $i: the secret's owner inside"
			secret=$((secret + 1)) ;;
		*"read mine"*)
			mine=$((mine + 1))
			[[ $OUT != "owner 1000:1000"* ]] || mine_mapped=$((mine_mapped + 1)) ;;
		*) fail "$rt, racing start $i: unexpected view" ;;
		esac
	done
	echo "$rt: $STARTS starts: root-owned directory $secret (never mapped), the user's $mine ($mine_mapped idmapped)"
	[ "$secret" -gt 0 ] && [ "$mine_mapped" -gt 0 ] ||
		fail "$rt: the race did not hit both directories ($secret root-owned, $mine_mapped mapped)"
done
exit 0
