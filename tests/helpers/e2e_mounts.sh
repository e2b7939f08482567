#!/bin/bash
# tests/helpers/e2e_mounts.sh: for end-to-end tests that mount things on the
# host side (submounts in a source, FUSE or proc sources, shared volumes).
# Source it instead of tests/lib.sh, first thing:
#
#   . "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
#
# It re-executes the test in a private mount namespace (unshare -m, every
# mount private), so nothing the test mounts can reach the host and all of it
# goes with the namespace; the runtimes run in that namespace too, which is
# the "host" of the containers.  Then it sources lib.sh and, at exit, unmounts
# everything under TEST_TMP, stops the FUSE servers it started, and lib.sh
# removes TEST_TMP.  It also has helpers to start a FUSE server and to read
# `oci-idmap-hook plan` output.

if [ -z "${OIH_PRIVATE_MNTNS:-}" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: needs root"
		exit 77
	fi
	command -v unshare >/dev/null 2>&1 || {
		echo "SKIP: needs unshare"
		exit 77
	}
	exec unshare -m --propagation private env OIH_PRIVATE_MNTNS=1 bash "$0" "$@"
fi

# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# umount_under DIR: unmount every mount at or below DIR, deepest first.
umount_under() {
	awk -v p="$1" '$5 == p || index($5, p "/") == 1 { print $5 }' /proc/self/mountinfo |
		sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
}

_mounts_cleanup() {
	umount_under "$TEST_TMP"
	_fuse_stop_all
	_lib_cleanup
}
trap _mounts_cleanup EXIT

# mounts_under DIR: "target fstype" of every mount at or below DIR, sorted.
mounts_under() {
	awk -v p="$1" '$5 == p || index($5, p "/") == 1 {
		for (i = 7; $i != "-"; i++) ;
		print $5, $(i + 1) }' /proc/self/mountinfo | sort
}

# swap_map LOW HIGH: the map, one "inside outside count" line per extent as
# idmap_mount takes it, that exchanges LOW and HIGH (0 <= LOW < HIGH) and maps
# every other id of 0..4294967294 to itself.
swap_map() {
	local a=$1 b=$2
	[ "$a" = 0 ] || printf '0 0 %s\n' "$a"
	printf '%s %s 1\n%s %s %s\n%s %s 1\n%s %s %s' "$a" "$b" \
		$((a + 1)) $((a + 1)) $((b - a - 1)) "$b" "$a" $((b + 1)) $((b + 1)) $((4294967295 - b - 1))
}

# IDMAP_MOUNT: build/tests/idmap_mount, from tests/helpers/idmap_mount.c.
IDMAP_MOUNT="$REPO/build/tests/idmap_mount"
need_idmap_mount() {
	build_helper "$IDMAP_MOUNT" idmap_mount
}

# --- a FUSE server -----------------------------------------------------------

# FUSE_SERVER: build/tests/fuse_server, from tests/helpers/fuse_server*.
FUSE_SERVER="$REPO/build/tests/fuse_server"
_fuse_pids=()
need_fuse_server() {
	[ -c /dev/fuse ] || skip "needs /dev/fuse"
	build_helper "$FUSE_SERVER" fuse_server
}

# fuse_start MODE BACKING MOUNTPOINT: fuse_server serving BACKING at
# MOUNTPOINT (made here) until the test ends: it is unmounted, killed and
# reaped on every exit path (_mounts_cleanup).  Waits until it serves.
fuse_start() {
	local out=$3.server i
	mkdir -p "$3"
	: >"$out"
	"$FUSE_SERVER" "$1" "$2" "$3" >"$out" 2>&1 &
	_fuse_pids+=("$!")
	for i in $(seq 100); do
		grep -q '^ready$' "$out" && return 0
		kill -0 "$!" 2>/dev/null || break
		sleep 0.1
	done
	fail "fuse_server $1 did not start: $(cat "$out")"
}

_fuse_stop_all() {
	local p
	for p in "${_fuse_pids[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	_fuse_pids=()
}

# --- plan ----------------------------------------------------------------------

# plan_to FILE BUNDLE [PLAN OPTION...]: `oci-idmap-hook plan --json --bundle BUNDLE` into FILE.
plan_to() {
	"$HOOK" plan --json --bundle "$2" "${@:3}" >"$1" 2>"$1.err" ||
		fail "oci-idmap-hook plan --json --bundle $2 ${*:3}: exit $?: $(cat "$1.err")"
}

# expect_plan FILE DESTINATION idmap|skip [REASON-GLOB]
expect_plan() {
	assert_eq "$3" "$(plan_q "$1" "m['$2']['action']")" "plan: action of $2"
	[ $# -lt 4 ] || assert_match "$4" "$(plan_q "$1" "m['$2'].get('reason', '')")" \
		"plan: reason for $2"
}

# bundle_caps BUNDLE CAP...: add capabilities to every set, ambient included,
# so that a non-root container user keeps them.
bundle_caps() {
	"$PY" -I -S - "$1/config.json" "${@:2}" <<-'EOF' || fail "cannot add capabilities"
		import json, sys
		spec = json.load(open(sys.argv[1]))
		caps = spec["process"].setdefault("capabilities", {})
		for k in ("bounding", "effective", "permitted", "inheritable", "ambient"):
		    caps[k] = sorted(set(caps.get(k, [])) | set(sys.argv[2:]))
		json.dump(spec, open(sys.argv[1], "w"), indent=1)
	EOF
}

# bundle_mount BUNDLE TYPE SOURCE DESTINATION [OPTION...]: any mount.
bundle_mount() {
	"$PY" -I -S - "$1/config.json" "${@:2}" <<-'EOF' || fail "cannot add a mount"
		import json, sys
		spec = json.load(open(sys.argv[1]))
		spec["mounts"].append({"type": sys.argv[2], "source": sys.argv[3],
		                       "destination": sys.argv[4], "options": sys.argv[5:]})
		json.dump(spec, open(sys.argv[1], "w"), indent=1)
	EOF
}
