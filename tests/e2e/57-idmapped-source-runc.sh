#!/bin/bash
# A source that is itself an idmapped mount (runc, and crun through the -crun
# symlink): a volume owned 501:501 on disk, shown on the host as 2000:2000 by
# an idmapped view of it (tests/helpers/idmap_mount.c, a full-range swap
# 501<->2000 for uids and gids).  A uid-1000 container:
#   - without the hook sees 2000:2000 and cannot write;
#   - with it sees 1000:1000 (plan: the swap 2000<->1000 composed with the
#     source's own map, and a note saying so); what it writes lands on disk
#     as 501:501 and shows through the source as 2000:2000;
#   - read-only (bind,ro and rbind,ro) sees 1000:1000 and cannot write.
# The disk's own entries keep owner, mode and content throughout.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
runtime=$(runtime_of_test)
need_runtime "$runtime"
need_kernel statmount_maps open_tree_attr
need_hook
need_idmap_mount

UIDS=$(swap_map 501 2000) GIDS=$(swap_map 501 2000)

disk=$TEST_TMP/disk idm=$TEST_TMP/idm
make_volume "$disk" 501 501
mkdir -p "$idm"
"$IDMAP_MOUNT" "$disk" "$idm" "$UIDS" "$GIDS" || fail "cannot make an idmapped mount"
_open_path_to "$idm"
assert_eq 2000:2000 "$(stat -c %u:%g "$idm")" "owner of the idmapped source on the host"
before=$(snapshot "$disk")

# Control: the runtime alone shows the source as the host sees it.
b=$TEST_TMP/bundle-without
probe_bundle "$b" "$idm" rbind
run_probe "$runtime" "$b" without
assert_eq 0 "$RC" "$runtime exit code without the hook"
assert_eq 2000:2000 "$(get data "$OUT")" "owner of /data inside, without the hook"
assert_eq "fail:Permission denied" "$(get write "$OUT")" "touch /data/new inside, without the hook"
assert_no_new "$before" "$disk"

# With the hook: composed maps, in the plan and in the container.
b=$TEST_TMP/bundle-rw
probe_bundle "$b" "$idm" rbind
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --strict
plan=$TEST_TMP/plan.json
plan_to "$plan" "$b"
expect_plan "$plan" /data idmap "maps composed with the source's own idmap"
assert_eq '{"uid": 2000, "gid": 2000}' "$(plan_q "$plan" "m['/data']['owner']")" "plan: owner of /data"
assert_eq '[[0, 0, 501], [501, 1000, 1], [502, 502, 498], [1000, 2000, 1], [1001, 1001, 999], [2000, 501, 1], [2001, 2001, 4294965294]]' \
	"$(plan_q "$plan" "m['/data']['uid_map']")" "plan: uid map of /data"
assert_eq '[[0, 0, 501], [501, 1000, 1], [502, 502, 498], [1000, 2000, 1], [1001, 1001, 999], [2000, 501, 1], [2001, 2001, 4294965294]]' \
	"$(plan_q "$plan" "m['/data']['gid_map']")" "plan: gid map of /data"
expect_idmapped_rw "$runtime" "$b" "$disk" "$before" 501:501
assert_eq 2000:2000 "$(stat -c %u:%g "$idm/new")" "owner of the new file through the source"
rm -f "$disk/new"

# Read-only stays read-only (crun applies ro only after the hooks).
for kind in rbind bind; do
	b=$TEST_TMP/bundle-ro-$kind
	probe_bundle "$b" "$idm" "$kind" ro
	bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --strict
	run_probe "$runtime" "$b" "ro-$kind"
	assert_eq 0 "$RC" "$runtime exit code ($kind,ro)"
	assert_eq 1000:1000 "$(get data "$OUT")" "owner of /data inside ($kind,ro)"
	assert_eq 1000:1000 "$(get hello "$OUT")" "owner of /data/hello inside ($kind,ro)"
	assert_eq "hello from the host" "$(get content "$OUT")" "content of /data/hello ($kind,ro)"
	assert_match "ro,*idmapped*" "$(get mnt "$OUT")" "mount options of /data inside ($kind,ro)"
	assert_eq "fail:Read-only file system" "$(get write "$OUT")" "touch /data/new inside ($kind,ro)"
	assert_no_new "$before" "$disk"
done
