#!/bin/bash
# tests/lib.sh: helpers for the privileged and end-to-end tests (bash).
#
# Source it from a test:   . "$(dirname "$0")/../lib.sh"
#
# Exit codes of a test: 0 pass, 77 skip (last line "SKIP: <reason>"), else fail.
# Under tests/run.sh every test gets its own TEST_TMP (removed afterwards) and
# shares RUN_TMP (the rootfs cache).  Run alone, a test makes and removes its own.
# Nothing here touches the host outside these directories: runc and crun keep
# their state under "$TEST_TMP/state", crun runs in a private mount namespace.

set -u
export LC_ALL=C

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# OCI_IDMAP_HOOK overrides the hook under test (e.g. an installed one).
HOOK=${OCI_IDMAP_HOOK:-$REPO/build/oci-idmap-hook}
INJECT="$REPO/build/tests/inject"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

if [ -z "${TEST_TMP:-}" ]; then
	TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/oci-idmap-test.XXXXXX") || exit 1
	_lib_own_tmp=1
fi
RUN_TMP=${RUN_TMP:-$TEST_TMP}
_lib_containers=()
_lib_at_exit=()

# at_exit COMMAND...: run it when the test exits, however it exits (a
# failure, a signal; not SIGKILL), last registered first.  For host state a
# test changes (an account in /etc/passwd), which it must undo.
at_exit() {
	_lib_at_exit=("$(printf '%q ' "$@")" "${_lib_at_exit[@]}")
}

# Undo what at_exit registered, remove every container this test started,
# then (when the test made its own temporary directory) the directory,
# without crossing into any mount.
_lib_cleanup() {
	local entry
	for entry in "${_lib_at_exit[@]}"; do
		eval "$entry"
	done
	_lib_at_exit=()
	for entry in "${_lib_containers[@]}"; do
		case $entry in
		runc:*) runc --root "$TEST_TMP/state/runc" delete -f "${entry#runc:}" >/dev/null 2>&1 ;;
		crun:*) crun --root "$TEST_TMP/state/crun" delete -f "${entry#crun:}" >/dev/null 2>&1 ;;
		esac
	done
	if [ -n "${_lib_own_tmp:-}" ]; then
		if [ "${KEEP:-}" = 1 ]; then
			echo "kept $TEST_TMP" >&2
		else
			rm -rf --one-file-system "$TEST_TMP"
		fi
	fi
}
trap _lib_cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# --- outcome -----------------------------------------------------------------

skip() {
	echo "SKIP: $*"
	exit 77
}

fail() {
	echo "FAIL: $*" >&2
	if [ -n "${OUT:-}" ]; then
		echo "  the container printed:" >&2
		printf '%s\n' "$OUT" | sed 's/^/    /' >&2
	fi
	if [ -n "${ERR:-}" ]; then
		echo "  the runtime's stderr:" >&2
		printf '%s\n' "$ERR" | sed 's/^/    /' >&2
	fi
	exit 1
}

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root"
}

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "needs $c"
	done
}

need_hook() {
	[ -x "$HOOK" ] || skip "hook not built: $HOOK (run make)"
}

# need_runtime runc|crun: root, the runtime and a busybox-static to build a rootfs.
# The runtime a scenario runs under, from its file name: NN-name-runc.sh and
# NN-name-crun.sh (a symlink to the runc file) share one body.
runtime_of_test() {
	case $(basename "$0" .sh) in
	*-crun) echo crun ;;
	*) echo runc ;;
	esac
}

need_runtime() {
	need_root
	need_cmd "$1" busybox
	[ "$1" != crun ] || need_cmd unshare
	_busybox_is_static || skip "busybox is not static (install busybox-static)"
}

_busybox_is_static() {
	local bb
	bb=$(command -v busybox) || return 1
	# A static ELF has no PT_INTERP; busybox-static's ldd says "not a dynamic executable".
	! LC_ALL=C ldd "$bb" >/dev/null 2>&1
}

# --- assertions --------------------------------------------------------------

# assert_eq EXPECTED ACTUAL WHAT
assert_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
}

