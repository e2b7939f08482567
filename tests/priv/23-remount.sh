#!/bin/bash
# lib/remount.c on real mounts, without a runtime: the check suite
# tests/priv/remount.c executes the plan of tests/fixtures/config-volumes.json
# against a child holding the mounts crun leaves at hook time (an rbind
# volume with a submount, a nested ro bind and ro tmpfs in it, a plain nosuid
# bind, an rbind,rro volume), each test in its own mount namespace on a
# tmpfs; it asserts what the container sees (owners, idmapped or not, ro and
# nosuid per mount) and that the host's sources are untouched.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_root
need_kernel tmpfs_idmap

bin=$REPO/build/tests/priv/remount
make -s -C "$REPO" build/tests/priv/remount >&2 || fail "cannot build $bin"
dir=$TEST_TMP/tree
mkdir -p "$dir"
chmod 0755 "$dir"
"$bin" "$dir" "$REPO/tests/fixtures/config-volumes.json" || fail "$bin: exit $?"
exit 0
