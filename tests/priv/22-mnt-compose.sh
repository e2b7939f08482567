#!/bin/bash
# Composing maps on mounts against the kernel (lib/mntmaps.c, idmap_compose(),
# mnt_clone_idmapped() in lib/mnt.c): the check suite
# tests/priv/mnt_compose.c, each test in its own process and mount namespace
# on a tmpfs tree.  An idmapped source (on-disk 501:501 seen as 2000:2000):
# its maps read back through statmount; composed with the swap for the
# container user 1000 and cloned with open_tree_attr, the clone shows the
# volume as 1000:1000, the container user's file lands on disk as 501:501 and
# shows through the source as 2000:2000; flags set on the clone hold; a
# recursive clone maps its submounts too, and fails whole (mounting nothing)
# on a tree with a mount that cannot be idmapped; a plain source composes to
# the plain swap through the same call; a failed clone names the call, gives
# its hint and mounts nothing; a 340-line map reaches the kernel in one
# write.  Skips only where open_tree_attr is ENOSYS (Linux < 6.15): checked
# with the seccomp injector, which also fails statmount for the reader.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_root
need_kernel tmpfs_idmap statmount_maps open_tree_attr

bin=$REPO/build/tests/priv/mnt_compose
make -s -C "$REPO" build/tests/priv/mnt_compose >&2 || fail "cannot build $bin"
dir=$TEST_TMP/tree
mkdir -p "$dir"
chmod 0755 "$dir"
"$bin" "$dir"
rc=$?
[ "$rc" = 77 ] && exit 77 # its SKIP line is printed
[ "$rc" = 0 ] || fail "$bin: exit $rc"

# The suite skips where the call itself says ENOSYS, and only there; and a
# failing statmount is reported with its errno (the injector forces each).
need_inject
out=$("$INJECT" open_tree_attr ENOSYS -- "$bin" "$dir" 2>&1)
rc=$?
[ "$rc" = 77 ] || fail "open_tree_attr ENOSYS: exit $rc, not 77: $out"
assert_match "*SKIP: open_tree_attr(2) is ENOSYS here (needs Linux 6.15)*" "$out" "ENOSYS skip"
out=$("$INJECT" open_tree_attr EPERM -- "$bin" "$dir" 2>&1)
rc=$?
[ "$rc" = 1 ] || fail "open_tree_attr EPERM: exit $rc, not a failure: $out"
assert_match "*open_tree_attr(CLONE, IDMAP): Operation not permitted*" "$out" "EPERM"
out=$("$INJECT" statmount ENOSYS -- "$bin" "$dir" 2>&1)
rc=$?
[ "$rc" = 1 ] || fail "statmount ENOSYS: exit $rc, not a failure: $out"
assert_match "*test_read_maps*statmount(0x*): Function not implemented*" "$out" "statmount ENOSYS"
exit 0
