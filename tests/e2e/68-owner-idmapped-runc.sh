#!/bin/bash
# The owner rule (lib/owner.h) behind idmapped views (runc, and crun through
# the -crun symlink): root's files on disk are never the container user's,
# whatever a view shows them as.  tests/helpers/idmap_mount.c makes them:
#   /view   a directory owned by root on disk, shown on the host as 501:20
#           (the view swaps 0<->501 for uids and 0<->20 for gids);
#   /data   an rbind of a 501:501 volume holding, at idm, a view of another
#           disk whose root-owned files it shows as 501:501 (the volume's
#           owner).
# Without the hook and with it, the uid-1000 container sees them as the
# host does (501:20; 501:501 both) and writes nowhere; `plan` says why each
# is left whole, naming the submount; no file is made on either disk.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
runtime=$(runtime_of_test)
need_runtime "$runtime"
need_hook
need_idmap_mount

rootdisk=$TEST_TMP/rootdisk view=$TEST_TMP/view
make_volume "$rootdisk" 0 0
mkdir -p "$view"
"$IDMAP_MOUNT" "$rootdisk" "$view" "$(swap_map 0 501)" "$(swap_map 0 20)" ||
	fail "cannot make an idmapped mount"
_open_path_to "$view"
assert_eq 501:20 "$(stat -c %u:%g "$view" "$view/hello" | sort -u)" "owner of the view on the host"

vol=$TEST_TMP/vol disk=$TEST_TMP/disk
make_volume "$vol" 501 501
make_volume "$disk" 0 0
mkdir "$vol/idm" && chown 501:501 "$vol/idm"
"$IDMAP_MOUNT" "$disk" "$vol/idm" "$(swap_map 0 501)" || fail "cannot make an idmapped mount"
assert_eq 501:501 "$(stat -c %u:%g "$vol/idm" "$vol/idm/hello" | sort -u)" \
	"owner of the idmapped submount and its file on the host"
before_rootdisk=$(snapshot "$rootdisk") before_disk=$(snapshot "$disk")
host_mounts=$(mounts_under "$TEST_TMP")

# shellcheck disable=SC2016
TRY='echo "id=$(id -u):$(id -g)"
for p in /view /data /data/idm; do
	stat -c "owner $p=%u:%g" $p
	echo "mnt $p=$(grep " $p " /proc/self/mountinfo | tail -n1 | cut -d" " -f6)"
	if err=$(touch $p/new 2>&1); then echo "write $p=ok"; else echo "write $p=fail:${err##*: }"; fi
done'

views_bundle() {
	make_bundle "$1"
	_spec "$1" user 1000 1000 ';;' args sh -c "$TRY" ';;' bind "$view" /view rbind ';;' \
		bind "$vol" /data rbind
}

# Both runs: as the host shows it, nothing written, the disks unchanged.
expect_as_host() {
	local what=$1 p
	assert_eq 0 "$RC" "$what: $runtime exit code"
	assert_eq 501:20 "$(get "owner /view" "$OUT")" "$what: owner of /view inside"
	assert_eq 501:501 "$(get "owner /data" "$OUT")" "$what: owner of /data inside"
	assert_eq 501:501 "$(get "owner /data/idm" "$OUT")" "$what: owner of /data/idm inside"
	for p in /view /data /data/idm; do
		assert_eq "fail:Permission denied" "$(get "write $p" "$OUT")" "$what: touch $p/new"
	done
	assert_no_new "$before_rootdisk" "$rootdisk"
	assert_no_new "$before_disk" "$disk"
	assert_eq "$host_mounts" "$(mounts_under "$TEST_TMP")" "$what: the host's mounts"
}

b=$TEST_TMP/bundle-without
views_bundle "$b"
run_probe "$runtime" "$b" without
expect_as_host "without the hook"
without_view=$(get "mnt /view" "$OUT") without_idm=$(get "mnt /data/idm" "$OUT")

b=$TEST_TMP/bundle-with
views_bundle "$b"
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --strict
plan=$TEST_TMP/plan.json
plan_to "$plan" "$b"
expect_plan "$plan" /view skip "source is owned by root on disk, seen as uid 501 through its \
idmap; never handed to a container user"
expect_plan "$plan" /data skip "submount /data/idm shows files of root on disk as the owner's \
uid 501; never handed to a container user"
run_probe "$runtime" "$b" with
expect_as_host "with the hook"
# Left whole: the runtime's own mounts, not a clone on top.
assert_eq "$without_view" "$(get "mnt /view" "$OUT")" "mount options of /view inside"
assert_eq "$without_idm" "$(get "mnt /data/idm" "$OUT")" "mount options of /data/idm inside"
assert_no_match "*idmapped*" "$(get "mnt /data" "$OUT")" "mount options of /data inside"
