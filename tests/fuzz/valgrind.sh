#!/bin/bash
# tests/fuzz/valgrind.sh: valgrind memcheck of the hook (OCI_IDMAP_HOOK: make
# check-valgrind gives it a build whose user namespace holder is fork-style,
# as valgrind runs no CLONE_VM child that is not a thread) on real runc and
# crun containers (valgrind registered as the hook, wrapping it), on plan and
# check mode, on bad and hostile input, and of the unit tests.  Every
# valgrind log must say "ERROR SUMMARY: 0 errors"; definite and indirect
# leaks are errors.
#
# Not covered, and said so at the end: valgrind 3.19 does not know openat2,
# open_tree, move_mount and mount_setattr (Linux 5.6 / 5.2 / 5.12).  It
# answers ENOSYS, which the hook takes as "kernel too old" and falls back
# from, so under valgrind the hook never runs the idmap and swap steps.  `make check-asan` covers
# those (ASan+LSan on every end-to-end test).
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_hook
need_cmd valgrind

VG_DIR=$TEST_TMP/valgrind
mkdir -p "$VG_DIR"
# The user namespace holder (a plain fork in this build) exits at once;
# --child-silent-after-fork keeps valgrind silent about it.
# shellcheck disable=SC2054 # the commas are valgrind's
VG=(valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
	--track-fds=no --child-silent-after-fork=yes --log-file="$VG_DIR/%p.log")

# vg_hook ARGS...: the hook under valgrind on the test's stdin; sets RC.
vg_hook() {
	timeout -k 5 120 "${VG[@]}" "$HOOK" "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	RC=$?
	[ "$RC" != 99 ] || fail "valgrind found errors in: hook $*: $(cat "$VG_DIR"/*.log)"
	[ "$RC" -lt 124 ] || fail "hook $* under valgrind: exit $RC"
}

# A container with the hook at createRuntime under valgrind: it starts, and
# sees its volume (idmapped, or as the runtime made it when the hook fell back).
container() {
	local runtime=$1 name=$2 vol=$TEST_TMP/vol-$2 b=$TEST_TMP/b-$2 log=$TEST_TMP/hook-$2.log
	make_volume "$vol" 501 501
	probe_bundle "$b" "$vol"
	mkdir -p "$TEST_TMP/root-owned" "$b/rootfs/root-owned"
	bundle_bind "$b" "$TEST_TMP/root-owned" /root-owned rbind ro
	[ "$name" != userns ] || bundle_userns "$b" 100000 65536
	bundle_hook "$b" createRuntime "$(command -v valgrind)" valgrind "${VG[@]:1}" \
		"$HOOK" --log-level info --log-file "$log"
	run_probe "$runtime" "$b" "vg-$name"
	assert_eq 0 "$RC" "$name: $runtime exit code"
	assert_eq "hello from the host" "$(get content "$OUT")" "$name: content of /data/hello inside"
	# valgrind 3.19 answers ENOSYS to openat2 and the new mount syscalls.
	if grep -q "cannot idmap, mount left as the runtime made it: .*Function not implemented" "$log"; then
		echo "$name: the hook fell back: valgrind answered ENOSYS: $(grep -o '[a-z_0-9]*([^)]*)\|resolve [^:]*' "$log" | head -n1)"
	else
		assert_match "*idmapped*" "$(get mnt "$OUT")" "$name: /data inside"
		echo "$name: idmapped under valgrind"
	fi
}

need_runtime runc
container runc runc
container runc userns
if command -v crun >/dev/null; then
	container crun crun
fi

b=$TEST_TMP/b-runc
vg_hook plan --json --bundle "$b"
assert_eq 0 "$RC" "plan --bundle: exit code"
printf '{"ociVersion":"1.0.2","id":"x","status":"creating","pid":1,"bundle":"%s"}' "$b" \
	>"$TEST_TMP/state.json"
vg_hook plan --json --state - <"$TEST_TMP/state.json"
assert_eq 0 "$RC" "plan --state -: exit code"
vg_hook check "$TEST_TMP/vol-runc" /nonexistent
vg_hook --help

# Bad input: one error line each, and valgrind clean.
bad() {
	printf '%s' "$2" >"$TEST_TMP/in"
	vg_hook <"$TEST_TMP/in"
	assert_eq 1 "$RC" "$1: exit code"
	echo "$1: $(cat "$TEST_TMP/err")"
}
bad "empty" ''
bad "not json" 'not json'
bad "truncated" '{"ociVersion":"1.0.2","id":"x","status":"crea'
bad "duplicate key" '{"ociVersion":"1","id":"x","id":"y","status":"creating","bundle":"/b"}'
bad "deep" "$(printf '%0.s[' $(seq 100))"
# Read as U+FFFD (as runc reads it): refused for the missing bundle.
bad "invalid utf-8, no bundle" "$(printf '{"ociVersion":"1","id":"\xff","status":"creating"}')"
bad "huge" "$(head -c 70000 /dev/zero | tr '\0' ' ')"
bad "wrong types" '{"ociVersion":1,"id":[],"status":{},"bundle":null}'
for cfg in '[' '{"root":{"path":""}}' '{"root":{"path":"r"},"process":{"user":{"uid":-1}}}' \
	'{"root":{"path":"r"},"mounts":[{"destination":"/d","type":"bind","source":"/s"},1]}'; do
	mkdir -p "$TEST_TMP/bad-config"
	printf '%s' "$cfg" >"$TEST_TMP/bad-config/config.json"
	vg_hook plan --json --bundle "$TEST_TMP/bad-config"
	assert_eq 1 "$RC" "plan on config $cfg: exit code"
done

# The unit tests, in one process (CK_FORK=no) so valgrind sees them all
# (OCI_IDMAP_UNIT_TESTS: make check-valgrind's build, fork-style holder too).
(cd "$REPO" && CK_FORK=no "${VG[@]}" "${OCI_IDMAP_UNIT_TESTS:-build/unit-tests}" \
	>"$TEST_TMP/unit.out" 2>&1)
rc=$?
[ "$rc" = 0 ] || fail "unit tests under valgrind: exit $rc: $(tail -n 5 "$TEST_TMP/unit.out") $(cat "$VG_DIR"/*.log)"

n=0
for f in "$VG_DIR"/*.log; do
	n=$((n + 1))
	grep -q "ERROR SUMMARY: 0 errors" "$f" || fail "valgrind: $(cat "$f")"
done
# x86_64 numbers: 428 open_tree, 429 move_mount, 437 openat2, 442 mount_setattr.
unhandled=$(grep -ho "unhandled [a-z0-9]*-linux syscall: [0-9]*" "$VG_DIR"/*.log | sort -u |
	sed 's/.*syscall: //; s/^428$/open_tree/; s/^429$/move_mount/; s/^437$/openat2/; s/^442$/mount_setattr/' |
	tr '\n' ' ')
echo "valgrind: $n process(es), 0 errors, no definite or indirect leaks"
[ -z "$unhandled" ] ||
	echo "valgrind: not covered: syscalls valgrind does not know: ${unhandled}(it answered" \
		"ENOSYS, the hook fell back: the idmap and swap steps ran under make check-asan only)"