# assert_ne UNEXPECTED ACTUAL WHAT
assert_ne() {
	[ "$1" != "$2" ] || fail "$3: got '$2'"
}

# assert_match GLOB ACTUAL WHAT
assert_match() {
	# shellcheck disable=SC2053
	[[ $2 == $1 ]] || fail "$3: '$2' does not match '$1'"
}

# assert_no_match GLOB ACTUAL WHAT
assert_no_match() {
	# shellcheck disable=SC2053
	[[ $2 != $1 ]] || fail "$3: '$2' matches '$1'"
}

# --- rootfs, volume ----------------------------------------------------------

ROOTFS_APPLETS="sh ls stat cat touch id mkdir echo grep test true false sleep mount
	rm printf wc head tail cut env"

_make_rootfs_at() {
	local dir=$1 a
	mkdir -p "$dir"/bin "$dir"/etc "$dir"/proc "$dir"/sys "$dir"/dev "$dir"/tmp "$dir"/data
	chmod 1777 "$dir"/tmp
	cp "$(command -v busybox)" "$dir"/bin/busybox
	for a in $ROOTFS_APPLETS; do
		ln -s busybox "$dir/bin/$a"
	done
	cat >"$dir"/etc/passwd <<-'EOF'
		root:x:0:0:root:/root:/bin/sh
		app:x:1000:1000:app:/tmp:/bin/sh
	EOF
	cat >"$dir"/etc/group <<-'EOF'
		root:x:0:
		staff:x:20:
		app:x:1000:
	EOF
}

# make_rootfs DIR: a busybox-static rootfs, copied from a cache made once per run.
make_rootfs() {
	local cache="$RUN_TMP/rootfs-cache"
	if [ ! -e "$cache/.done" ]; then
		rm -rf "$cache"
		_make_rootfs_at "$cache" || fail "cannot build the rootfs cache"
		touch "$cache/.done"
	fi
	mkdir -p "$(dirname "$1")"
	# Hardlinks where possible: nothing in a test writes to the rootfs files.
	cp -al "$cache" "$1" 2>/dev/null || cp -a "$cache" "$1" || fail "cannot copy the rootfs"
	rm -f "$1/.done"
}

# Ids the tests take for ids from another machine (a macOS volume's 501):
# volumes owned 501:501 expect a full swap.  The owner rule (lib/owner.h)
# hands the gid over only where the host has no account of the owner and no
# group of that id, so a host with one fails these tests loudly, here.
FOREIGN_IDS="501 502 503 504 777 2000"

# assert_foreign ID...: no account and no group in the host's account files
# (the ones the hook reads) has any of these ids.
assert_foreign() {
	local id f name
	for id in "$@"; do
		for f in /etc/passwd /etc/group /usr/lib/passwd /usr/lib/group; do
			[ -r "$f" ] || continue
			name=$(awk -F: -v id="$id" '$3 == id { print $1; exit }' "$f")
			[ -z "$name" ] ||
				fail "$f has $name with id $id: the tests take $id for an id from another machine ($FOREIGN_IDS)"
		done
	done
}

# make_volume DIR UID GID: a directory owned UID:GID (0755) holding hello and
# notes.txt (0644, known content) and sub/deep (the same).
make_volume() {
	local dir=$1 uid=$2 gid=$3 id
	for id in "$uid" "$gid"; do
		case " $FOREIGN_IDS " in *" $id "*) assert_foreign "$id" ;; esac
	done
	mkdir -p "$dir/sub"
	printf 'hello from the host\n' >"$dir/hello"
	printf 'line one\nline two\n' >"$dir/notes.txt"
	printf 'deep\n' >"$dir/sub/deep"
	chown -R "$uid:$gid" "$dir"
	chmod 0755 "$dir" "$dir/sub"
	chmod 0644 "$dir/hello" "$dir/notes.txt" "$dir/sub/deep"
	# The test tmp dir is 0700; the container user must be able to reach the volume.
	_open_path_to "$dir"
}

