#!/bin/bash
# lib/mnt_compose.c and idmap_compose() against the kernel: the check suite
# tests/priv/mnt_compose.c, each test in its own process and mount namespace
# on a tmpfs tree.  An idmapped source (on-disk 501:20 seen as 2000:2000):
# its maps read back through statmount; composed with the swap for the
# container user 1000 and cloned with open_tree_attr, the clone shows the
# volume as 1000:1000, the container user's file lands on disk as 501:20 and
# shows through the source as 2000:2000; flags set on the clone hold; a
# recursive clone maps its submounts too, and fails whole (mounting nothing)
# on a tree with a mount that cannot be idmapped; a plain source composes to
# the plain swap through the same call; a failed clone names the call, gives
# its hint and mounts nothing; a 340-line map reaches the kernel in one
# write.  Skips only where open_tree_attr is ENOSYS (Linux < 6.15).
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_root

bin=$REPO/build/tests/priv/mnt_compose
make -s -C "$REPO" build/tests/priv/mnt_compose >&2 || fail "cannot build $bin"
dir=$TEST_TMP/tree
mkdir -p "$dir"
chmod 0755 "$dir"
"$bin" "$dir"
rc=$?
[ "$rc" = 77 ] && exit 77 # its SKIP line is printed
[ "$rc" = 0 ] || fail "$bin: exit $rc"
exit 0
