# tests/bench/sections.sh: the four sections of bench.sh (sourced by it).
# Each records "KEY NS" lines with record(); report.py names the keys.
# shellcheck shell=bash

# --- 0. the hook's cost inside runc -----------------------------------------------

# The variants of section 0, in one rotation: the static and the dynamic
# do-nothing hooks, the libmount floor, the hook (and BENCH_OTHER_HOOK).
cost_variants() {
	echo nothing dynamic floor hook ${OTHER_HOOK:+other}
}

cost_path() {
	case $1 in
	nothing) echo "$NOTHING" ;;
	dynamic) echo "$DYNAMIC" ;;
	floor) echo "$FLOOR" ;;
	hook) echo "$HOOK" ;;
	other) echo "$OTHER_HOOK" ;;
	esac
}

# cost_hook BUNDLE WHICH PATH ARG...: a createRuntime hook that runs PATH under
# timeit, with the state runc writes on stdin, and appends "NS STATUS" to
# BUNDLE.WHICH.ns: the hook's time as runc runs it, exec to exit.
cost_hook() {
	local b=$1 which=$2
	shift 2
	# shellcheck disable=SC2016
	hook_json /bin/sh sh -c 'o=$1.$2.ns e=$1.err; shift 2; exec "$0" -o /dev/null -e "$e" -- "$@" >>"$o"' \
		"$TIMEIT" "$b" "$which" "$@"
}

# cost_spec BUNDLE CASE HOOK_JSON: the case's mounts: "none", Docker's
# three root-owned file binds and a volume the container user owns
# (nothing to remap); N, N volumes owned 501:501.
cost_spec() {
	if [ "$2" = none ]; then
		spec_edit "$1" 1000:1000 "$W/dk" docker "$3"
	else
		spec_edit "$1" 1000:1000 "$W/hv" "$2" "$3"
	fi
}

# cost_bundles CASE: $W/costCASE.VARIANT for every variant, and the check
# run: the hook idmaps exactly what the case has to remap.
cost_bundles() {
	local c=$1 v got want=$1
	for v in $(cost_variants); do
		make_bundle "$W/cost$c.$v"
		cost_spec "$W/cost$c.$v" "$c" "$(cost_hook "$W/cost$c" "$v" "$(cost_path "$v")")"
	done
	[ "$c" != none ] || want=0
	make_bundle "$W/cost$c.check"
	cost_spec "$W/cost$c.check" "$c" "$(hook_json "$HOOK" oci-idmap-hook)"
	bundle_args "$W/cost$c.check" sh -c 'grep -c idmapped /proc/self/mountinfo; true'
	got=$("$RUNC" --root "$STATE_RUNC" run --bundle "$W/cost$c.check" "$(next_id check)" \
		</dev/null 2>"$W/last.err")
	[ "$got" = "$want" ] || fail "cost: the hook idmapped '$got' mounts of case $c, not $want: $(cat "$W/last.err")"
}

# cost_record CASE WHICH: the last time cost_hook wrote, as cost.CASE.WHICH.
cost_record() {
	local ns rc
	read -r ns rc <"$W/cost$1.$2.ns" || fail "cost: $2 did not run"
	[ "$rc" = 0 ] || fail "cost: $2 exited $rc: $(cat "$W/cost$1.err")"
	rm -f "$W/cost$1.$2.ns"
	record "cost.$1.$2" "$ns"
}

# docker_files DIR: what Docker binds into every container, owned by root.
docker_files() {
	mkdir -p "$1/volume"
	printf '127.0.0.1 localhost\n' >"$1/hosts"
	printf 'nameserver 127.0.0.1\n' >"$1/resolv.conf"
	printf 'bench\n' >"$1/hostname"
	chown 1000:1000 "$1/volume"
	chmod 0755 "$1"
}

section_cost() {
	local n c i v id max=0
	say "0/4 the hook's cost inside runc: nothing to remap and $MOUNTS volumes, $S_COST runs each"
	for n in $MOUNTS; do
		[ "$n" -le "$max" ] || max=$n
	done
	volumes "$W/hv" "$max"
	docker_files "$W/dk"
	for c in none $MOUNTS; do
		cost_bundles "$c"
	done
	for ((i = 0; i < S_COST; i++)); do
		for c in none $MOUNTS; do
			# shellcheck disable=SC2046
			for v in $(rotate "$i" $(cost_variants)); do
				id=$(next_id cost)
				_lib_containers=("runc:$id")
				timed "run.$c.$v" -i /dev/null -- \
					"$RUNC" --root "$STATE_RUNC" run --bundle "$W/cost$c.$v" "$id"
				cost_record "$c" "$v"
			done
		done
	done
}

