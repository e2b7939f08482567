#!/bin/sh
# tests/run.sh SUITE [FILTER]: run every tests/SUITE/*.sh (sorted), each in its
# own process and its own temporary directory, and print one line per test:
#   PASS name | FAIL name (the test's output indented below) | SKIP name: reason
# then "SUITE: N passed, N failed, N skipped".
# A test exits 0 (pass), 77 (skip; its last line is "SKIP: <reason>") or else (fail).
# Exit status: non-zero if a test failed, or (with CI=true) if a test skipped.
# FILTER keeps the tests whose name contains it.  KEEP=1 keeps the temporary
# directories.  TEST_TIMEOUT (seconds, default 300) bounds each test.
set -u
export LC_ALL=C

usage() {
	echo "usage: $0 SUITE [FILTER]" >&2
	exit 2
}
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	usage
fi
suite=$1
filter=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
dir="$here/$suite"
[ -d "$dir" ] || {
	echo "run.sh: no suite $suite ($dir)" >&2
	exit 2
}

RUN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/oci-idmap-$suite.XXXXXX") || exit 2
export RUN_TMP
# The tests' directories must be reachable by a container user (uid 1000).
chmod 0711 "$RUN_TMP"

# Unmount anything left mounted under $1 (nothing should be), then remove it
# without crossing into another filesystem.
remove_tree() {
	awk -v p="$1" '$5 == p || index($5, p "/") == 1 { print $5 }' /proc/self/mountinfo |
		sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -rf --one-file-system "$1"
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	if [ "${KEEP:-}" = 1 ]; then
		echo "kept $RUN_TMP" >&2
	else
		remove_tree "$RUN_TMP"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT; trap 'exit 143' TERM; trap 'exit 129' HUP; trap 'exit 141' PIPE

passed=0
failed=0
skipped=0
for path in "$dir"/*.sh; do
	[ -f "$path" ] || continue
	t=${path##*/}
	name=${t%.sh}
	case $name in *"$filter"*) ;; *) continue ;; esac
	interp="sh"
	head -n1 "$dir/$t" | grep -q bash && interp=bash

	tmp="$RUN_TMP/$name"
	out="$RUN_TMP/$name.out"
	mkdir -p "$tmp"
	chmod 0711 "$tmp"
	TEST_TMP=$tmp TMPDIR=$tmp timeout -k 10 "${TEST_TIMEOUT:-300}" \
		"$interp" "$dir/$t" </dev/null >"$out" 2>&1
	rc=$?
	case $rc in
	0)
		passed=$((passed + 1))
		echo "PASS $name"
		;;
	77)
		skipped=$((skipped + 1))
		reason=$(grep '^SKIP: ' "$out" | tail -n1)
		reason=${reason#SKIP: }
		echo "SKIP $name: ${reason:-no reason given}"
		;;
	*)
		failed=$((failed + 1))
		echo "FAIL $name"
		sed 's/^/    /' "$out"
		if [ $rc = 124 ]; then
			echo "    (timed out after ${TEST_TIMEOUT:-300}s)"
		else
			echo "    (exit $rc)"
		fi
		;;
	esac
	if [ "${KEEP:-}" = 1 ]; then
		echo "    kept $tmp"
	else
		remove_tree "$tmp"
		rm -f "$out"
	fi
done

echo "$suite: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] || exit 1
if [ "$skipped" != 0 ] && [ "${CI:-}" = true ]; then
	echo "$suite: CI=true and $skipped skipped: a skip is a failure in CI" >&2
	exit 1
fi
exit 0
