#!/bin/bash
# Syslog by default (runc; crun through the -crun symlink).  The test runs in
# a private mount namespace whose /dev is an overlay of the host's, so that
# /dev/log can be a stand-in listener (tests/helpers/syslog_listen.py) or
# absent; nothing on the host changes and no syslog daemon is needed.
#   - a fallback (the source is on overlayfs, which cannot be idmapped) sends
#     one line, facility daemon, severity warning, naming the hook, the
#     container id and /data; the container starts as without the hook;
#   - at the default level a clean start sends nothing; at info, one summary;
#   - a failing step (mount_setattr EINVAL, injected) is a warning too, and
#     with --strict the failure is an error line;
#   - --log-file replaces syslog; --no-syslog sends nothing;
#   - no /dev/log, a /dev/log nobody listens on, and a listener that never
#     reads with its queue full: the hook exits 0 within 2 s (a generous
#     bound: a blocking send would hang it) and the container starts.
if [ "${_SYSLOG_TEST_NS:-}" != 1 ]; then
	_SYSLOG_TEST_NS=1 exec unshare -m "${BASH:-bash}" "$0" "$@"
fi
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
runtime=$(runtime_of_test)
need_runtime "$runtime"
need_hook
need_inject

mount --make-rprivate / || fail "cannot make the test's mount namespace private"
mkdir -p "$TEST_TMP/dev/up" "$TEST_TMP/dev/work"
mount -t overlay overlay \
	-o "lowerdir=/dev,upperdir=$TEST_TMP/dev/up,workdir=$TEST_TMP/dev/work" /dev ||
	fail "cannot put an overlay on /dev in the test's mount namespace"
rm -f /dev/log # in the overlay only

LOG=$TEST_TMP/syslog.txt
listener=
# listen [read|full|gone]: a fresh stand-in at /dev/log (LOG emptied).
listen() {
	stop_listener
	rm -f "$LOG" "$LOG.ready"
	"$PY" "$REPO/tests/helpers/syslog_listen.py" /dev/log "$LOG" "${1:-read}" &
	listener=$!
	for _ in $(seq 100); do
		[ -s "$LOG.ready" ] && return 0
		sleep 0.05
	done
	fail "the syslog stand-in did not start"
}
stop_listener() {
	[ -n "$listener" ] || return 0
	kill "$listener" 2>/dev/null
	wait "$listener" 2>/dev/null
	listener=
}
# shellcheck disable=SC2317 # called by the EXIT trap
_syslog_cleanup() {
	stop_listener
	_lib_cleanup
}
trap _syslog_cleanup EXIT

# What the stand-in received, after giving a last datagram time to land.
received() {
	sleep 0.2
	cat "$LOG" 2>/dev/null
}

# The hook, timed: TIMED HOOK-ARGV... writes its milliseconds to $TEST_TMP/ms.
# shellcheck disable=SC2016
printf '%s\n' '#!/bin/sh' 't0=$(date +%s%N); "$@"; rc=$?; t1=$(date +%s%N)' \
	"echo \$(((t1 - t0) / 1000000)) >'$TEST_TMP/ms'; exit \$rc" >"$TEST_TMP/timed"
chmod 0755 "$TEST_TMP/timed"

# A 501:501 volume on overlayfs (cannot be idmapped), and a plain one.
ovl=$TEST_TMP/ovl
mkdir -p "$ovl/lower" "$ovl/upper" "$ovl/work" "$ovl/merged"
mount -t overlay overlay -o "lowerdir=$ovl/lower,upperdir=$ovl/upper,workdir=$ovl/work" \
	"$ovl/merged" || fail "cannot mount an overlayfs volume"
make_volume "$ovl/merged" 501 501
_open_path_to "$ovl/merged"
plain=$TEST_TMP/plain
make_volume "$plain" 501 501
before=$(snapshot "$plain")