# --- 1. the hook as a process ---------------------------------------------------

# record_phases KEY: record the phases of the hook's debug timing line in
# $W/last.err (printed in microseconds) as KEY.parse, KEY.userns, ... in ns.
record_phases() {
	local key=$1 line name
	line=$(grep -o 'timing: .*' "$W/last.err") || fail "$key: no timing line: $(cat "$W/last.err")"
	for name in parse+plan userns clone idmap verify swap total; do
		local us
		us=$(sed -n "s/.*[:,] $name \([0-9]*\) us.*/\1/p" <<<"$line")
		[ -n "$us" ] || fail "$key: no $name in '$line'"
		record "$key.${name%%+*}" $((us * 1000))
	done
}

# hook_sample BUNDLE N I KEY: one parked container, hook and the static do-nothing hook
# alternately; then one more for a --log-level debug run (the phase split).
hook_sample() {
	local b=$1 n=$2 i=$3 key=$4 v pid
	park_start "$b"
	pid=$(park_pid)
	for v in $(rotate "$i" hook nothing); do
		if [ "$v" = hook ]; then
			timed "$key.hook" -i "$PARK_DIR/state.json" -- "$HOOK"
			[ "$(idmapped_count "$pid")" = "$n" ] ||
				fail "$key: the hook did not idmap $n mounts: $(cat "$W/last.err")"
		else
			timed "$key.nothing" -i "$PARK_DIR/state.json" -- "$NOTHING"
		fi
	done
	park_release
	park_start "$b"
	timed "$key.debug" -i "$PARK_DIR/state.json" -- "$HOOK" --log-level debug
	record_phases "$key"
	park_release
}

section_hook() {
	local n i max=0
	say "1/4 hook process: $MOUNTS bind mounts, $S_HOOK runs each"
	for n in $MOUNTS; do
		[ "$n" -le "$max" ] || max=$n
	done
	volumes "$W/hv" "$max"
	for n in $MOUNTS; do
		make_bundle "$W/hook$n"
		spec_edit "$W/hook$n" 1000:1000 "$W/hv" "$n" "$(park_bundle "$W/hook$n")"
	done
	for ((i = 0; i < S_HOOK; i++)); do
		for n in $MOUNTS; do
			hook_sample "$W/hook$n" "$n" "$i" "hook.n$n"
		done
	done
	# The check before attach alone, both ways it asks (tests/bench/verify_cost.c).
	local out as_root as_user
	out=$("$VERIFY_COST" "$W/hv/v0" "$S_HOOK" 2000) || fail "verify_cost failed"
	while read -r as_root as_user; do
		record verify.as-root "$as_root"
		record verify.as-user "$as_user"
	done <<<"$out"
}

# --- 2. container start -----------------------------------------------------------

start_bundles() {
	local rt=$1 v h
	for v in hook nothing none; do
		case $v in
		hook) h=$(hook_json "$HOOK" oci-idmap-hook) ;;
		nothing) h=$(hook_json "$NOTHING" nothing) ;;
		none) h=- ;;
		esac
		make_bundle "$W/start-$rt-$v"
		spec_edit "$W/start-$rt-$v" 1000:1000 "$W/sv" 8 "$h"
	done
	make_bundle "$W/start-$rt-check"
	spec_edit "$W/start-$rt-check" 1000:1000 "$W/sv" 8 "$(hook_json "$HOOK" oci-idmap-hook)"
	bundle_args "$W/start-$rt-check" sh -c 'grep -c idmapped /proc/self/mountinfo'
}

# run_rt RUNTIME ARGS...: the runtime with its state dir (crun: no cgroups).
rt_cmd() {
	case $1 in
	runc) echo "$RUNC --root $STATE_RUNC" ;;
	crun) echo "$CRUN --root $STATE_CRUN --cgroup-manager=disabled" ;;
	esac
}

