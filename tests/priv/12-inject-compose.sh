#!/bin/bash
# The two calls composing needs, failed with ENOSYS, EINVAL and EPERM (the
# seccomp injector around the hook, a real runc container, user 1000:1000),
# on a source that is already idmapped (disk 501:501 shown as 2000:2000 by
# tests/helpers/idmap_mount.c):
#  - statmount (reading the source's own maps): the maps are unknown, so the
#    mount is skipped with a reason naming the failed call, and Linux 6.15
#    only for what an older kernel answers (ENOSYS, EINVAL; EPERM: "could
#    not be read");
#  - open_tree_attr (the clone with the composed map): the step fails;
# either way, without --strict the container starts and sees /data as runc
# made it (2000:2000, not writable by it), runc exits 0 and the hook's log
# (--log-level info) gives the reason; with --strict the container does not
# start and runc's error names the call.  The host's mount table does not
# change, and the disk keeps what it had.  A plain 501:501 volume needs
# neither call: with both failed, it is idmapped as always.  `check` on the
# idmapped source says its maps can be composed, or which call failed.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
# shellcheck source=../helpers/hostile.sh
. "$REPO/tests/helpers/hostile.sh"
need_runtime runc
need_kernel statmount_maps open_tree_attr
need_hook
need_inject
need_idmap_mount

declare -A strerror=([ENOSYS]="Function not implemented" [EINVAL]="Invalid argument"
	[EPERM]="Operation not permitted")
# Why the maps are unknown, by errno: only an older kernel's answers name 6.15.
declare -A words=([ENOSYS]="this kernel cannot report (composing needs Linux 6.15)"
	[EINVAL]="this kernel cannot report (composing needs Linux 6.15)" [EPERM]="could not be read")

disk=$TEST_TMP/disk idm=$TEST_TMP/idm plain=$TEST_TMP/plain
make_volume "$disk" 501 501
make_volume "$plain" 501 501
mkdir -p "$idm"
"$IDMAP_MOUNT" "$disk" "$idm" "$(swap_map 501 2000)" "$(swap_map 501 2000)" ||
	fail "cannot make an idmapped mount"
_open_path_to "$idm"
assert_eq 2000:2000 "$(stat -c %u:%g "$idm")" "owner of the idmapped source"
before=$(snapshot "$disk") before_plain=$(snapshot "$plain")

# run_case NAME VOLUME RULE ERRNO [--strict]: sets OUT, ERR, RC, LOG, TRACE.
run_case() {
	local name=$1 vol=$2 rule=$3 errno=$4 strict=${5:-} b
	b=$TEST_TMP/b-$name-$errno${strict:+-strict}
	probe_bundle "$b" "$vol"
	bundle_hook "$b" createRuntime "$INJECT" inject --trace "$b.trace" "$rule" "$errno" -- \
		"$HOOK" ${strict:+"$strict"} --log-level info --log-file "$b.log"
	run_watched runc "$b" "$name-$errno"
	TRACE=$(cat "$b.trace" 2>/dev/null)
	diff "$b.host-before" "$b.host-after" >&2 || fail "$name $errno: the host's mount table changed"
}

# name | rule | the reason in the log, as a glob (STRERROR: the errno's text,
# WORDS: why the maps are unknown)
table='
statmount      | statmount      | /data: skip: source is already an idmapped mount, whose maps WORDS: statmount(*): STRERROR*
open_tree_attr | open_tree_attr | cannot idmap, mount left as the runtime made it: /data: *open_tree_attr(CLONE, IDMAP): STRERROR*
'
trim() {
	local s=$1
	s=${s#"${s%%[! ]*}"}
	echo "${s%"${s##*[! ]}"}"
}

n=0
while IFS='|' read -r name rule reason; do
	name=$(trim "$name") rule=$(trim "$rule") reason=$(trim "$reason")
	[ -n "$name" ] || continue
	for errno in ENOSYS EINVAL EPERM; do
		why=${strerror[$errno]} what="$name $errno" glob=${reason//STRERROR/${strerror[$errno]}}
		echo "case: $what"
		n=$((n + 1))
		run_case "$name" "$idm" "$rule" "$errno"
		assert_eq 0 "$RC" "$what: runc exit code"
		assert_eq 1000:1000 "$(get id "$OUT")" "$what: the container ran as"
		assert_eq 2000:2000 "$(get data "$OUT")" "$what: owner of /data inside (as runc made it)"
		assert_eq "hello from the host" "$(get content "$OUT")" "$what: /data/hello inside"
		assert_eq "fail:Permission denied" "$(get write "$OUT")" "$what: touch /data/new inside"
		assert_match "*${glob//WORDS/${words[$errno]}}*" "$LOG" "$what: the reason in the log"
		assert_no_match "*/data: idmapped*" "$LOG" "$what: the log"
		assert_match "* $errno *" "$TRACE" "$what: what the injector failed"
		assert_no_new "$before" "$disk"

		run_case "$name" "$idm" "$rule" "$errno" --strict
		assert_ne 0 "$RC" "$what --strict: runc exit code"
		assert_eq "<missing id>" "$(get id "$OUT")" "$what --strict: the container's process ran"
		assert_match "*stderr: oci-idmap-hook: oih-*: /data: *$name*: $why*" "$ERR" \
			"$what --strict: runc's error"
		assert_no_new "$before" "$disk"
	done
done <<<"$table"
[ $n = 6 ] || fail "ran $n cases, expected 6"

# A plain volume: neither call is made.
run_case plain "$plain" statmount,open_tree_attr EPERM --strict
assert_eq 0 "$RC" "plain: runc exit code"
assert_eq 1000:1000 "$(get data "$OUT")" "plain: owner of /data inside"
assert_eq ok "$(get write "$OUT")" "plain: touch /data/new inside"
assert_eq 501:501 "$(stat -c %u:%g "$plain/new")" "plain: owner of the new file on the host"
assert_eq "" "$TRACE" "plain: calls the injector failed"
rm -f "$plain/new"
assert_no_new "$before_plain" "$plain"
# `check` on the idmapped source tries what the hook would do there: read
# its maps, compose, clone with open_tree_attr; each failure says which call.
fstype=$(findmnt -n -o FSTYPE -T "$idm") || fail "findmnt $idm"
mounts_before=$(cat /proc/self/mountinfo)
out=$("$HOOK" check "$idm" 2>&1)
assert_eq 0 "$?" "check $idm: exit code"
assert_eq "$idm: yes ($fstype, already idmapped: its maps can be composed)" "$out" "check $idm"
out=$("$INJECT" open_tree_attr ENOSYS -- "$HOOK" check "$idm" 2>&1)
assert_eq 1 "$?" "check $idm, open_tree_attr ENOSYS: exit code"
assert_eq "$idm: no: already idmapped, its maps cannot be composed: $fstype filesystem: open_tree_attr(CLONE, IDMAP): Function not implemented (open_tree_attr needs Linux 6.15, or the call is filtered)" \
	"$out" "check $idm, open_tree_attr ENOSYS"
out=$("$INJECT" statmount EINVAL -- "$HOOK" check "$idm" 2>&1)
assert_eq 1 "$?" "check $idm, statmount EINVAL: exit code"
assert_match "$idm: no: already idmapped, its maps cannot be composed: $fstype filesystem: statmount(*): Invalid argument (statmount reports a mount's maps from Linux 6.15)" \
	"$out" "check $idm, statmount EINVAL"
assert_eq "$mounts_before" "$(cat /proc/self/mountinfo)" "the mount table after check"
echo "all $n cases, the plain volume and check passed"
