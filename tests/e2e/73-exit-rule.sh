#!/bin/bash
# The exit-code rule (issue 22): the hook fails a start only when stdin is not
# an OCI state, or when --strict (or the annotation) asks and a mount it was
# to remap is not remapped; then with one line that names why.  Everything
# else leaves every mount as the runtime made it, logs why, and exits 0.
#  - out of memory before the plan (the hook under `ulimit -v`, a config.json
#    with 40 MiB in a field the runtimes ignore), in runc and crun: without
#    --strict the container starts and /data is the runtime's own mount,
#    with it the start fails with one line;
#  - a config.json too large to keep (65537 mounts) with the strict
#    annotation: exit 1 (the annotation was lost after the spec was thrown
#    away); without it exit 0;
#  - /proc/PID/uid_map unreadable for a user namespace joined by path (the
#    seccomp injector): every bind mount is left as it was, saying why;
#    exit 0, and with --strict exit 1 and one line.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_hook
need_inject

vol=$TEST_TMP/vol
make_volume "$vol" 501 501
before=$(snapshot "$vol")

# one_hook_line WHAT TEXT GLOB: TEXT holds exactly one line of the hook's,
# and it matches GLOB.
one_hook_line() {
	local lines
	lines=$(grep -o 'oci-idmap-hook: .*' <<<"$2")
	assert_eq 1 "$(grep -c . <<<"$lines")" "$1: lines of the hook's (all: $2)"
	assert_match "$3" "$lines" "$1: the hook's line"
}

# --- out of memory before the plan, under runc and crun ----------------------

# pad BUNDLE: 40 MiB in a field of config.json nobody reads (in an
# annotation it would be in the state too).
pad() {
	"$PY" -I -S - "$1/config.json" <<-'EOF' || fail "cannot pad config.json"
		import json, sys
		spec = json.load(open(sys.argv[1]))
		spec["x-pad"] = "p" * (40 << 20)
		json.dump(spec, open(sys.argv[1], "w"))
	EOF
}

# The hook under an address-space limit that its start fits (about 20 MiB)
# and reading 40 MiB does not.
limited=(/bin/sh sh -c 'ulimit -v 60000 && exec "$@"' limited "$HOOK")
# An ASan build (make check-asan) cannot start under `ulimit -v` (it
# reserves terabytes of address space), and parses 65537 mounts in minutes
# (yajl grows an array one element at a time, ASan's realloc always
# copies): those cases are the plain build's.
asan= oom_runtimes="runc crun"
if grep -qa __asan_init "$HOOK"; then
	echo "an ASan build: out of memory and 65537 mounts are checked with the plain build"
	asan=1 oom_runtimes=
fi
for rt in $oom_runtimes; do
	need_runtime $rt
	b=$TEST_TMP/oom-$rt
	probe_bundle "$b" "$vol"
	pad "$b"
	bundle_hook "$b" createRuntime "${limited[@]}" --log-file "$b.log"
	run_probe $rt "$b" oom
	assert_eq 0 "$RC" "$rt, out of memory: exit code"
	assert_eq 1000:1000 "$(get id "$OUT")" "$rt, out of memory: the container ran as"
	assert_eq 501:501 "$(get data "$OUT")" "$rt, out of memory: owner of /data (the runtime's mount)"
	assert_no_match "*idmapped*" "$(get mnt "$OUT")" "$rt, out of memory: /data"
	assert_match "*: error: *config.json*Cannot allocate memory; every mount left as the runtime made it" \
		"$(cat "$b.log")" "$rt, out of memory: the log"
	rm -f "$vol/new"

	s=$TEST_TMP/oom-strict-$rt
	probe_bundle "$s" "$vol"
	pad "$s"
	bundle_hook "$s" createRuntime "${limited[@]}" --strict --log-file "$s.log"
	run_probe $rt "$s" oom-strict
	assert_ne 0 "$RC" "$rt, out of memory, --strict: exit code"
	assert_eq "<missing id>" "$(get id "$OUT")" "$rt, out of memory, --strict: the container ran"
	# crun does not show a failed hook's stderr; runc does.
	[ $rt = crun ] || one_hook_line "$rt, out of memory, --strict: $rt's error" "$ERR" \
		"oci-idmap-hook: oih-*: *config.json*: Cannot allocate memory*"
	assert_eq 1 "$(grep -c . "$s.log")" "$rt, out of memory, --strict: lines logged"
	assert_match "oci-idmap-hook: oih-*: error: *config.json*: Cannot allocate memory" \
		"$(cat "$s.log")" "$rt, out of memory, --strict: the log"
	assert_no_new "$before" "$vol"