start_loop() {
	local rt=$1 i v id got
	# shellcheck disable=SC2046
	got=$($(rt_cmd "$rt") run --bundle "$W/start-$rt-check" "$(next_id check)" </dev/null 2>"$W/last.err")
	[ "$got" = 8 ] || fail "$rt: the hook did not idmap the 8 volumes (got '$got'): $(cat "$W/last.err")"
	for ((i = 0; i < S_START; i++)); do
		for v in $(rotate "$i" hook nothing none); do
			id=$(next_id "$v")
			_lib_containers=("$rt:$id") # `run` deletes it; this is for Ctrl-C
			# shellcheck disable=SC2046
			timed "start.$rt.$v" -i /dev/null -- $(rt_cmd "$rt") run --bundle "$W/start-$rt-$v" "$id"
		done
	done
}

# In a private mount namespace (see bench.sh): crun 1.8 needs cgroup2 only.
crun_start_inner() {
	mount --make-rprivate / || fail "mount --make-rprivate /"
	umount -R /sys/fs/cgroup 2>/dev/null
	mount -t cgroup2 none /sys/fs/cgroup || fail "mount cgroup2"
	start_loop crun
}

section_start() {
	say "2/4 container start: runc and crun, 8 volumes, hook / do-nothing hook / none, $S_START runs each"
	volumes "$W/sv" 8
	start_bundles runc
	start_bundles crun
	start_loop runc
	TEST_TMP=$W RUN_TMP=$W unshare -m bash "$BENCH/bench.sh" --crun-start || fail "crun loop"
}

# --- 3. data path ------------------------------------------------------------------

# workload_args WORKLOAD NAME: the container's argv for one run; NAME is new
# for every create run.  write: a first pass (discarded) frees the pages the
# next pass takes: on this VM, memory not touched for a while costs the
# first writer ~1 s/GiB of host page faults, whichever mount it writes to.
workload_args() {
	case $1 in
	walk) echo /bin/workload -r "$DATA_REPS" walk /data/tree ;;
	create) echo /bin/workload create "/data/$2" "$CREATE_FILES" 1000 ;;
	write) echo /bin/workload -r "$WRITE_PASSES" write /data/new "$BIG_MIB" ;;
	read) echo /bin/workload -r "$DATA_REPS" read /data/big ;;
	esac
}

# data_run VARIANT WORKLOAD [KEY]: one container run; record the times the
# workload measured itself (walk, read: DATA_REPS; write: all passes but the
# first).  create leaves its tree (deleting it, ext4 with discard slows the
# next creates down tenfold); write's file goes before its pages are written.
data_run() {
	local v=$1 wl=$2 key=${3:-} b=$W/data-$1 out ns count id skip=0
	[ "$wl" != write ] || skip=1
	SEQ=$((SEQ + 1))
	# shellcheck disable=SC2046
	bundle_args "$b" $(workload_args "$wl" "new-$v-$SEQ")
	id=$(next_id data)
	_lib_containers=("runc:$id")
	out=$("$RUNC" --root "$STATE_RUNC" run --bundle "$b" "$id" </dev/null \
		2>"$W/last.err") || fail "data $v $wl: $(cat "$W/last.err")"
	rm -f "$W/dp/new"
	[ -n "$out" ] || fail "data $v $wl: no output"
	while read -r ns count; do
		if [ -z "$count" ] || [ "$count" -le 0 ]; then
			fail "data $v $wl: '$out'"
		fi
		if [ "$skip" -gt 0 ]; then
			skip=$((skip - 1))
		elif [ -n "$key" ]; then
			record "$key" "$ns"
		fi
	done <<<"$out"
}

data_setup() {
	local v user src
	mkdir -p "$W/dp" "$W/dpfs"
	"$WORKLOAD" create "$W/dp/tree" "$WALK_FILES" 1000 0 >/dev/null || fail "tree"
	"$WORKLOAD" write "$W/dp/big" "$BIG_MIB" >/dev/null || fail "big file"
	chown -R 501:501 "$W/dp"
	bindfs --map=501/1000:@501/@1000 "$W/dp" "$W/dpfs" || fail "bindfs"
	BINDFS_MNT=$W/dpfs
	for v in idmap plain bindfs; do
		user=1000:1000 src=$W/dp
		[ "$v" != plain ] || user=501:501
		[ "$v" != bindfs ] || src=$W/dpfs
		make_bundle "$W/data-$v"
		cp "$WORKLOAD" "$W/data-$v/rootfs/bin/workload"
		if [ "$v" = idmap ]; then
			spec_edit "$W/data-$v" "$user" "$src" data "$(hook_json "$HOOK" oci-idmap-hook)"
		else
			spec_edit "$W/data-$v" "$user" "$src" data -
		fi
	done
}

