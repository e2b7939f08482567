#!/bin/sh
# tests/fuzz/run.sh BINDIR: run each libFuzzer target BINDIR/fuzz_NAME for
# FUZZ_SECONDS (default 60) on its seed corpus tests/fuzz/corpus/NAME, plus
# the crashes of earlier runs (tests/fuzz/crashes/NAME: they must not crash
# any more).  New inputs go to BINDIR/corpus/NAME, never into the seeds.
# A crash, leak, timeout (-timeout=5 s per input) or out-of-memory
# (-rss_limit_mb=512) is copied to tests/fuzz/crashes/NAME/ and fails the run.
# FUZZ_TARGETS (default "state spec proc_map config_edit mount_map") picks targets.
set -u
export LC_ALL=C

[ $# = 1 ] || {
	echo "usage: $0 BINDIR" >&2
	exit 2
}
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
seconds=${FUZZ_SECONDS:-60}
failed=0

# max_len: the hook reads at most 64 KiB of state; configs are larger (a
# podman config.json is ~10 KiB), and 4 MiB ones are tested by hostile.sh:
# under ASan yajl's grow-by-one realloc makes huge arrays quadratic.
max_len() {
	case $1 in
	spec | config_edit) echo 131072 ;;
	*) echo 65536 ;;
	esac
}

for name in ${FUZZ_TARGETS:-state spec proc_map config_edit mount_map}; do
	fuzzer=$bin/fuzz_$name
	work=$bin/corpus/$name
	art=$bin/artifacts/$name
	crashes=$here/crashes/$name
	[ -x "$fuzzer" ] || {
		echo "fuzz: no $fuzzer (make fuzz builds it)" >&2
		exit 2
	}
	mkdir -p "$work" "$art"
	rm -f "$art"/*
	set -- "$work" "$here/corpus/$name"
	[ -d "$crashes" ] && set -- "$@" "$crashes"
	dict=$here/json.dict
	case $name in proc_map | mount_map) dict=$here/proc_map.dict ;; esac
	start=$(date +%s)
	"$fuzzer" -dict="$dict" -max_total_time="$seconds" -rss_limit_mb=512 \
		-max_len="$(max_len "$name")" -timeout=5 -print_final_stats=1 \
		-artifact_prefix="$art/" "$@" >"$bin/$name.log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	stats=$(sed -n 's/^stat::\(number_of_executed_units\|peak_rss_mb\|new_units_added\): *//p' \
		"$bin/$name.log" | tr '\n' ' ')
	found=$(find "$art" -type f | wc -l)
	if [ "$rc" != 0 ] || [ "$found" != 0 ]; then
		failed=1
		mkdir -p "$crashes"
		find "$art" -type f -exec cp {} "$crashes/" \;
		echo "FAIL fuzz_$name: exit $rc, $found new input(s) in $crashes (${took}s)"
		grep -E '^(==[0-9]+==|SUMMARY|[^ ]*runtime error|    #[0-9])' "$bin/$name.log" |
			head -n 25 | sed 's/^/    /'
		echo "    reproduce: $fuzzer $crashes/<file>; full log: $bin/$name.log"
	else
		# executions, new corpus inputs, peak RSS (MB)
		echo "PASS fuzz_$name: ${took}s, runs/new/rss_mb: $stats"
	fi
done
exit $failed
