#!/bin/bash
# tests/helpers/engines.sh: Docker Engine and containerd for end-to-end tests.
# Source it instead of tests/lib.sh, first thing:
#
#   . "$(dirname "$0")/../helpers/engines.sh" "$@"
#
# Through helpers/e2e_mounts.sh the test runs in a private mount namespace:
# the daemons' overlay and shim mounts go with it.  Each daemon gets its own
# data root, exec root (state), pidfile and socket under TEST_TMP, and a
# cgroup parent of its own; it is started by the test and stopped by its pid
# in the EXIT trap, even when the test fails.  Debian's /usr/bin/docker is
# used (another docker client may come first in PATH).
#
#   need_engine docker|containerd
#   install_wrapper          make install into TEST_TMP: sets WRAPPER
#   dockerd_start [OPTION...]  sets DOCKER_SOCK, DOCKER_EXEC; DOCKER ARG... runs the client
#   containerd_config [LINE...]  a config.toml's start: own root, state, sockets; sets CTD_SOCK
#   containerd_start [CONFIG]  (CONFIG: containerd_config + more); CTR ARG... runs
#                            ctr in namespace oih
#   busybox_image DIR        a busybox-static rootfs at DIR (the tests' usual one)
#   leftovers DIR            processes whose executable lies under DIR, mounts under DIR
#   host_lock NAME           wait until no other test run holds NAME (host-wide state)
#   drun NAME RUNTIME ARG... docker run of PROBE (tests/lib.sh) and ETC as 1000:1000
#   expect_own, expect_control, expect_etc_kept: what that run saw

# shellcheck source=e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/e2e_mounts.sh" "$@"

DOCKER_BIN=/usr/bin/docker
ENGINE_CGROUP=oih-e2e-$$
_engine_pids=()
# Paths the daemons use whatever they are told: containerd 1.6 its shims'
# sockets (/run/containerd/s), dockerd 20.10 its plugin sockets
# (/run/docker/plugins) and its trust key (/etc/docker/key.json).  What the
# test made there, it removes again.
_engine_made=()
for p in /run/containerd /run/docker /etc/docker; do
	[ -e "$p" ] || _engine_made+=("$p")
done

# Stop every daemon this test started, by pid: SIGTERM, then SIGKILL after
# 30 s.  dockerd stops the containerd it started itself.
_engines_stop() {
	local pid
	for pid in "${_engine_pids[@]}"; do
		kill "$pid" 2>/dev/null || continue
		for _ in $(seq 300); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	_engine_pids=()
	# The cgroups the containers left (empty, once the daemons are gone).
	find /sys/fs/cgroup -maxdepth 3 -depth -type d -path "*/$ENGINE_CGROUP*" \
		-exec rmdir {} + 2>/dev/null
}

_engines_cleanup() {
	_engines_stop
	[ -z "${_engine_made_dockremap:-}" ] || userdel dockremap 2>/dev/null
	local p
	for p in "${_engine_made[@]}"; do
		[ "$p" != /etc/docker ] || rm -f /etc/docker/key.json
		find "$p" -depth -type d -empty -delete 2>/dev/null
	done
	_mounts_cleanup
}
trap _engines_cleanup EXIT

# host_lock NAME: hold /tmp/oci-idmap-hook.NAME.lock until the test ends, so
# that test runs sharing this host (several make check at once) take turns
# with host-wide state such as the dockremap user.  The daemons do not
# inherit the lock (9>&-).
host_lock() {
	exec 9>>"/tmp/oci-idmap-hook.$1.lock" || fail "cannot open the $1 lock"
	flock -w 600 9 || fail "waited 10 minutes for the $1 lock"
}

need_engine() {
	need_runtime runc
	need_hook
	case $1 in
	docker)
		need_cmd dockerd
		[ -x "$DOCKER_BIN" ] || skip "needs $DOCKER_BIN (Debian's docker.io)"
		;;
	containerd) need_cmd containerd ctr containerd-shim-runc-v2 ;;
	esac
}

