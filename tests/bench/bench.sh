#!/bin/bash
# tests/bench/bench.sh: `make bench`.  Measures the hook against what users
# pay anyway and what they do instead; prints a table, writes build/bench.json.
# Needs root, runc, crun, busybox-static, gcc with a static glibc; installs
# bindfs with apt-get when it is missing.  See tests/bench/README.md.
#
#   BENCH_QUICK=1   a smoke run (few repetitions, small trees, about a minute)
#   BENCH_COLD=0    skip the cold-cache data-path runs (drop_caches)
#   BENCH_OUT=FILE  the JSON (default build/bench.json)
#   TMPDIR=DIR      where the volumes and trees go (their filesystem is measured)
#   BENCH_SECTIONS="cost hook start data chown"   the sections to run (default all)
#   BENCH_OTHER_HOOK=PATH   section 0 also runs this build of the hook, alternately
#
# Every figure is a median over repeated runs with [min-max]; the variants of
# a comparison run alternately, in a rotating order, in the same run.

# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
BENCH=$REPO/tests/bench
W=$TEST_TMP
RAW=$W/raw
JSON_OUT=${BENCH_OUT:-$REPO/build/bench.json}
QUICK=${BENCH_QUICK:-0}
COLD=${BENCH_COLD:-1}
RUNC=$(command -v runc) CRUN=$(command -v crun)
TIMEIT=$W/timeit WORKLOAD=$W/workload NOTHING=$W/nothing DYNAMIC=$W/dynamic FLOOR=$W/floor
VERIFY_COST=$W/verify_cost
OTHER_HOOK=${BENCH_OTHER_HOOK:-}
STATE_RUNC=$W/state/runc STATE_CRUN=$W/state/crun
SEQ=0 SECTION_SECONDS=""

if [ "$QUICK" = 1 ]; then
	S_COST=6 S_HOOK=6 S_START=6 S_DATA=2 S_COLD=1 S_CHOWN=2 DATA_REPS=2 WRITE_PASSES=2
	MOUNTS="1 8 64" SIZES="0 1000 10000" WALK_FILES=10000 CREATE_FILES=2000 BIG_MIB=64
else
	S_COST=31 S_HOOK=40 S_START=30 S_DATA=3 S_COLD=3 S_CHOWN=4 DATA_REPS=4 WRITE_PASSES=3
	MOUNTS="1 8 64" SIZES="0 1000 10000 100000 1000000" WALK_FILES=100000
	CREATE_FILES=10000 BIG_MIB=1024
fi

# --- cleanup: parked containers, the bindfs mount, then lib.sh's -------------

PARK_PID="" PARK_DIR="" PARK_ID="" BINDFS_MNT=""