# Make every directory from TEST_TMP/RUN_TMP down to DIR searchable by others.
_open_path_to() {
	local d=$1
	while [ "$d" != / ] && [ "$d" != . ]; do
		chmod o+x "$d" 2>/dev/null
		case $d in "$TEST_TMP" | "$RUN_TMP") break ;; esac
		d=$(dirname "$d")
	done
}

# snapshot DIR: "path uid:gid mode size md5" of every file under DIR, sorted.
snapshot() {
	(cd "$1" && find . -mindepth 1 -print0 | sort -z |
		xargs -0 -r stat -c '%n %u:%g %a %s' |
		while read -r n rest; do
			if [ -f "$n" ]; then
				echo "$n $rest $(md5sum <"$n" | cut -d' ' -f1)"
			else
				echo "$n $rest"
			fi
		done)
}

# assert_kept BEFORE DIR: every entry of snapshot BEFORE is unchanged in DIR.
assert_kept() {
	local before=$1 dir=$2 now line
	now=$(snapshot "$dir")
	while IFS= read -r line; do
		grep -qxF -- "$line" <<<"$now" ||
			fail "host volume changed: had '$line', now '$(grep -F -- "${line%% *} " <<<"$now")'"
	done <<<"$before"
}

# assert_no_new BEFORE DIR: DIR holds exactly what snapshot BEFORE held.
assert_no_new() {
	assert_kept "$1" "$2"
	local now
	now=$(snapshot "$2")
	[ "$(wc -l <<<"$now")" = "$(wc -l <<<"$1")" ] ||
		fail "host volume has new entries: $(diff <(echo "$1") <(echo "$now") | grep '^>' | tr '\n' ' ')"
}

# --- bundle and config.json --------------------------------------------------

# _spec BUNDLE OP ARGS... [";;" OP ARGS...]: edit BUNDLE/config.json in place
# with python3 (one process for several edits: python starts in ~25 ms).
_spec() {
	local bundle=$1
	shift
	"$PY" -I -S - "$bundle/config.json" "$@" <<-'EOF' || fail "cannot edit $bundle/config.json ($*)"
		import json, os, sys

		path, ops = sys.argv[1], [[]]
		for a in sys.argv[2:]:
		    if a == ";;":
		        ops.append([])
		    else:
		        ops[-1].append(a)
		with open(path) as f:
		    spec = json.load(f)
		proc = spec.setdefault("process", {})
		linux = spec.setdefault("linux", {})


		def edit(op, args):
		    if op == "args":
		        proc["args"] = args
		    elif op == "user":
		        proc["user"] = {"uid": int(args[0]), "gid": int(args[1])}
		    elif op == "terminal":
		        proc["terminal"] = args[0] == "true"
		    elif op == "bind":
		        src, dst, opts = args[0], args[1], args[2:] or ["rbind"]
		        spec.setdefault("mounts", []).append(
		            {"destination": dst, "type": "bind", "source": src, "options": opts})
		    elif op == "hook":
		        stage, hpath, hargs = args[0], args[1], args[2:]
		        hook = {"path": hpath}
		        if hargs:
		            hook["args"] = hargs
		        spec.setdefault("hooks", {}).setdefault(stage, []).append(hook)
		    elif op == "annotation":
		        spec.setdefault("annotations", {})[args[0]] = args[1]
		    elif op == "add-namespace":
		        ns = linux.setdefault("namespaces", [])
		        if not any(n["type"] == args[0] for n in ns):
		            ns.append({"type": args[0]})
		    elif op == "remove-namespace":
		        linux["namespaces"] = [n for n in linux.get("namespaces", []) if n["type"] != args[0]]
		    elif op in ("uid-map", "gid-map"):
		        key = "uidMappings" if op == "uid-map" else "gidMappings"
		        linux[key] = [{"containerID": int(args[i]), "hostID": int(args[i + 1]),
		                       "size": int(args[i + 2])} for i in range(0, len(args), 3)]
		    elif op == "readonly":
		        spec.setdefault("root", {})["readonly"] = args[0] == "true"
		    elif op == "readonly-paths":
		        linux["readonlyPaths"] = linux.get("readonlyPaths", []) + args
		    elif op == "get":
		        v = spec
		        for k in args[0].split("."):
		            v = v[int(k)] if isinstance(v, list) else v[k]
		        print(v if isinstance(v, str) else json.dumps(v))
		        sys.exit(0)
		    else:
		        sys.exit("unknown op " + op)


		for o in ops:
		    edit(o[0], o[1:])
		with open(path + ".tmp", "w") as f:
		    json.dump(spec, f, indent=1)
		os.rename(path + ".tmp", path)
	EOF
}

