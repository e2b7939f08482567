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
#   install_wrapper          make install into TEST_TMP: sets WRAPPER, INSTALLED_HOOK
#   dockerd_start [OPTION...]  sets DOCKER_SOCK, DOCKER_EXEC; DOCKER ARG... runs the client
#   containerd_start         sets CTD_SOCK; CTR ARG... runs ctr in namespace oih
#   busybox_image DIR        a busybox-static rootfs at DIR (the tests' usual one)
#   leftovers DIR            processes whose executable lies under DIR, mounts under DIR

# shellcheck source=e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/e2e_mounts.sh" "$@"

DOCKER_BIN=/usr/bin/docker
ENGINE_CGROUP=oih-e2e-$$
_engine_pids=()

# Stop every daemon this test started, by pid: SIGTERM, then SIGKILL after
# 30 s.  dockerd stops the containerd it started itself.
_engines_stop() {
	local pid i
	for pid in "${_engine_pids[@]}"; do
		kill "$pid" 2>/dev/null || continue
		for i in $(seq 300); do
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
	_mounts_cleanup
}
trap _engines_cleanup EXIT

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
	INSTALLED_HOOK=$(realpath "$prefix/libexec/oci/hooks.d/oci-idmap-hook")
	_open_path_to "$prefix/bin"
}

# _wait_for WHAT PID CMD...: until CMD succeeds (60 s), or the daemon died.
_wait_for() {
	local what=$1 pid=$2 i
	shift 2
	for i in $(seq 600); do
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
		--cgroup-parent "/$ENGINE_CGROUP" "$@" >"$TEST_TMP/dockerd.log" 2>&1 &
	_engine_pids+=($!)
	_wait_for dockerd $! DOCKER info
}

# containerd_start: containerd with its own config, root, state and sockets;
# the CRI plugin off (no kubelet here).
containerd_start() {
	local d=$TEST_TMP/containerd
	mkdir -p "$d"
	CTD_SOCK=$d/containerd.sock
	cat >"$d/config.toml" <<-EOF2
		version = 2
		root = "$d/root"
		state = "$d/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$CTD_SOCK"
		[ttrpc]
		  address = "$CTD_SOCK.ttrpc"
		[debug]
		  address = "$d/debug.sock"
	EOF2
	containerd --config "$d/config.toml" >"$TEST_TMP/containerd.log" 2>&1 &
	_engine_pids+=($!)
	_wait_for containerd $! CTR version
}

CTR() { ctr --address "$CTD_SOCK" --namespace oih "$@"; }

# busybox_image DIR: the tests' busybox-static rootfs (uid 1000 is "app").
busybox_image() {
	make_rootfs "$1"
}

# leftovers DIR: every process whose executable lies under DIR (the
# installed hook and wrapper, their user namespace holders) and every mount
# at or below DIR, one per line; nothing when all is gone.
leftovers() {
	local p exe
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		case $exe in "$1"/*) echo "process ${p#/proc/}: $exe" ;; esac
	done
	mounts_under "$1" | sed 's/^/mount /'
}