bench_cleanup() {
	trap '' INT TERM
	[ -z "$PARK_PID" ] || park_release
	if [ -n "$BINDFS_MNT" ] && mountpoint -q "$BINDFS_MNT"; then
		umount "$BINDFS_MNT" 2>/dev/null || umount -l "$BINDFS_MNT"
	fi
	_lib_cleanup
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say() { printf '%s\n' "$*" >&2; }
record() { echo "$1 $2" >>"$RAW"; } # KEY VALUE
next_id() {
	SEQ=$((SEQ + 1))
	echo "oihb-$$-$1-$SEQ"
}

# rotate I WORD...: the words, starting at the (I mod count)th.
rotate() {
	local i=$1 k
	shift
	local words=("$@")
	for ((k = 0; k < $#; k++)); do
		printf '%s ' "${words[(i + k) % $#]}"
	done
}

# timed KEY [-i FILE] -- CMD...: run CMD under timeit, record its ns; stderr
# goes to $W/last.err; a nonzero exit of CMD fails the benchmark.
timed() {
	local key=$1 out ns rc
	shift
	out=$("$TIMEIT" -o /dev/null -e "$W/last.err" "$@") || fail "timeit $*"
	read -r ns rc <<<"$out"
	[ "$rc" = 0 ] || fail "$key: exit $rc: $(tail -n5 "$W/last.err")"
	record "$key" "$ns"
}

# --- building blocks -----------------------------------------------------------

build_helpers() {
	gcc -std=gnu11 -O2 -Wall -Wextra -static -o "$TIMEIT" "$BENCH/timeit.c" ||
		fail "cannot build timeit"
	gcc -std=gnu11 -O2 -Wall -Wextra -static -o "$NOTHING" "$BENCH/nothing.c" ||
		fail "cannot build the do-nothing hook"
	gcc -std=gnu11 -O2 -Wall -Wextra -o "$DYNAMIC" "$BENCH/nothing.c" ||
		fail "cannot build the dynamic do-nothing hook"
	# shellcheck disable=SC2046
	gcc -std=gnu11 -O2 -Wall -Wextra -o "$FLOOR" "$BENCH/floor.c" \
		$(pkg-config --cflags --libs mount) || fail "cannot build the libmount floor"
	gcc -std=gnu11 -O2 -Wall -Wextra -static -o "$WORKLOAD" "$BENCH/workload.c" ||
		fail "cannot build workload (static glibc: libc6-dev)"
	# shellcheck disable=SC2046
	gcc -std=gnu11 -O2 -Wall -Wextra -D_GNU_SOURCE -I"$REPO/lib" -o "$VERIFY_COST" \
		"$BENCH/verify_cost.c" "$REPO/build/libhook.a" $(pkg-config --libs mount) ||
		fail "cannot build verify_cost"
}

# spec_edit BUNDLE USER VOLUME_DIR|- N HOOK_JSON|-: one python pass over
# config.json: the process user, N bind mounts VOLUME_DIR/vK -> /vK (or,
# with N=data, VOLUME_DIR -> /data; with N=docker, what Docker binds, the
# files VOLUME_DIR/hosts, resolv.conf and hostname at /etc, and
# VOLUME_DIR/volume at /data) and a createRuntime hook.
spec_edit() {
	"$PY" -I -S - "$@" <<-'EOF' || fail "cannot edit $1/config.json"
		import json, sys
		bundle, user, vol, n, hook = sys.argv[1:6]
		path = bundle + "/config.json"
		spec = json.load(open(path))
		uid, gid = user.split(":")
		spec["process"]["user"] = {"uid": int(uid), "gid": int(gid)}
		mounts = spec.setdefault("mounts", [])
		if n == "data":
		    mounts.append({"destination": "/data", "type": "bind", "source": vol,
		                   "options": ["rbind"]})
		elif n == "docker":
		    for f in ("hosts", "resolv.conf", "hostname"):
		        mounts.append({"destination": "/etc/" + f, "type": "bind",
		                       "source": vol + "/" + f, "options": ["rbind", "rprivate"]})
		    mounts.append({"destination": "/data", "type": "bind",
		                   "source": vol + "/volume", "options": ["rbind"]})
		elif vol != "-":
		    for k in range(int(n)):
		        mounts.append({"destination": "/v%d" % k, "type": "bind",
		                       "source": "%s/v%d" % (vol, k), "options": ["rbind"]})
		if hook != "-":
		    spec.setdefault("hooks", {})["createRuntime"] = [json.loads(hook)]
		json.dump(spec, open(path, "w"), indent=1)
	EOF
}

# hook_json PATH [ARG...]: a hook entry for spec_edit.
hook_json() {
	"$PY" -I -S -c 'import json, sys; print(json.dumps({"path": sys.argv[1], "args": sys.argv[2:]}))' "$@"
}

# A createRuntime hook that saves the state and waits on a fifo: the
# container stays where the real hook would run (mounts made, no pivot_root).
park_bundle() {
	local b=$1
	mkdir -p "$b.park"
	mkfifo "$b.park/go"
	# shellcheck disable=SC2016
	hook_json /bin/sh sh -c 'cat >"$0/state.json" && : >"$0/ready" && read -r x <"$0/go"' "$b.park"
}

# park_start BUNDLE: runc create, return when its createRuntime hook waits.
park_start() {
	local b=$1 k
	PARK_DIR=$b.park PARK_ID=$(next_id park)
	rm -f "$PARK_DIR/ready" "$PARK_DIR/state.json"
	"$RUNC" --root "$STATE_RUNC" create --bundle "$b" "$PARK_ID" </dev/null >/dev/null \
		2>"$W/park.err" &
	PARK_PID=$!
	for ((k = 0; k < 3000; k++)); do
		[ -e "$PARK_DIR/ready" ] && return 0
		kill -0 "$PARK_PID" 2>/dev/null || fail "runc create: $(cat "$W/park.err")"
		sleep 0.01
	done
	fail "runc create did not reach its createRuntime hook"
}

park_pid() {
	sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' "$PARK_DIR/state.json"
}

park_release() {
	local k
	# shellcheck disable=SC2016
	timeout 5 sh -c 'echo >"$0"' "$PARK_DIR/go" 2>/dev/null
	for ((k = 0; k < 1000; k++)); do
		kill -0 "$PARK_PID" 2>/dev/null || break
		sleep 0.01
	done
	kill -9 "$PARK_PID" 2>/dev/null
	wait "$PARK_PID" 2>/dev/null
	"$RUNC" --root "$STATE_RUNC" delete -f "$PARK_ID" >/dev/null 2>&1
	PARK_PID=""
}

# idmapped_count PID: idmapped mounts in the mount namespace of PID.
idmapped_count() {
	grep -c ' idmapped\|,idmapped' "/proc/$1/mountinfo"
}

# volumes DIR N: N small volumes DIR/v0.. owned 501:501.
volumes() {
	local k
	for ((k = 0; k < $2; k++)); do
		mkdir -p "$1/v$k"
		echo data >"$1/v$k/file"
	done
	chown -R 501:501 "$1"
	chmod 0755 "$1"
}

# shellcheck source=sections.sh
. "$BENCH/sections.sh"

# --- main ----------------------------------------------------------------------

main() {
	need_runtime runc
	need_runtime crun
	need_hook
	need_cmd gcc "$PY" mkfifo timeout
	command -v bindfs >/dev/null 2>&1 || {
		say "installing bindfs (apt-get)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q bindfs >/dev/null ||
			fail "cannot install bindfs"
	}
	chmod 0755 "$W"
	mkdir -p "$STATE_RUNC" "$STATE_CRUN"
	: >"$RAW"
	build_helpers
	local t0=$SECONDS s
	for s in ${BENCH_SECTIONS:-cost hook start data chown}; do
		local t=$SECONDS
		"section_$s"
		SECTION_SECONDS+=" ${s}_seconds=$((SECONDS - t))"
	done
	say "done in $((SECONDS - t0)) s:$SECTION_SECONDS"
	mkdir -p "$(dirname "$JSON_OUT")"
	"$PY" -I "$BENCH/report.py" "$RAW" "$JSON_OUT" "$(meta)" || fail "report"
}

meta() {
	printf 'walk_files=%s create_files=%s big_mib=%s data_reps=%s write_passes=%s%s ' \
		"$WALK_FILES" "$CREATE_FILES" "$BIG_MIB" "$DATA_REPS" "$WRITE_PASSES" "$SECTION_SECONDS"
	printf 'quick=%s cold=%s cores=%s kernel=%s runc=%s crun=%s bindfs=%s fs=%s hook=%s' \
		"$QUICK" "$COLD" "$(nproc)" "$(uname -r)" \
		"$("$RUNC" --version | head -n1 | cut -d' ' -f3)" \
		"$("$CRUN" --version | head -n1 | cut -d' ' -f3)" \
		"$(bindfs --version | head -n1 | cut -d' ' -f2)" \
		"$(findmnt -n -o FSTYPE -T "$W")" "$("$HOOK" --version | cut -d' ' -f2)"
}

if [ "${1:-}" = --crun-start ]; then
	crun_start_inner "${@:2}"
else
	main
fi