# make_bundle DIR: `runc spec` plus a busybox rootfs; runs `true` as root, no
# terminal.  Edit it with the bundle_* helpers below.  The base config.json is
# made once per run.
make_bundle() {
	local dir=$1 base="$RUN_TMP/config-base.json"
	if [ ! -s "$base" ]; then
		mkdir -p "$RUN_TMP/spec-base"
		rm -f "$RUN_TMP/spec-base/config.json"
		(cd "$RUN_TMP/spec-base" && runc spec) || fail "runc spec failed"
		_spec "$RUN_TMP/spec-base" terminal false ';;' args true
		mv "$RUN_TMP/spec-base/config.json" "$base"
	fi
	mkdir -p "$dir"
	cp "$base" "$dir/config.json"
	make_rootfs "$dir/rootfs"
	_open_path_to "$dir"
}

# bundle_args BUNDLE ARG...;  bundle_user BUNDLE UID GID;
# bundle_annotation BUNDLE KEY VALUE;  bundle_readonly BUNDLE true|false;
# bundle_get BUNDLE dotted.path (prints a value of config.json, e.g. root.path)
bundle_args() { _spec "$1" args "${@:2}"; }
bundle_user() { _spec "$1" user "$2" "$3"; }
bundle_annotation() { _spec "$1" annotation "$2" "$3"; }
bundle_readonly() { _spec "$1" readonly "$2"; }
bundle_readonly_paths() { _spec "$1" readonly-paths "${@:2}"; }
bundle_get() { _spec "$1" get "$2"; }
# bundle_bind BUNDLE SRC DST [OPTION...]   (options default to rbind)
bundle_bind() { _spec "$1" bind "$2" "$3" "${@:4}"; }
# bundle_hook BUNDLE prestart|createRuntime|... PATH [ARGV...]
# ARGV is the whole argv, argv[0] included, as in config.json.
bundle_hook() { _spec "$1" hook "$2" "$3" "${@:4}"; }
# bundle_add_namespace / bundle_remove_namespace BUNDLE TYPE (user, network, ...)
bundle_add_namespace() { _spec "$1" add-namespace "$2"; }
bundle_remove_namespace() { _spec "$1" remove-namespace "$2"; }
# bundle_uid_map BUNDLE CONTAINER_ID HOST_ID SIZE [...]  (likewise bundle_gid_map)
bundle_uid_map() { _spec "$1" uid-map "${@:2}"; }
bundle_gid_map() { _spec "$1" gid-map "${@:2}"; }
# bundle_userns BUNDLE HOST_ID SIZE: a user namespace mapping 0..SIZE-1 to HOST_ID..
bundle_userns() {
	bundle_add_namespace "$1" user
	bundle_uid_map "$1" 0 "$2" "$3"
	bundle_gid_map "$1" 0 "$2" "$3"
}

# json_q FILE EXPR: a Python expression over the JSON document d in FILE (a
# plan or a status; also named p and s), with m[destination] its mount entry
# (of a status, the one the container sees: not covered); strings print as
# they are, anything else as JSON.  plan_q is the same, named for plans.
json_q() {
	"$PY" -I -S -c 'import json, sys
d = p = s = json.load(open(sys.argv[1]))
m = {x["destination"]: x for x in d.get("mounts", []) if not x.get("covered")}
r = eval(sys.argv[2])
print(r if isinstance(r, str) else json.dumps(r))' "$1" "$2" || fail "cannot evaluate $2 on $1"
}
plan_q() { json_q "$@"; }

