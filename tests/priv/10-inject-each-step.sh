#!/bin/bash
# Every system call the hook makes on its way, failed with ENOSYS, EINVAL,
# EPERM and ENOMEM in turn (a seccomp injector around the hook, in a real runc
# container with a 501:501 volume at /data, the container user 1000:1000):
#  - without --strict the container starts, /data is the mount runc made
#    (501:501, its data there, not idmapped), runc exits 0 and the hook's log
#    (--log-level info) gives the reason, naming the step;
#  - with --strict the container does not start and the hook's error line
#    (in runc's error) names the step: the one line of warning or error it
#    logs.
# In every case the host's mount table (runc runs in a private mount
# namespace standing for the host) does not change.  The injector's trace
# proves each failure was really injected.  clone3 and unshare the hook must
# not need at all (seccomp profiles often make clone3 fail with ENOSYS).  umount2, used only
# to undo a half-done group, is failed in 11-inject-halfway.sh.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../helpers/hostile.sh
. "$REPO/tests/helpers/hostile.sh"
need_runtime runc
need_hook
need_inject

# Self-test of the injector's supervised mode: only the matching call fails.
t=$TEST_TMP/inject-selftest
mkdir -p "$t"
"$INJECT" --path "$t/no" write EPERM -- sh -c "echo x >'$t/yes'; echo x >'$t/no'" 2>/dev/null &&
	fail "inject --path: the write to $t/no did not fail"
[ -s "$t/yes" ] || fail "inject --path: the write to $t/yes failed too"
[ "$("$INJECT" --nth 2 --path "$t/yes" openat ENOENT -- sh -c "cat '$t/yes'; cat '$t/yes' 2>/dev/null; cat '$t/yes'")" = "$(printf 'x\nx')" ] ||
	fail "inject --nth 2: not exactly the second open failed"

errnos="ENOSYS EINVAL EPERM ENOMEM"
declare -A strerror=([ENOSYS]="Function not implemented" [EINVAL]="Invalid argument"
	[EPERM]="Operation not permitted" [ENOMEM]="Cannot allocate memory")
# The hint a failed step of the remount carries, in the log and in the
# --strict error line alike (ENOMEM has none).
declare -A hint=([ENOSYS]=" (kernel too old for idmapped mounts, or the call is filtered)"
	[EINVAL]=" (filesystem cannot be idmapped)" [EPERM]=" (no privilege, or the mount is already idmapped)"
	[ENOMEM]="")