done

# --- the hook alone: a state naming a process in a mount namespace of its own --

unshare -m sleep 600 &
sleeper=$!
# shellcheck disable=SC2317 # run by the EXIT trap
_sleeper_cleanup() {
	kill "$sleeper" 2>/dev/null
	wait "$sleeper" 2>/dev/null
	_lib_cleanup
}
trap _sleeper_cleanup EXIT
for _ in $(seq 100); do
	[ "$(readlink "/proc/$sleeper/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ] && break
	sleep 0.1
done
[ "$(readlink "/proc/$sleeper/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ] ||
	fail "the sleeper has no mount namespace of its own"

# hook_on BUNDLE HOOK-ARG...: the hook (under the command in the array
# UNDER, if any) with the state of container c1 (bundle BUNDLE, the
# sleeper's pid) on stdin; sets RC, ERR.
UNDER=()
hook_on() {
	local b=$1
	shift
	printf '{"ociVersion":"1.0.2","id":"c1","status":"creating","pid":%d,"bundle":"%s"}' \
		"$sleeper" "$b" |
		timeout 60 "${UNDER[@]}" "$HOOK" --no-syslog "$@" >/dev/null 2>"$TEST_TMP/err"
	RC=$?
	ERR=$(cat "$TEST_TMP/err")
}

# too_many BUNDLE [ANNOTATION-JSON]: 65537 bind mounts of the volume.
too_many() {
	mkdir -p "$1"
	"$PY" -I -S - "$1/config.json" "$vol" "${2:-}" <<-'EOF' || fail "cannot write $1/config.json"
		import json, sys
		path, vol, ann = sys.argv[1], sys.argv[2], sys.argv[3]
		spec = {"ociVersion": "1.0.2", "root": {"path": "rootfs"},
		        "process": {"user": {"uid": 1000, "gid": 1000}},
		        "mounts": [{"destination": "/m%d" % i, "type": "bind", "source": vol}
		                   for i in range(65537)]}
		if ann:
		    spec["annotations"] = json.loads(ann)
		json.dump(spec, open(path, "w"))
	EOF
}

if [ -z "$asan" ]; then
	too_many "$TEST_TMP/big-strict" '{"io.oci-idmap-hook.strict": "true"}'
	hook_on "$TEST_TMP/big-strict"
	assert_eq 1 "$RC" "65537 mounts, strict annotation: exit code"
	assert_eq "oci-idmap-hook: c1: config.json: mounts: more than 65536 entries" "$ERR" \
		"65537 mounts, strict annotation: the one line"
	too_many "$TEST_TMP/big"
	hook_on "$TEST_TMP/big"
	assert_eq 0 "$RC" "65537 mounts: exit code"
	assert_eq "oci-idmap-hook: c1: error: config.json: mounts: more than 65536 entries; every mount left as the runtime made it" \
		"$ERR" "65537 mounts: the log"
fi

# A user namespace joined by path, its maps unreadable.
u=$TEST_TMP/userns
mkdir -p "$u/rootfs/data"
cat >"$u/config.json" <<EOF
{"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "process": {"user": {"uid": 1000, "gid": 1000}},
 "linux": {"namespaces": [{"type": "mount"}, {"type": "user", "path": "/proc/$sleeper/ns/user"}]},
 "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/data", "type": "bind", "source": "$vol", "options": ["rbind"]}]}
EOF
UNDER=("$INJECT" --path "/proc/$sleeper/uid_map" openat EACCES --)
hook_on "$u"
assert_eq 0 "$RC" "uid_map unreadable: exit code"
assert_eq "oci-idmap-hook: c1: warn: cannot idmap, mount left as the runtime made it: /data: cannot know the container user's host ids: open /proc/$sleeper/uid_map: Permission denied" \
	"$ERR" "uid_map unreadable: the log"
hook_on "$u" --strict
assert_eq 1 "$RC" "uid_map unreadable, --strict: exit code"
assert_eq "oci-idmap-hook: c1: /data: cannot know the container user's host ids: open /proc/$sleeper/uid_map: Permission denied" \
	"$ERR" "uid_map unreadable, --strict: the one line"
assert_no_new "$before" "$vol"
exit 0