# plan_validate FILE: FILE holds a plan valid against schemas/plan.schema.json
# (needs python3-jsonschema).
plan_validate() {
	local why
	why=$("$PY" "$REPO/tests/schema/validate.py" "$REPO/schemas/plan.schema.json" "$1") ||
		fail "plan output not valid against schemas/plan.schema.json: $why"
}

# --- running containers ------------------------------------------------------

CONTAINER_TIMEOUT=${CONTAINER_TIMEOUT:-60}

# container_id NAME: a container id unique to this test process.
container_id() {
	echo "oih-$1-$$"
}

# run_runc BUNDLE ID: run the container to completion; its stdout on stdout, the
# runtime's and the container's stderr on stderr; returns runc's exit code.
run_runc() {
	local bundle=$1 id=$2 root="$TEST_TMP/state/runc" rc
	mkdir -p "$root"
	_lib_containers+=("runc:$id")
	runc --root "$root" delete -f "$id" >/dev/null 2>&1
	timeout -k 5 "$CONTAINER_TIMEOUT" runc --root "$root" run --bundle "$bundle" "$id" </dev/null
	rc=$?
	runc --root "$root" delete -f "$id" >/dev/null 2>&1
	return $rc
}

# run_crun BUNDLE ID: likewise with crun, in a private mount namespace with
# cgroup2 at /sys/fs/cgroup and no cgroup manager (the host is cgroup v1+v2
# hybrid, which crun 1.8 refuses: tests/helpers/crun_in_ns.sh).  Every mount
# is private there: the host's mounts are not touched.
run_crun() {
	local bundle=$1 id=$2 root="$TEST_TMP/state/crun"
	mkdir -p "$root"
	_lib_containers+=("crun:$id")
	timeout -k 5 "$CONTAINER_TIMEOUT" unshare -m --propagation private \
		sh "$REPO/tests/helpers/crun_in_ns.sh" "$root" "$bundle" "$id" </dev/null
}

# run_in RUNTIME BUNDLE ID: run_runc or run_crun.
run_in() {
	case $1 in
	runc) run_runc "$2" "$3" ;;
	crun) run_crun "$2" "$3" ;;
	*) fail "unknown runtime $1" ;;
	esac
}

# --- what the container sees -------------------------------------------------

# PROBE: a container command printing key=value lines about the volume at
# /data (tests/helpers/probe.sh says which).
PROBE=$(cat "$REPO/tests/helpers/probe.sh")

# probe_bundle BUNDLE VOLUME [BIND_OPTION...]: a bundle running PROBE as
# 1000:1000 with VOLUME bind-mounted at /data.
probe_bundle() {
	local bundle=$1 vol=$2
	make_bundle "$bundle"
	_spec "$bundle" user 1000 1000 ';;' args sh -c "$PROBE" ';;' bind "$vol" /data "${@:3}"
}

# get KEY OUTPUT: the value of KEY=... in a PROBE output.
get() {
	local line
	line=$(grep -m1 "^$1=" <<<"$2") || {
		echo "<missing $1>"
		return 0
	}
	echo "${line#*=}"
}

# run_probe RUNTIME BUNDLE NAME: run a probe_bundle; sets OUT (what it
# printed), ERR (the runtime's stderr: hook failures show there) and RC (the
# runtime's exit code).  fail shows OUT and ERR.
run_probe() {
	OUT=$(run_in "$1" "$2" "$(container_id "$3")" 2>"$TEST_TMP/stderr")
	RC=$?
	ERR=$(cat "$TEST_TMP/stderr")
}