# name | injector rule (the errno is appended) | expected | the step, as a glob
# expected: fallback  the mount stays as runc made it; --strict fails
#           look      the same, failed while the hook looks at the container
#                     (before it plans): the plan says skip and why
#           tried     the same, failed when the hook tries, on the host and
#                     before it acts, whether the volume's filesystem can be
#                     idmapped (a clone of its source, never attached): the
#                     plan says skip and why
#           idmapped  the hook never makes this call; all works, --strict too
#           late      the mounts are done, then the hook fails on its way
#                     back: no effect on the container; --strict fails
#           ignored   the call fails after the mounts are done and changes
#                     nothing (reaping the user namespace holder, which has
#                     exited: a zombie left to init): idmapped, --strict too
# The holder exits by itself: nothing is killed (kill-holder: no call).
# The hook opens the container's mount namespace once, then enters it twice:
# to look (setns 1 and 2), then to act (setns 3 and 4).  It resolves /data
# twice: to look, then to act (the clone is made and attached through that fd).
# In between, on the host, it tries its map on a clone of the volume's
# source (open_tree and mount_setattr 1); its own clone is the second.
table='
setns-enter      | setns                                     | look     | setns(CLONE_NEWNS) into pid*
open-mntns       | --path /proc/[0-9]*/ns/mnt openat         | look     | open /proc/*/ns/mnt*
setns-look-leave | --nth 2 setns                             | look     | setns(CLONE_NEWNS) back*
setns-act-enter  | --nth 3 setns                             | fallback | setns(CLONE_NEWNS) into pid*
clone-userns     | clone                                     | fallback | clone(CLONE_NEWUSER)*
clone3-unshare   | clone3,unshare                            | idmapped | -
open-uid_map     | --path /proc/*/uid_map openat             | fallback | open /proc/*/uid_map*
write-uid_map    | --path /proc/*/uid_map write              | fallback | write /proc/*/uid_map*
open-gid_map     | --path /proc/*/gid_map openat             | fallback | open /proc/*/gid_map*
write-gid_map    | --path /proc/*/gid_map write              | fallback | write /proc/*/gid_map*
open-ns-user     | --path /proc/*/ns/user openat             | fallback | open /proc/*/ns/user*
kill-holder      | kill                                      | idmapped | -
reap-holder      | wait4                                     | ignored  | -
open_tree-try    | open_tree                                 | tried    | open_tree(CLONE*
mount_setattr-try| mount_setattr                             | tried    | mount_setattr(IDMAP)*
open_tree        | --nth 2 open_tree                         | fallback | open_tree(CLONE*
mount_setattr    | --nth 2 mount_setattr                     | fallback | mount_setattr(IDMAP)*
open-rootfs      | --path */rootfs openat                    | look     | open rootfs */rootfs*
resolve-target   | openat2                                   | look     | resolve /data in the rootfs*
resolve-act      | --nth 2 openat2                           | fallback | resolve /data in the rootfs*
move_mount       | move_mount                                | fallback | move_mount*
setns-leave      | --nth 4 setns                             | late     | setns(CLONE_NEWNS) back*
'

vol=$TEST_TMP/vol
make_volume "$vol" 501 501
before=$(snapshot "$vol")

# run_case NAME RULE ERRNO [--strict]: a fresh bundle with the hook under the
# injector; sets OUT, ERR, RC and LOG, TRACE (what was injected).
run_case() {
	local name=$1 rule=$2 errno=$3 strict=${4:-} b log trace
	b=$TEST_TMP/b-$name-$errno${strict:+-strict}
	log=$b.log trace=$b.trace # run_watched reads $b.log
	probe_bundle "$b" "$vol"
	local -a words
	read -r -a words <<<"$rule" # words, never globbed
	bundle_hook "$b" createRuntime "$INJECT" inject --trace "$trace" "${words[@]}" "$errno" -- \
		"$HOOK" ${strict:+"$strict"} --log-level info --log-file "$log"
	run_watched runc "$b" "$name-$errno"
	TRACE=$(cat "$trace" 2>/dev/null)
	diff "$b.host-before" "$b.host-after" >&2 || fail "$name $errno: the host's mount table changed"
}

expect_original() {
	assert_eq 0 "$RC" "$1: runc exit code"
	assert_eq 1000:1000 "$(get id "$OUT")" "$1: the container ran as"
	assert_eq 501:501 "$(get data "$OUT")" "$1: owner of /data inside"
	assert_eq 501:501 "$(get hello "$OUT")" "$1: owner of /data/hello inside"
	assert_eq "hello from the host" "$(get content "$OUT")" "$1: /data/hello inside"
	assert_no_match "*idmapped*" "$(get mnt "$OUT")" "$1: mount options of /data inside"
	assert_eq "fail:Permission denied" "$(get write "$OUT")" "$1: touch /data/new inside"
}

expect_idmapped() {
	assert_eq 0 "$RC" "$1: runc exit code"
	assert_eq 1000:1000 "$(get data "$OUT")" "$1: owner of /data inside"
	assert_eq 1000:1000 "$(get hello "$OUT")" "$1: owner of /data/hello inside"
	assert_eq "hello from the host" "$(get content "$OUT")" "$1: /data/hello inside"
	assert_match "*idmapped*" "$(get mnt "$OUT")" "$1: mount options of /data inside"
	assert_eq ok "$(get write "$OUT")" "$1: touch /data/new inside"
	assert_eq 501:501 "$(stat -c %u:%g "$vol/new")" "$1: owner of the new file on the host"
	rm -f "$vol/new"
}

