#!/bin/bash
# The namespace opened at the look is the authority on "is this pid in a
# container": a pid the check by name took for a container's, but found in
# the hook's own mount namespace when opened (a pid reused in between), ends
# the run as a pid in no container does: exit 0, nothing logged, nothing
# judged, even with --strict and a volume that cannot be idmapped.  A shim
# (tests/helpers/ns_name_shim.c) makes the name lie; the state's pid is the
# test's own shell, in the hook's namespace.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd unshare
need_cmd strace

shim=$TEST_TMP/ns_name_shim.so
build_helper "$shim" ns_name_shim -shared -fPIC -ldl
t=$TEST_TMP/t
mkdir -p "$t/l" "$t/u" "$t/w" "$t/m" "$t/b/rootfs"
cat > "$t/run.sh" <<SH
set -e
mount -t overlay ov -o lowerdir=$t/l,upperdir=$t/u,workdir=$t/w $t/m
mkdir $t/m/vol
chown 501:501 $t/m/vol
cat > $t/b/config.json <<J
{"ociVersion":"1.0.2","process":{"user":{"uid":1000,"gid":1000},"args":["true"],"cwd":"/"},
 "root":{"path":"rootfs"},"linux":{"namespaces":[{"type":"mount"}]},
 "mounts":[{"destination":"/data","type":"bind","source":"$t/m/vol","options":["rbind"]}]}
J
state='{"ociVersion":"1.0.2","id":"x","status":"creating","pid":'\$\$',"bundle":"$t/b"}'
set +e
echo "\$state" | LD_PRELOAD=\$1 strace -f -qq -e trace=openat -o $t/trace \\
	$HOOK --strict --no-syslog --log-level debug >$t/out 2>&1
echo \$? >$t/rc
SH
unshare -m --propagation private bash "$t/run.sh" "$shim" || fail "setup failed"
rc=$(cat "$t/rc")
[ "$rc" = 0 ] || fail "exit $rc, not 0: $(cat "$t/out")"
if grep -q "idmap\|skip\|remapped\|cannot" "$t/out"; then
	fail "a plan was logged or judged for a pid in no container: $(cat "$t/out")"
fi
# The case is the one meant only if the name lied: the hook went on past
# the check by name and read config.json and the container's namespace.
grep -q "config.json" "$t/trace" || fail "the shim did not take: config.json never opened"
grep -q "ns/mnt" "$t/trace" || fail "the namespace was never opened"
exit 0