# The container user must see its own files in each variant, through the
# mount that variant is about.
data_check() {
	local v got want
	for v in idmap plain bindfs; do
		# shellcheck disable=SC2016
		bundle_args "$W/data-$v" sh -c \
			'echo $(stat -c %u:%g /data/big) $(grep " /data " /proc/self/mountinfo | grep -c idmapped)'
		got=$("$RUNC" --root "$STATE_RUNC" run --bundle "$W/data-$v" "$(next_id check)" </dev/null)
		case $v in
		idmap) want="1000:1000 1" ;;
		plain) want="501:501 0" ;;
		bindfs) want="1000:1000 0" ;;
		esac
		[ "$got" = "$want" ] || fail "data $v: the container sees '$got', expected '$want'"
	done
}

drop_caches() {
	sync
	echo 3 >/proc/sys/vm/drop_caches || fail "cannot drop caches"
}

section_data() {
	local wl v i
	say "3/4 data path: idmapped / plain bind / bindfs; $S_DATA runs each" \
		"(walk, read: +1 warm-up, $DATA_REPS passes a run)"
	data_setup
	data_check
	for wl in walk create write read; do
		if [ "$wl" = walk ] || [ "$wl" = read ]; then
			for v in idmap plain bindfs; do
				data_run "$v" "$wl"
			done
		fi
		for ((i = 0; i < S_DATA; i++)); do
			for v in $(rotate "$i" idmap plain bindfs); do
				data_run "$v" "$wl" "data.$wl.$v"
			done
		done
	done
	if [ "$COLD" = 1 ]; then
		say "3/4 data path, cold cache (drop_caches before each run): $S_COLD runs each"
		for wl in walk read; do
			for ((i = 0; i < S_COLD; i++)); do
				for v in $(rotate "$i" idmap plain bindfs); do
					drop_caches
					DATA_REPS=1 data_run "$v" "$wl" "data.cold-$wl.$v"
				done
			done
		done
	fi
	# shellcheck disable=SC2034 # read by bench_cleanup
	umount "$W/dpfs" && BINDFS_MNT=""
	rm -rf --one-file-system "$W/dp"
}

# --- 4. chown -R vs the hook ----------------------------------------------------------

chown_sample() {
	local size=$1 i=$2 v pid
	for v in $(rotate "$i" hook chown); do
		if [ "$v" = hook ]; then
			park_start "$W/chown$size"
			pid=$(park_pid)
			timed "chown.n$size.hook" -i "$PARK_DIR/state.json" -- "$HOOK"
			[ "$(idmapped_count "$pid")" = 1 ] ||
				fail "chown $size: the hook did not idmap: $(cat "$W/last.err")"
			park_release
		else
			timed "chown.n$size.chown" -i /dev/null -- "$(command -v chown)" -R 1000:1000 "$W/cv$size"
			timed "chown.n$size.chown" -i /dev/null -- "$(command -v chown)" -R 501:501 "$W/cv$size"
			sync # its writeback, untimed, is not left to slow down the next run
		fi
	done
}

section_chown() {
	local size i reps
	say "4/4 chown -R vs the hook: $SIZES files, up to $S_CHOWN runs each"
	for size in $SIZES; do
		"$WORKLOAD" create "$W/cv$size" "$size" 1000 0 >/dev/null || fail "volume $size"
		chown -R 501:501 "$W/cv$size"
		make_bundle "$W/chown$size"
		spec_edit "$W/chown$size" 1000:1000 "$W/cv$size" data "$(park_bundle "$W/chown$size")"
	done
	for size in $SIZES; do
		reps=$S_CHOWN
		[ "$size" -lt 1000000 ] || reps=$(((S_CHOWN + 1) / 2))
		for ((i = 0; i < reps; i++)); do
			chown_sample "$size" "$i"
		done
		rm -rf --one-file-system "$W/cv$size"
	done
}