# The hook's own line in runc's error: "oci-idmap-hook: ID: ... STEP...: STRERROR".
expect_strict_failure() {
	local what=$1 step=$2 why=$3
	assert_ne 0 "$RC" "$what --strict: runc exit code"
	assert_eq "<missing id>" "$(get id "$OUT")" "$what --strict: the container's process ran"
	assert_match "*stderr: oci-idmap-hook: oih-*: *$step*: $why*" "$ERR" "$what --strict: runc's error"
}

trim() {
	local s=$1
	s=${s#"${s%%[! ]*}"}
	echo "${s%"${s##*[! ]}"}"
}

n=0
while IFS='|' read -r name rule expect step; do
	name=$(trim "$name") rule=$(trim "$rule") expect=$(trim "$expect") step=$(trim "$step")
	[ -n "$name" ] || continue
	for errno in $errnos; do
		why=${strerror[$errno]} what="$name $errno"
		echo "case: $what ($rule $errno), expect $expect"
		n=$((n + 1))

		run_case "$name" "$rule" "$errno"
		case $expect in
		fallback | look | tried)
			expect_original "$what"
			if [ "$expect" = look ]; then
				assert_match "*info: /data: skip: cannot look at the destination in the container: $step*" \
					"$LOG" "$what: the plan in the log"
			elif [ "$expect" = tried ]; then
				assert_match "*info: /data: skip: $vol: * filesystem: $step: $why${hint[$errno]}*" \
					"$LOG" "$what: the plan in the log"
			else
				assert_match "*info: /data: idmap (owner 501:501 -> 1000:1000)*" "$LOG" "$what: the plan in the log"
			fi
			assert_match "*cannot idmap, mount left as the runtime made it: /data: *$step*: $why*" \
				"$LOG" "$what: the reason in the log"
			assert_no_match "*/data: idmapped*" "$LOG" "$what: the log"
			assert_match "* $errno *" "$TRACE" "$what: what the injector failed"
			;;
		idmapped)
			expect_idmapped "$what"
			assert_eq "" "$TRACE" "$what: calls the injector failed"
			;;
		late)
			expect_idmapped "$what"
			assert_match "*$step*: $why*" "$LOG" "$what: the reason in the log"
			assert_match "* $errno *" "$TRACE" "$what: what the injector failed"
			;;
		ignored)
			expect_idmapped "$what"
			assert_match "* $errno *" "$TRACE" "$what: what the injector failed"
			;;
		esac
		assert_no_new "$before" "$vol"

		run_case "$name" "$rule" "$errno" --strict
		if [ "$expect" = idmapped ] || [ "$expect" = ignored ]; then
			expect_idmapped "$what --strict"
		else
			expect_strict_failure "$what" "$step" "$why"
		fi
		if [ "$expect" = fallback ] || [ "$expect" = tried ]; then
			assert_match "*stderr: oci-idmap-hook: oih-*: *$step*: $why${hint[$errno]}*" "$ERR" \
				"$what --strict: the errno and its hint in runc's error"
		fi
		# One failure, one line: the error, and no warning before it.
		if [ "$expect" != idmapped ] && [ "$expect" != ignored ]; then
			assert_eq 1 "$(grep -c -e ': error: ' -e ': warn: ' <<<"$LOG")" \
				"$what --strict: lines of warning or error in the log: $LOG"
		fi
		assert_no_new "$before" "$vol"
	done
done <<<"$table"
rows=$(grep -c '|' <<<"$table")
[ $n = $((rows * 4)) ] || fail "ran $n cases, expected $((rows * 4)) ($rows rows, 4 errnos)"
echo "all $n cases passed"
