#!/bin/bash
# An rbind volume whose tree holds an idmapped mount (runc, and crun through
# the -crun symlink): the volume is 501:501 on disk; at its idm lies an
# idmapped view (tests/helpers/idmap_mount.c: swaps 777<->501 for uids and
# gids) of another disk owned 777:777, so the host sees it as 501:501 too.  A uid-1000 container:
#   - without the hook sees both as 501:501 and can write to neither;
#   - with it sees both as 1000:1000 (plan: the top the swap 501<->1000, the
#     submount that swap composed with its own map, with a note); what it
#     writes lands on each disk with that disk's owner (501:501 and 777:777),
#     and shows through the host's view of the submount as 501:501;
#   - rbind,ro: /data read-only, /data/idm as the runtime leaves it
#     (writable: runc and crun make only an rbind's top read-only);
#     rbind,rro: both read-only; 1000:1000 either way;
#   - when reading the submount's maps, cloning it or attaching it fails
#     (injected): the whole volume as without the hook, the reason in the
#     log (naming Linux 6.15 only where an older kernel would fail so),
#     exit 0; with --strict the start fails, the same reason in one line;
#     the host's mount table unchanged either way.
# The disks' own entries keep owner, mode and content throughout.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
runtime=$(runtime_of_test)
need_runtime "$runtime"
need_kernel statmount_maps open_tree_attr attach_detached
need_hook
need_idmap_mount

UIDS=$(swap_map 501 777) GIDS=$(swap_map 501 777)

vol=$TEST_TMP/vol disk=$TEST_TMP/disk
make_volume "$vol" 501 501
make_volume "$disk" 777 777
mkdir "$vol/idm"
chown 501:501 "$vol/idm"
"$IDMAP_MOUNT" "$disk" "$vol/idm" "$UIDS" "$GIDS" || fail "cannot make an idmapped mount"
assert_eq 501:501 "$(stat -c %u:%g "$vol/idm" "$vol/idm/hello" | sort -u)" \
	"owner of the idmapped submount and its file on the host"
before_disk=$(snapshot "$disk")
umount "$vol/idm" # the volume's own snapshot, without the submount's files
before_vol=$(snapshot "$vol")
"$IDMAP_MOUNT" "$disk" "$vol/idm" "$UIDS" "$GIDS" || fail "cannot make an idmapped mount"
host_mounts=$(mounts_under "$vol")

# shellcheck disable=SC2016
TREE='echo "id=$(id -u):$(id -g)"
for p in /data /data/hello /data/idm /data/idm/hello; do stat -c "owner $p=%u:%g" $p; done
echo "content=$(cat /data/idm/hello)"
for p in /data /data/idm; do
	echo "mnt $p=$(grep " $p " /proc/self/mountinfo | tail -n1 | cut -d" " -f6)"
	if err=$(touch $p/new 2>&1); then echo "write $p=ok"; stat -c "new $p=%u:%g" $p/new
	else echo "write $p=fail:${err##*: }"; fi
done'

# tree_bundle BUNDLE [BIND_OPTION...]
tree_bundle() {
	make_bundle "$1"
	bundle_user "$1" 1000 1000
	bundle_args "$1" sh -c "$TREE"
	bundle_bind "$1" "$vol" /data rbind "${@:2}"
}

# Control: the runtime alone shows both as the host sees them.
b=$TEST_TMP/bundle-without
tree_bundle "$b"
run_probe "$runtime" "$b" without
assert_eq 0 "$RC" "$runtime exit code without the hook"
for p in /data /data/hello /data/idm /data/idm/hello; do
	assert_eq 501:501 "$(get "owner $p" "$OUT")" "owner of $p inside, without the hook"
done
for p in /data /data/idm; do
	assert_eq "fail:Permission denied" "$(get "write $p" "$OUT")" "touch $p/new, without the hook"
done
without=$OUT

# With the hook: the plan names the submount and its composed maps.
b=$TEST_TMP/bundle-rw
tree_bundle "$b"
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --strict
plan=$TEST_TMP/plan.json
plan_to "$plan" "$b"
expect_plan "$plan" /data idmap
assert_eq '[[0, 0, 501], [501, 1000, 1], [502, 502, 498], [1000, 501, 1], [1001, 1001, 4294966294]]' \
	"$(plan_q "$plan" "m['/data']['uid_map']")" "plan: uid map of /data"
assert_eq '["/data/idm"]' "$(plan_q "$plan" "list(m['/data']['submounts'])")" "plan: submounts of /data"
sub="m['/data']['submounts']['/data/idm']"
assert_eq '[[0, 0, 501], [501, 777, 1], [502, 502, 275], [777, 1000, 1], [778, 778, 222], [1000, 501, 1], [1001, 1001, 4294966294]]' \
	"$(plan_q "$plan" "${sub}['uid_map']")" "plan: uid map of /data/idm"
assert_eq '[[0, 0, 501], [501, 777, 1], [502, 502, 275], [777, 1000, 1], [778, 778, 222], [1000, 501, 1], [1001, 1001, 4294966294]]' \
	"$(plan_q "$plan" "${sub}['gid_map']")" "plan: gid map of /data/idm"
