#!/bin/bash
# A failure half-way through a container with several mounts.  Three volumes
# with three owners (501:501 at /a, 502:502 at /b, 503:503 at /c: three user
# namespaces, one per mapping); the injector fails only the 2nd call of one
# step, the one made for /b.  Without --strict: /a and /c are idmapped
# (1000:1000 inside), /b stays as runc made it (502:502), every volume shows
# its own data, runc exits 0 and the log names /b and the step.  With
# --strict the container does not start.
# Then a tree (/data, and /data/sub on top of it, both idmapped): /data's
# clone is assembled detached (the clone of /data/sub moved into it, the 1st
# move_mount), then attached in one step (the 2nd).  Either failing leaves
# both as runc made them, both with their data: there is never a half-done
# tree to undo, so the hook never unmounts anything.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../helpers/hostile.sh
. "$REPO/tests/helpers/hostile.sh"
need_runtime runc
need_kernel attach_detached
need_hook
need_inject

# For each directory argument: "DIR owner hello-owner content idmapped|plain".
# shellcheck disable=SC2016
MPROBE='for d in "$@"; do
	m=$(grep " $d " /proc/self/mountinfo | tail -n1 | cut -d" " -f6)
	case $m in *idmapped*) m=idmapped ;; *) m=plain ;; esac
	echo "$d $(stat -c %u:%g "$d") $(stat -c %u:%g "$d/hello") $(cat "$d/hello") $m"
done'

declare -A strerror=([ENOSYS]="Function not implemented" [EINVAL]="Invalid argument"
	[EPERM]="Operation not permitted" [ENOMEM]="Cannot allocate memory")

# Volumes: /a, /b, /c; hello says whose it is.
for v in a:501:501 b:502:502 c:503:503; do
	IFS=: read -r name uid gid <<<"$v"
	make_volume "$TEST_TMP/vol-$name" "$uid" "$gid"
	printf 'volume %s\n' "$name" >"$TEST_TMP/vol-$name/hello"
done
make_volume "$TEST_TMP/vol-sub" 504 504
printf 'volume sub\n' >"$TEST_TMP/vol-sub/hello"
snap_all() {
	local v
	for v in a b c sub; do snapshot "$TEST_TMP/vol-$v"; done
}
before=$(snap_all)

# run_case NAME BUNDLE-KIND RULE... -- HOOK-OPTION...: sets OUT ERR RC LOG TRACE.
run_case() {
	local name=$1 kind=$2 b hookopts=() rule=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do rule+=("$1") && shift; done
	shift
	hookopts=("$@")
	b=$TEST_TMP/b-$name${hookopts[0]:+-strict}
	make_bundle "$b"
	bundle_user "$b" 1000 1000
	if [ "$kind" = three ]; then
		bundle_args "$b" sh -c "$MPROBE" sh /a /b /c
		for v in a b c; do bundle_bind "$b" "$TEST_TMP/vol-$v" "/$v"; done
	else
		bundle_args "$b" sh -c "$MPROBE" sh /data /data/sub
		bundle_bind "$b" "$TEST_TMP/vol-a" /data
		bundle_bind "$b" "$TEST_TMP/vol-sub" /data/sub
	fi
	bundle_hook "$b" createRuntime "$INJECT" inject --trace "$b.trace" "${rule[@]}" -- \
		"$HOOK" "${hookopts[@]}" --log-level info --log-file "$b.log"
	run_watched runc "$b" "$name"
	TRACE=$(cat "$b.trace" 2>/dev/null)
	diff "$b.host-before" "$b.host-after" >&2 || fail "$name: the host's mount table changed"
}

# name | rule (the errno is appended) | the step, as a glob
table='
clone-userns  | --nth 2 clone                          | clone(CLONE_NEWUSER)
write-uid_map | --nth 2 --path /proc/*/uid_map write   | write /proc/*/uid_map
open_tree     | --nth 2 open_tree                      | open_tree(CLONE*
mount_setattr | --nth 2 mount_setattr                  | mount_setattr(IDMAP)
resolve       | --nth 2 openat2                        | resolve /b in the rootfs
move_mount    | --nth 2 move_mount                     | move_mount
'
while IFS='|' read -r name rule step; do
	read -r name <<<"$name"
	[ -n "$name" ] || continue
	read -r -a words <<<"$rule"
	step=$(sed 's/^ *//; s/ *$//' <<<"$step")
	for errno in ENOSYS EINVAL EPERM ENOMEM; do
		what="$name (2nd call) $errno"
		echo "case: $what"
		run_case "$name-$errno" three "${words[@]}" "$errno" --
		assert_eq 0 "$RC" "$what: runc exit code"
		assert_eq "/a 1000:1000 1000:1000 volume a idmapped" "$(sed -n 1p <<<"$OUT")" "$what: /a inside"
		assert_eq "/b 502:502 502:502 volume b plain" "$(sed -n 2p <<<"$OUT")" "$what: /b inside"
		assert_eq "/c 1000:1000 1000:1000 volume c idmapped" "$(sed -n 3p <<<"$OUT")" "$what: /c inside"
		assert_match "*cannot idmap, mount left as the runtime made it: /b: *$step*: ${strerror[$errno]}*" \
			"$LOG" "$what: the reason in the log"
		assert_match "*/a: idmapped*" "$LOG" "$what: the log"
		assert_match "*/c: idmapped*" "$LOG" "$what: the log"
		assert_eq 1 "$(grep -c " $errno " <<<"$TRACE")" "$what: failures injected"

		run_case "$name-$errno" three "${words[@]}" "$errno" -- --strict
		assert_ne 0 "$RC" "$what --strict: runc exit code"
		assert_eq "" "$OUT" "$what --strict: the container's output"
		assert_match "*stderr: oci-idmap-hook: oih-*: /b: *$step*: ${strerror[$errno]}*" "$ERR" \
			"$what --strict: runc's error"
		assert_eq "$before" "$(snap_all)" "$what: the host's volumes"
	done
done <<<"$table"

for nth in 1 2; do
	for errno in ENOSYS EINVAL EPERM ENOMEM; do
		what="tree: move_mount $nth of 2 $errno"
		echo "case: $what"
		run_case "group-$nth-$errno" group --nth $nth move_mount "$errno" --
		assert_eq 0 "$RC" "$what: runc exit code"
		assert_eq "/data 501:501 501:501 volume a plain" "$(sed -n 1p <<<"$OUT")" "$what: /data inside"
		assert_eq "/data/sub 504:504 504:504 volume sub plain" "$(sed -n 2p <<<"$OUT")" "$what: /data/sub inside"
		assert_match "*cannot idmap, mount left as the runtime made it: /data: *move_mount: ${strerror[$errno]}*" \
			"$LOG" "$what: the reason in the log"
		assert_match "*cannot idmap, mount left as the runtime made it: /data/sub: *move_mount: ${strerror[$errno]}*" \
			"$LOG" "$what: the reason in the log"
		assert_no_match "*: idmapped*" "$LOG" "$what: the log"
		assert_eq 1 "$(grep -c " $errno " <<<"$TRACE")" "$what: failures injected"
		assert_eq "$before" "$(snap_all)" "$what: the host's volumes"
	done
done
