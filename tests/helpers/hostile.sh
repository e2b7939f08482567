#!/bin/bash
# tests/helpers/hostile.sh: for the hostile-bundle tests (tests/e2e/5*.sh),
# sourced after tests/lib.sh.
#
# A watched bundle runs the hook between two capture hooks in the same
# createRuntime list: one just before it and one just after it copy the
# container's mount table (/proc/PID/mountinfo, read from the host) to
# BUNDLE.pre and BUNDLE.post.  The runtime itself runs in a private mount
# namespace of its own, which stands for the host: its mount table is saved
# before and after the run (BUNDLE.host-before, BUNDLE.host-after), and nothing
# the run does can reach the real host.

# capture hook: the OCI state on stdin names the container's pid.
# shellcheck disable=SC2016
CAPTURE_SCRIPT='pid=$(tr -d " \n" | sed -n "s/.*\"pid\":\([0-9]*\).*/\1/p")
[ -n "$pid" ] && cat "/proc/$pid/mountinfo" >"$1"'

# watched_bundle BUNDLE [ATTACKER-HOOK-ARGV...]: a bundle (make_bundle) whose
# createRuntime hooks are: the attacker (if given: a script and its
# arguments, run by /bin/sh -c, the state on stdin), capture pre, the hook,
# capture post.
# Add mounts, args and user with the bundle_* helpers.  To run the hook
# under a wrapper, set WRAP=(PATH) and WRAP_ARGV=(ARGV0 ARG... "$HOOK").
watched_bundle() {
	local b=$1
	shift
	make_bundle "$b"
	[ $# -eq 0 ] || bundle_hook "$b" createRuntime /bin/sh sh -c "$1" attacker "${@:2}"
	bundle_hook "$b" createRuntime /bin/sh sh -c "$CAPTURE_SCRIPT" capture "$b.pre"
	bundle_hook "$b" createRuntime "${WRAP[@]:-$HOOK}" "${WRAP_ARGV[@]:-oci-idmap-hook}" \
		--log-level info --log-file "$b.log"
	bundle_hook "$b" createRuntime /bin/sh sh -c "$CAPTURE_SCRIPT" capture "$b.post"
}

# run_watched RUNTIME BUNDLE NAME: run it to completion in a private mount
# namespace (with crun: cgroup2 at /sys/fs/cgroup, no cgroup manager); sets
# OUT, ERR, RC and LOG (the hook's log).
# shellcheck disable=SC2034 # OUT, ERR, RC and LOG are for the caller
run_watched() {
	local rt=$1 b=$2 id root
	id=$(container_id "$3")
	root="$TEST_TMP/state/$rt"
	mkdir -p "$root"
	_lib_containers+=("$rt:$id")
	# shellcheck disable=SC2016
	OUT=$(timeout -k 5 "$CONTAINER_TIMEOUT" unshare -m sh -c '
		rt=$1 root=$2 b=$3 id=$4
		mount --make-rprivate / || exit 125
		if [ "$rt" = crun ]; then
			umount -R /sys/fs/cgroup 2>/dev/null
			mount -t cgroup2 none /sys/fs/cgroup || exit 125
			set -- --cgroup-manager=disabled
		else
			set --
		fi
		cat /proc/self/mountinfo >"$b.host-before"
		"$rt" --root "$root" "$@" run --bundle "$b" "$id"
		rc=$?
		cat /proc/self/mountinfo >"$b.host-after"
		"$rt" --root "$root" delete -f "$id" >/dev/null 2>&1
		exit $rc' sh "$rt" "$root" "$b" "$id" </dev/null 2>"$b.stderr")
	RC=$?
	ERR=$(cat "$b.stderr")
	LOG=$(cat "$b.log" 2>/dev/null)
}

# new_mounts BUNDLE: the lines of BUNDLE.post whose mount id BUNDLE.pre lacks.
new_mounts() {
	awk 'NR == FNR { seen[$1] = 1; next } !($1 in seen)' "$1.pre" "$1.post"
}

# assert_contained BUNDLE ROOTFS: the hook acted only on mounts the runtime
# made inside the rootfs.  Every mount it added has its mount point inside
# ROOTFS, where the runtime had mounted the same source (same device and
# root); it removed no mount; the host's mount table is unchanged.
assert_contained() {
	local b=$1 rootfs=$2 line id dev root mp
	if [ ! -s "$b.pre" ] || [ ! -s "$b.post" ]; then
		fail "no mount table captured around the hook"
	fi
	[ -s "$b.host-before" ] || fail "no host mount table captured"
	while read -r line; do
		read -r id _ dev root mp _ <<<"$line"
		case $mp in "$rootfs"/*) ;; *) fail "the hook mounted outside the rootfs: $line" ;; esac
		awk -v d="$dev" -v r="$root" -v m="$mp" '$3 == d && $4 == r && $5 == m { ok = 1 }
			END { exit !ok }' "$b.pre" ||
			fail "the hook mounted where the runtime had not mounted that source: $line"
	done < <(new_mounts "$b")
	awk 'NR == FNR { now[$1] = 1; next } !($1 in now) { print; bad = 1 } END { exit bad }' \
		"$b.post" "$b.pre" >&2 || fail "the hook removed a mount of the container"
	diff "$b.host-before" "$b.host-after" >&2 || fail "the host's mount table changed"
}

# mount_point_of BUNDLE SOURCE: where the runtime mounted SOURCE (pre-hook).
# mountinfo's root field is SOURCE relative to its filesystem's mount.
mount_point_of() {
	local mnt rel
	mnt=$(stat -c %m "$2") || return 1
	rel=${2#"${mnt%/}"}
	awk -v r="$rel" 'substr($4, length($4) - length(r) + 1) == r { print $5 }' "$1.pre"
}