# case NAME VOLUME [HOOK-ARGV...]: a probe bundle on VOLUME whose
# createRuntime hook is the timed HOOK-ARGV (default: the hook, no options);
# run it: OUT, ERR, RC as run_probe, ID the container id.
case_run() {
	local name=$1 vol=$2 b=$TEST_TMP/bundle-$1
	shift 2
	[ $# -gt 0 ] || set -- "$HOOK"
	probe_bundle "$b" "$vol"
	bundle_hook "$b" createRuntime "$TEST_TMP/timed" timed "$@"
	rm -f "$TEST_TMP/ms"
	ID=$(container_id "$name")
	run_probe "$runtime" "$b" "$name"
}

# expect_plain WHAT: the container started and saw the volume as it is.
expect_plain() {
	assert_eq 0 "$RC" "$1: $runtime exit code"
	assert_eq 501:501 "$(get data "$OUT")" "$1: owner of /data inside"
	assert_eq "hello from the host" "$(get content "$OUT")" "$1: content of /data/hello inside"
}

# expect_fast WHAT: the hook ran and took less than 2 s.
expect_fast() {
	local ms
	ms=$(cat "$TEST_TMP/ms" 2>/dev/null) || fail "$1: the hook did not run"
	[ "$ms" -lt 2000 ] || fail "$1: the hook took $ms ms"
}

# 1. The fallback, at the default level: one warning for /data.
listen
case_run fallback "$ovl/merged"
expect_plain "overlayfs source"
got=$(received)
assert_eq 1 "$(grep -c . <<<"$got")" "lines sent for one fallback: $got"
assert_match "<28>[A-Z][a-z][a-z] [ 0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] oci-idmap-hook\[[0-9]*\]: $ID: warn: /data: skip: source is on a filesystem of type overlay, which cannot be idmapped" \
	"$got" "the syslog line for the fallback"

[ "$runtime" = runc ] || exit 0 # the rest does not depend on the runtime

# 2. A clean start sends nothing at the default level; at info, a summary.
listen
case_run quiet "$plain"
assert_eq 0 "$RC" "clean start: runc exit code"
assert_eq 1000:1000 "$(get data "$OUT")" "clean start: owner of /data inside"
assert_eq "" "$(received)" "sent for a clean start at the default level"
listen
case_run summary "$plain" "$HOOK" --log-level info
assert_eq 0 "$RC" "clean start at info: runc exit code"
got=$(received)
assert_match "*<30>* oci-idmap-hook\[*\]: $ID: info: /data: idmap (owner 501:501 -> 1000:1000)*" "$got" \
	"the plan line at info"
assert_match "*<30>* oci-idmap-hook\[*\]: $ID: info: summary: 1 of 1 bind mounts remapped: /data" "$got" \
	"the summary at info"
assert_eq 1 "$(grep -c 'summary:' <<<"$got")" "summary lines"
assert_kept "$before" "$plain"

# 3. A step that fails: a warning; with --strict, an error too.
listen
case_run einval "$plain" "$INJECT" mount_setattr EINVAL -- "$HOOK"
expect_plain "mount_setattr EINVAL"
assert_match "<28>* oci-idmap-hook\[*\]: $ID: warn: cannot idmap, mount left as the runtime made it: /data: *mount_setattr*Invalid argument*" \
	"$(received)" "the syslog line for a failed step"
listen
case_run strict "$plain" "$INJECT" mount_setattr EINVAL -- "$HOOK" --strict
assert_ne 0 "$RC" "--strict: runc exit code"
assert_match "*<27>* oci-idmap-hook\[*\]: $ID: error: /data: *mount_setattr*Invalid argument*" \
	"$(received)" "the syslog line for a --strict failure"

# 4. --log-file replaces syslog; --no-syslog sends nothing.
listen
case_run file "$ovl/merged" "$HOOK" --log-file "$TEST_TMP/hook.log"
expect_plain "--log-file"
assert_eq "" "$(received)" "sent with --log-file"
assert_match "oci-idmap-hook: $ID: warn: /data: skip: source is on a filesystem of type overlay*" \
	"$(cat "$TEST_TMP/hook.log")" "the --log-file line"
case_run off "$ovl/merged" "$HOOK" --no-syslog
expect_plain "--no-syslog"
assert_eq "" "$(received)" "sent with --no-syslog"
assert_kept "$before" "$plain"

# 5. Nobody to send to, or nobody reading: never fails, never blocks.
stop_listener
rm -f /dev/log
case_run nolog "$ovl/merged"
expect_plain "no /dev/log"
expect_fast "no /dev/log"
listen gone
case_run refused "$ovl/merged"
expect_plain "a /dev/log nobody listens on"
expect_fast "a /dev/log nobody listens on"
listen full
case_run full "$ovl/merged" "$HOOK" --log-level debug
expect_plain "a full /dev/log queue"
expect_fast "a full /dev/log queue"
stop_listener
exit 0