# install_wrapper: make install PREFIX=TEST_TMP/prefix; the installed wrapper
# finds the installed hook beside itself, as on a real host.
install_wrapper() {
	local prefix=$TEST_TMP/prefix
	[ -x "$REPO/build/oci-idmap-runtime" ] || skip "build/oci-idmap-runtime not built: run make"
	make -s -C "$REPO" -o build/oci-idmap-hook -o build/oci-idmap-runtime \
		install PREFIX="$prefix" >"$TEST_TMP/make.out" 2>&1 ||
		fail "make install PREFIX=$prefix: $(cat "$TEST_TMP/make.out")"
	WRAPPER=$prefix/bin/oci-idmap-runtime
	_open_path_to "$prefix/bin"
}

# _wait_for WHAT PID CMD...: until CMD succeeds (60 s), or the daemon died.
_wait_for() {
	local what=$1 pid=$2
	shift 2
	for _ in $(seq 600); do
		"$@" >/dev/null 2>&1 && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	fail "$what did not come up: $(tail -n 20 "$TEST_TMP/$what.log")"
}

DOCKER() { "$DOCKER_BIN" -H "unix://$DOCKER_SOCK" "$@"; }

# dockerd_start [OPTION...]: dockerd with the wrapper as runtime "idmap",
# overlay2, no iptables and no bridge (containers run with --network none).
dockerd_start() {
	local d=$TEST_TMP/docker
	mkdir -p "$d"
	printf '{"runtimes": {"idmap": {"path": "%s"}}}\n' "$WRAPPER" >"$d/daemon.json"
	DOCKER_SOCK=$d/docker.sock DOCKER_EXEC=$d/exec
	dockerd --config-file "$d/daemon.json" --data-root "$d/data" --exec-root "$DOCKER_EXEC" \
		--pidfile "$d/dockerd.pid" -H "unix://$DOCKER_SOCK" --iptables=false \
		--ip6tables=false --bridge=none --storage-driver=overlay2 \
		--cgroup-parent "/$ENGINE_CGROUP" "$@" >"$TEST_TMP/dockerd.log" 2>&1 9>&- &
	_engine_pids+=($!)
	_wait_for dockerd $! DOCKER info
}

# containerd_config [LINE...]: the start of a config.toml (version 2) for
# containerd with its own root, state and sockets under TEST_TMP, and the
# top-level LINEs; sets CTD_SOCK.  Tables may follow.
containerd_config() {
	local d=$TEST_TMP/containerd
	mkdir -p "$d"
	CTD_SOCK=$d/containerd.sock
	printf '%s\n' "version = 2" "root = \"$d/root\"" "state = \"$d/state\"" "$@"
	cat <<-EOF2
		[grpc]
		  address = "$CTD_SOCK"
		[ttrpc]
		  address = "$CTD_SOCK.ttrpc"
		[debug]
		  address = "$d/debug.sock"
	EOF2
}