# expect_idmapped_rw RUNTIME BUNDLE VOLUME SNAPSHOT HOST_OWNER: the container
# started, sees /data and /data/hello as 1000:1000 through an idmapped mount,
# reads hello, creates /data/new (1000:1000 inside, HOST_OWNER on the host), and
# the volume's old entries kept owner, mode and content.
expect_idmapped_rw() {
	local runtime=$1 bundle=$2 vol=$3 before=$4 host_owner=$5
	run_probe "$runtime" "$bundle" rw
	assert_eq 0 "$RC" "$runtime exit code"
	assert_eq 1000:1000 "$(get id "$OUT")" "container user"
	assert_eq 1000:1000 "$(get data "$OUT")" "owner of /data inside"
	assert_eq 1000:1000 "$(get hello "$OUT")" "owner of /data/hello inside"
	assert_eq "hello from the host" "$(get content "$OUT")" "content of /data/hello inside"
	assert_match "*idmapped*" "$(get mnt "$OUT")" "mount options of /data inside"
	assert_eq ok "$(get write "$OUT")" "touch /data/new inside"
	assert_eq 1000:1000 "$(get new "$OUT")" "owner of /data/new inside"
	[ -f "$vol/new" ] || fail "no $vol/new on the host"
	assert_eq "$host_owner" "$(stat -c %u:%g "$vol/new")" "owner of the new file on the host"
	assert_kept "$before" "$vol"
}

# --- kernel features ------------------------------------------------------------

# helper_bin NAME: build/tests/NAME, built from tests/helpers/NAME.c when
# missing or stale; prints its path.
helper_bin() {
	build_helper "$REPO/build/tests/$1" "$1"
	echo "$REPO/build/tests/$1"
}

# kernel_can FEATURE: whether the running kernel can do FEATURE, probed by
# doing it (never by its version); when not, prints what failed.
#   tmpfs_idmap      idmap a tmpfs (Linux 6.3), in a private mount namespace
#   attach_detached  move a mount into a detached tree (6.15)
#   statmount_maps   statmount reports a mount's maps (6.15)
#   open_tree_attr   open_tree_attr(2) (6.15)
# tests/kernels/cases.sh picks its expectations by the same probes.
kernel_can() {
	local bin out
	case $1 in
	tmpfs_idmap)
		bin=$(helper_bin idmap_mount)
		# shellcheck disable=SC2016
		out=$(unshare -m --propagation private sh -c 'd=$2/kernel-can-tmpfs
			mkdir -p "$d" && mount -t tmpfs probe "$d" && mkdir "$d/a" "$d/b" &&
			"$1" "$d/a" "$d/b" "0 1 1"' sh "$bin" "$TEST_TMP" 2>&1)
		;;
	attach_detached | statmount_maps | open_tree_attr)
		out=$("$(helper_bin kprobe)" "$1" 2>&1)
		;;
	*) fail "kernel_can: no feature $1" ;;
	esac || {
		echo "${out:-failed}"
		return 1
	}
}

# need_kernel FEATURE...: skip unless the running kernel can do each FEATURE
# (kernel_can); CI's kernel can do all, and there a skip fails the run.
need_kernel() {
	local f why since=6.15
	for f in "$@"; do
		[ "$f" != tmpfs_idmap ] || since=6.3
		why=$(kernel_can "$f") || skip "needs a kernel that can do $f (Linux $since): ${why#no: }"
	done
}

# --- a helper program inside containers ----------------------------------------

# IDS: build/tests/ids, from tests/helpers/ids.c, static (for any rootfs).
IDS="$REPO/build/tests/ids"
need_ids() {
	build_helper "$IDS" ids -static
}

# --- the seccomp errno injector -----------------------------------------------

# build_helper OUT NAME [GCC_OPTION...]: build OUT from tests/helpers/NAME*.c
# when it is missing or older than any tests/helpers/NAME* (sources and
# headers).
build_helper() {
	local out=$1 dir="$REPO/tests/helpers" f stale=
	[ -x "$out" ] || stale=1
	for f in "$dir/$2"*; do
		[ "$f" -nt "$out" ] && stale=1
	done
	[ -n "$stale" ] || return 0
	need_cmd gcc
	mkdir -p "$(dirname "$out")"
	gcc -std=gnu11 -O2 -Wall -Wextra "${@:3}" -o "$out.tmp.$$" "$dir/$2"*.c ||
		fail "cannot build $dir/$2*.c"
	mv -f "$out.tmp.$$" "$out"
}

# need_inject: build build/tests/inject from tests/helpers/inject*.c (when stale).
need_inject() {
	build_helper "$INJECT" inject
}
