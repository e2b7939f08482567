#!/bin/bash
# lib/verify.c against the kernel (verify before attach, on a plain
# filesystem): the check suite tests/priv/verify.c, each test in its own
# process and mount namespace on a tmpfs tree, the volume 501:501, the
# container user 1000:1000.  A clone idmapped as planned (501<->1000) passes;
# one idmapped with a map the check disagrees with (501<->2000), or not
# idmapped, is refused with what the container user would see, the
# filesystem named, and the hint; a statx that fails says so; a planned
# mount nested in the clone whose owner changed is refused, named.  After
# every check the hook has its own fsuid, fsgid and file capabilities back.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_root

bin=$REPO/build/tests/priv/verify
make -s -C "$REPO" build/tests/priv/verify >&2 || fail "cannot build $bin"
dir=$TEST_TMP/tree
mkdir -p "$dir"
out=$("$bin" "$dir" 2>&1)
rc=$?
printf '%s\n' "$out"
[ "$rc" = 77 ] && exit 77 # its SKIP line is printed
[ "$rc" = 0 ] || fail "$bin: exit $rc"
grep -q '^100%: Checks: [1-9]' <<<"$out" || fail "the verify suite ran no test"
exit 0