# containerd_start [CONFIG]: containerd with CONFIG (made from
# containerd_config), by default containerd_config with the CRI plugin off
# (no kubelet here).
# shellcheck disable=SC2120 # CONFIG is optional
containerd_start() {
	local config=${1:-$TEST_TMP/containerd/config.toml}
	if [ $# = 0 ]; then
		mkdir -p "$TEST_TMP/containerd"
		containerd_config 'disabled_plugins = ["io.containerd.grpc.v1.cri"]' >"$config"
	fi
	containerd --config "$config" >"$TEST_TMP/containerd.log" 2>&1 9>&- &
	_engine_pids+=($!)
	_wait_for containerd $! CTR version
}

CTR() { ctr --address "$CTD_SOCK" --namespace oih "$@"; }

# CTR_RUN ARG...: ctr run --rm (bounded by CONTAINER_TIMEOUT) with the FIFOs
# and runc's state under TEST_TMP.
CTR_RUN() {
	timeout -k 5 "$CONTAINER_TIMEOUT" ctr --address "$CTD_SOCK" --namespace oih run --rm \
		--fifo-dir "$TEST_TMP/containerd/fifo" --runc-root "$TEST_TMP/containerd/runc" "$@"
}

# busybox_image DIR: the tests' busybox-static rootfs (uid 1000 is "app").
busybox_image() {
	make_rootfs "$1"
}

# leftovers DIR: every process whose executable lies under DIR (the
# installed hook and wrapper, their user namespace holders) and every mount
# at or below DIR, one per line; nothing when all is gone.
leftovers() {
	# One find, not a readlink per process: a busy host has hundreds.
	find /proc/[0-9]*/exe -maxdepth 0 -lname "$1/*" -printf '%h %l\n' 2>/dev/null |
		sed 's|^/proc/\([0-9]*\) |process \1: |'
	mounts_under "$1" | sed 's/^/mount /'
}

# --- what a docker run sees ---------------------------------------------------

# ETC: owners of the engine's files and whether the user can write them.
# shellcheck disable=SC2016
ETC='for f in /etc/hosts /etc/hostname /etc/resolv.conf; do
	echo "$f=$(stat -c %u:%g "$f") $(if (echo x >>"$f") 2>/dev/null; then echo written; else echo refused; fi)"
done'

# drun NAME RUNTIME ARG...: docker run --rm as 1000:1000 of PROBE (and ETC);
# sets OUT, ERR, RC like run_probe.
drun() {
	local name=$1 runtime=$2
	OUT=$(timeout -k 5 "$CONTAINER_TIMEOUT" "$DOCKER_BIN" -H "unix://$DOCKER_SOCK" run --rm \
		--name "oih-$name-$$" --runtime "$runtime" --network none --user 1000:1000 \
		"${@:3}" oih/busybox:test sh -c "$PROBE
$ETC" 2>"$TEST_TMP/stderr")
	RC=$?
	ERR=$(cat "$TEST_TMP/stderr")
}

# expect_own RUNTIME-LABEL VOLUME BEFORE [ro]: the container sees the 501:501
# volume as 1000:1000 through an idmapped mount; rw: it wrote /data/new, which
# is 501:501 on the host; ro: the write failed as read-only.
expect_own() {
	local what=$1 vol=$2 before=$3 mode=${4:-rw}
	assert_eq 0 "$RC" "$what: docker run exit code"
	assert_eq 1000:1000 "$(get id "$OUT")" "$what: container user"
	assert_eq 1000:1000 "$(get data "$OUT")" "$what: owner of /data inside"
	assert_eq 1000:1000 "$(get hello "$OUT")" "$what: owner of /data/hello inside"
	assert_eq "hello from the host" "$(get content "$OUT")" "$what: content of /data/hello"
	assert_match "*idmapped*" "$(get mnt "$OUT")" "$what: mount options of /data"
	if [ "$mode" = ro ]; then
		assert_match "ro,*" "$(get mnt "$OUT")" "$what: mount options of /data"
		assert_eq "fail:Read-only file system" "$(get write "$OUT")" "$what: touch /data/new"
		assert_no_new "$before" "$vol"
	else
		assert_eq ok "$(get write "$OUT")" "$what: touch /data/new"
		assert_eq 1000:1000 "$(get new "$OUT")" "$what: owner of /data/new inside"
		assert_eq 501:501 "$(stat -c %u:%g "$vol/new")" "$what: owner of the new file on the host"
		rm -f "$vol/new"
		assert_kept "$before" "$vol"
	fi
}

# expect_control VOLUME BEFORE [OWNER]: plain runc: the user sees the volume
# as OWNER (501:501) and cannot write.
expect_control() {
	assert_eq 0 "$RC" "control: docker run exit code"
	assert_eq "${3:-501:501}" "$(get data "$OUT")" "control: owner of /data inside"
	assert_eq "fail:Permission denied" "$(get write "$OUT")" "control: touch /data/new"
	assert_no_new "$2" "$1"
}

# expect_etc_kept: the engine's files are root's and the user cannot write them.
expect_etc_kept() {
	local f
	for f in /etc/hosts /etc/hostname /etc/resolv.conf; do
		assert_eq "0:0 refused" "$(get "$f" "$OUT")" "$1: $f inside (owner, write)"
	done
}
