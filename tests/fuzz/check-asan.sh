#!/bin/sh
# tests/fuzz/check-asan.sh BDIR: the unit tests, then the privileged and
# end-to-end suites with the hook BDIR/oci-idmap-hook, all built with
# ASan+UBSan by `make check-asan`.  The builds write every sanitizer report
# to BDIR/sanitizer/log.<pid> (tests/fuzz/sanitizer_options.c): a runtime
# shows a hook's stderr to no one, and a test that expects the hook to fail
# would not notice a sanitizer's exit status.  Any report fails the run.
set -u
export LC_ALL=C

[ $# = 1 ] || {
	echo "usage: $0 BDIR" >&2
	exit 2
}
bdir=$(cd "$1" && pwd) || exit 2
repo=$(cd "$(dirname "$0")/../.." && pwd)
logs=$bdir/sanitizer
failed=0

rm -rf "$logs"
mkdir -p "$logs"

# step NAME CMD...: run CMD, note a failure, print the time it took.
step() {
	name=$1
	shift
	start=$(date +%s)
	echo "== $name"
	"$@" || failed=1
	echo "== $name: $(($(date +%s) - start)) s"
}

cd "$repo" || exit 2
step unit env CK_FORK=yes "$bdir/unit-tests"
for suite in priv e2e; do
	step "$suite" env OCI_IDMAP_HOOK="$bdir/oci-idmap-hook" sh tests/run.sh "$suite"
done

reports=$(find "$logs" -type f -name 'log.*' ! -name '*.no-leak-check' | sort)
skipped=$(find "$logs" -type f -name '*.no-leak-check' | wc -l)
for f in $reports; do
	echo "FAIL sanitizer report $f:"
	head -n 60 "$f" | sed 's/^/    /'
	failed=1
done
# LeakSanitizer cannot run where clone(2) was made to fail (errno injection)
# or under strace.
echo "check-asan: $(echo "$reports" | grep -c .) sanitizer report(s);" \
	"$skipped run(s) without a leak check (clone made to fail, or traced)"
exit $failed