assert_eq "maps composed with the submount's own idmap" "$(plan_q "$plan" "${sub}['note']")" \
	"plan: note on /data/idm"

run_probe "$runtime" "$b" rw
assert_eq 0 "$RC" "$runtime exit code: $ERR"
assert_eq 1000:1000 "$(get id "$OUT")" "container user"
for p in /data /data/hello /data/idm /data/idm/hello; do
	assert_eq 1000:1000 "$(get "owner $p" "$OUT")" "owner of $p inside"
done
assert_eq "hello from the host" "$(get content "$OUT")" "content of /data/idm/hello inside"
for p in /data /data/idm; do
	assert_match "*idmapped*" "$(get "mnt $p" "$OUT")" "mount options of $p inside"
	assert_match "*nosuid*" "$(get "mnt $p" "$OUT")" "mount options of $p inside"
	assert_eq ok "$(get "write $p" "$OUT")" "touch $p/new inside"
	assert_eq 1000:1000 "$(get "new $p" "$OUT")" "owner of $p/new inside"
done
assert_eq 501:501 "$(stat -c %u:%g "$vol/new")" "owner of the volume's new file on its disk"
assert_eq 777:777 "$(stat -c %u:%g "$disk/new")" "owner of the submount's new file on its disk"
assert_eq 501:501 "$(stat -c %u:%g "$vol/idm/new")" "owner of the submount's new file through the host's view"
rm -f "$vol/new" "$disk/new"
assert_no_new "$before_disk" "$disk"
assert_eq "$host_mounts" "$(mounts_under "$vol")" "the host's mounts under the volume"

# rbind,ro and rbind,rro: read-only where the runtime makes them so (ro:
# the top only, as runc and crun leave an rbind's submounts writable; rro:
# every mount), and 1000:1000.
for opt in ro rro; do
	b=$TEST_TMP/bundle-$opt-without
	tree_bundle "$b" "$opt"
	run_probe "$runtime" "$b" "$opt-without"
	assert_eq 0 "$RC" "$runtime exit code (rbind,$opt) without the hook"
	assert_eq "fail:Read-only file system" "$(get "write /data" "$OUT")" \
		"touch /data/new (rbind,$opt) without the hook"
	sub_without=$(get "mnt /data/idm" "$OUT")
	assert_match "r[ow]" "${sub_without%%,*}" \
		"first mount option of /data/idm (rbind,$opt) without the hook"
	if [ "$opt" = rro ]; then
		assert_eq "fail:Read-only file system" "$(get "write /data/idm" "$OUT")" \
			"touch /data/idm/new (rbind,$opt) without the hook"
	fi
	b=$TEST_TMP/bundle-$opt
	tree_bundle "$b" "$opt"
	bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --strict
	run_probe "$runtime" "$b" "$opt"
	assert_eq 0 "$RC" "$runtime exit code (rbind,$opt): $ERR"
	for p in /data /data/hello /data/idm /data/idm/hello; do
		assert_eq 1000:1000 "$(get "owner $p" "$OUT")" "owner of $p inside (rbind,$opt)"
	done
	assert_eq "fail:Read-only file system" "$(get "write /data" "$OUT")" \
		"touch /data/new (rbind,$opt)"
	sub_with=$(get "mnt /data/idm" "$OUT")
	assert_match "r[ow]" "${sub_with%%,*}" "first mount option of /data/idm (rbind,$opt)"
	assert_eq "${sub_without%%,*}" "${sub_with%%,*}" \
		"/data/idm read-only or not (rbind,$opt), as without the hook"
	if [ "$opt" = rro ]; then
		assert_eq "fail:Read-only file system" "$(get "write /data/idm" "$OUT")" \
			"touch /data/idm/new (rbind,$opt)"
	fi
	rm -f "$vol/new" "$disk/new"
	assert_no_new "$before_disk" "$disk"
