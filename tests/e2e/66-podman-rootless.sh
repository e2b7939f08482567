#!/bin/bash
# Rootless Podman (4.3, with runc: crun 1.8 refuses this host's hybrid
# cgroups) run by a throwaway user with subordinate ids, the hook through an
# oci-hooks(5) descriptor.  Podman runs the hook in its rootless user
# namespace, where the kernel cannot idmap the host's filesystems: the
# container starts and sees the 501:501 volume exactly as without the hook
# (65534:65534, not writable), and the hook's log says "rootless: ..." for
# every bind mount.  The user, its subordinate ids, Podman's pause process
# and its directories go at the end.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_runtime runc
need_hook
need_cmd podman useradd usermod userdel newuidmap setpriv tar flock

# Test runs sharing the host take turns: a free uid and the subordinate ids.
exec 9>>/tmp/oci-idmap-hook.useradd.lock || fail "cannot open the useradd lock"
flock -w 600 9 || fail "waited 10 minutes for the useradd lock"
user=oihrl$$
uid=
for u in $(seq 1600 1700); do
	getent passwd "$u" >/dev/null || getent group "$u" >/dev/null || {
		uid=$u
		break
	}
done
[ -n "$uid" ] || skip "no free uid in 1600..1700 for a throwaway user"
home=$TEST_TMP/home xdg=$TEST_TMP/xdg
made_podman_run=
[ -e "/tmp/podman-run-$uid" ] || made_podman_run=1
made_subid_files=()
for f in /etc/subuid /etc/subgid; do
	[ -e "$f" ] || made_subid_files+=("$f")
done

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local f pid
	for f in "$xdg/libpod/tmp/pause.pid" "/tmp/podman-run-$uid/libpod/tmp/pause.pid"; do
		pid=$(cat "$f" 2>/dev/null) && kill "$pid" 2>/dev/null
	done
	getent passwd "$user" >/dev/null && userdel "$user" 2>/dev/null
	for f in "${made_subid_files[@]}"; do
		[ -s "$f" ] || rm -f "$f"
	done
	[ -z "$made_podman_run" ] || rm -rf "/tmp/podman-run-$uid"
	_lib_cleanup
}
trap cleanup EXIT

useradd -M -d "$home" -u "$uid" -U -s /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$user" ||
	fail "useradd $user failed"
usermod --add-subuids 300000-365535 --add-subgids 300000-365535 "$user" ||
	fail "usermod --add-subuids failed"
mkdir -p "$home" "$xdg" "$TEST_TMP/log" "$TEST_TMP/hooks.d" "$TEST_TMP/no-hooks.d"
chown "$uid:$uid" "$home" "$xdg" "$TEST_TMP/log"
chmod 0700 "$home" "$xdg"

# as_user CMD...: CMD as the throwaway user, with a clean environment.
as_user() {
	(cd "$home" && setpriv --reuid "$uid" --regid "$uid" --clear-groups \
		env -i HOME="$home" XDG_RUNTIME_DIR="$xdg" USER="$user" \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@")
}

make_rootfs "$TEST_TMP/rootfs"
tar -C "$TEST_TMP/rootfs" -cf "$TEST_TMP/rootfs.tar" . || fail "cannot pack the rootfs"
chmod 0644 "$TEST_TMP/rootfs.tar"
as_user podman import "$TEST_TMP/rootfs.tar" localhost/oih-rl:test >"$TEST_TMP/import.out" 2>&1 ||
	skip "rootless podman cannot import an image here: $(tail -n 3 "$TEST_TMP/import.out")"

log=$TEST_TMP/log/hook.log
cat >"$TEST_TMP/hooks.d/oci-idmap-hook.json" <<-EOF2
	{"version": "1.0.0",
	 "hook": {"path": "$HOOK", "args": ["oci-idmap-hook", "--log-level", "info", "--log-file", "$log"]},
	 "when": {"hasBindMounts": true}, "stages": ["createRuntime"]}
EOF2
chmod -R a+rX "$TEST_TMP/hooks.d" "$TEST_TMP/no-hooks.d"

vol=$TEST_TMP/vol
make_volume "$vol" 501 501
before=$(snapshot "$vol")

# prun HOOKS_DIR: the PROBE as 1000:1000 in rootless podman.
prun() {
	OUT=$(timeout -k 5 "$CONTAINER_TIMEOUT" bash -c "$(declare -f as_user)
		home=$home xdg=$xdg uid=$uid user=$user
		as_user podman --cgroup-manager cgroupfs --runtime runc --hooks-dir $1 run --rm \
			--network none --user 1000:1000 -v $vol:/data localhost/oih-rl:test sh -c '$PROBE'" \
		2>"$TEST_TMP/stderr")
	RC=$?
	ERR=$(cat "$TEST_TMP/stderr")
}

prun "$TEST_TMP/no-hooks.d"
[ "$RC" = 0 ] || skip "rootless podman cannot run a container here: $ERR"
assert_eq 1000:1000 "$(get id "$OUT")" "control: container user"
assert_eq 65534:65534 "$(get data "$OUT")" "control: owner of /data inside"
assert_eq "fail:Permission denied" "$(get write "$OUT")" "control: touch /data/new"
[ ! -e "$log" ] || fail "the hook ran in the control"

prun "$TEST_TMP/hooks.d"
assert_eq 0 "$RC" "rootless podman exit code with the hook"
assert_eq 65534:65534 "$(get data "$OUT")" "owner of /data inside with the hook"
assert_no_match "*idmapped*" "$(get mnt "$OUT")" "mount options of /data with the hook"
assert_eq "fail:Permission denied" "$(get write "$OUT")" "touch /data/new with the hook"
[ -s "$log" ] || fail "the hook did not run (no log)"
assert_match "*/data: skip: rootless: the hook runs in a user namespace (uid_map 0 $uid 1)*" \
	"$(cat "$log")" "the hook's log"
assert_no_match "*idmap (owner*" "$(cat "$log")" "the hook's log"
assert_no_match "*warn*" "$(cat "$log")" "the hook's log"
assert_no_new "$before" "$vol"