done
# A step that fails (the seccomp errno injector around the hook): the whole
# volume stays as the runtime made it, the log says why, exit 0; with
# --strict the container does not start, and the one error line gives the
# same reason.  Either way the host's mount table does not change.  statmount:
# the submount's maps unknown (what a kernel older than 6.15 answers);
# open_tree_attr: its clone; the first move_mount: attaching it to the
# detached tree: on this kernel (6.15 or later, or the tree above would not
# have been built) the plain errno, no claim that it needs 6.15.
need_inject
# name | rule (options, syscall, errno) | the reason in the log, as a glob
table='
statmount      | statmount ENOSYS          | /data: skip: submount /data/idm is an idmapped mount whose maps this kernel cannot report (composing needs Linux 6.15): statmount(*): Function not implemented*
open_tree_attr | open_tree_attr ENOSYS     | cannot idmap, mount left as the runtime made it: /data: *open_tree_attr(CLONE, IDMAP): Function not implemented (open_tree_attr needs Linux 6.15*
move_mount     | --nth 1 move_mount EINVAL | cannot idmap, mount left as the runtime made it: /data: */idm: move_mount: Invalid argument
'
trim() {
	local t=${1#"${1%%[! ]*}"}
	echo "${t%"${t##*[! ]}"}"
}
while IFS='|' read -r name rule reason; do
	name=$(trim "$name") rule=$(trim "$rule") reason=$(trim "$reason")
	[ -n "$name" ] || continue
	for strict in "" --strict; do
		what="$name failed${strict:+ ($strict)}" log=$TEST_TMP/hook-$name$strict.log
		b=$TEST_TMP/bundle-inject-$name$strict
		tree_bundle "$b"
		# shellcheck disable=SC2086 # rule: options, the syscall, the errno
		bundle_hook "$b" createRuntime "$INJECT" inject $rule -- "$HOOK" \
			${strict:+"$strict"} --log-level info --log-file "$log"
		run_probe "$runtime" "$b" "inject-$name$strict"
		assert_eq "$host_mounts" "$(mounts_under "$vol")" "the host's mounts under the volume, $what"
		assert_no_match "*to a detached tree needs Linux 6.15*" "$(cat "$log")" \
			"the hook's log, $what (this kernel can)"
		if [ -n "$strict" ]; then
			assert_ne 0 "$RC" "$runtime exit code, $what"
			# crun shows no hook stderr: the error is in the log, the one
			# line of warning or error, with the same reason.
			why=${reason#*/data: } why=${why#skip: }
			assert_match "*: error: /data: $why*" "$(cat "$log")" "the hook's error, $what"
			assert_eq 1 "$(grep -c -e ': error: ' -e ': warn: ' "$log")" \
				"lines of warning or error, $what: $(cat "$log")"
			continue
		fi
		assert_match "*$reason*" "$(cat "$log")" "the hook's log, $what"
		assert_eq 0 "$RC" "$runtime exit code, $what: $ERR"
		assert_eq "$without" "$OUT" "what the container sees, $what, and without the hook"
	done
done <<<"$table"
assert_eq "$host_mounts" "$(mounts_under "$vol")" "the host's mounts under the volume"
assert_no_new "$before_disk" "$disk"

umount "$vol/idm"
assert_no_new "$before_vol" "$vol"

# The other way round: an rbind of an idmapped source (disk2 501:501 seen as
# 2000:2000, as in e2e 57) whose tree holds a plain tmpfs owned 2000:2000.
# The top gets the swap 2000<->1000 composed with its own map, the tmpfs
# that swap alone (plan: other_submounts); both 1000:1000 inside, writes
# land as 501:501 on disk2 (2000:2000 through the source) and 2000:2000 on
# the tmpfs.
disk2=$TEST_TMP/disk2 src=$TEST_TMP/src
make_volume "$disk2" 501 501
mkdir "$disk2/t" "$src"
chown 501:501 "$disk2/t"
"$IDMAP_MOUNT" "$disk2" "$src" "$(swap_map 501 2000)" "$(swap_map 501 2000)" ||
	fail "cannot make an idmapped mount"
_open_path_to "$src"
mount -t tmpfs -o mode=0755,uid=2000,gid=2000 src-t "$src/t" || fail "cannot mount a tmpfs"
printf 'hello from the host\n' >"$src/t/hello"
chown 2000:2000 "$src/t/hello"
before2=$(snapshot "$disk2")
vol=$src # tree_bundle binds $vol
b=$TEST_TMP/bundle-top
tree_bundle "$b"
bundle_args "$b" sh -c "${TREE//idm/t}"
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --strict
plan_to "$plan" "$b"
expect_plan "$plan" /data idmap "maps composed with the source's own idmap"
assert_eq false "$(plan_q "$plan" "'submounts' in m['/data']")" "plan: idmapped submounts of $src"
assert_eq '[[0, 0, 1000], [1000, 2000, 1], [1001, 1001, 999], [2000, 1000, 1], [2001, 2001, 4294965294]]' \
	"$(plan_q "$plan" "m['/data']['other_submounts']['uid_map']")" \
	"plan: uid map of the plain submounts of $src"
run_probe "$runtime" "$b" top
assert_eq 0 "$RC" "$runtime exit code (idmapped top): $ERR"
for p in /data /data/hello /data/t /data/t/hello; do
	assert_eq 1000:1000 "$(get "owner $p" "$OUT")" "owner of $p inside (idmapped top)"
done
for p in /data /data/t; do
	assert_eq ok "$(get "write $p" "$OUT")" "touch $p/new inside (idmapped top)"
done
assert_eq 501:501 "$(stat -c %u:%g "$disk2/new")" "owner of the top's new file on its disk"
assert_eq 2000:2000 "$(stat -c %u:%g "$src/new")" "owner of the top's new file through the source"
assert_eq 2000:2000 "$(stat -c %u:%g "$src/t/new")" "owner of the tmpfs's new file"
rm -f "$disk2/new"
assert_no_new "$before2" "$disk2"
exit 0
