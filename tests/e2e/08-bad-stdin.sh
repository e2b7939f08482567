#!/bin/bash
# Bad input on stdin: the hook exits non-zero with exactly one line on stderr,
# starting "oci-idmap-hook:".
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_hook

# check NAME INPUT
check() {
	local rc err f=$TEST_TMP/stderr
	printf '%s' "$2" | timeout 10 "$HOOK" >/dev/null 2>"$f"
	rc=$?
	err=$(cat "$f")
	[ "$rc" != 0 ] || fail "$1: exit 0"
	[ "$rc" != 124 ] || fail "$1: timed out"
	[ "$rc" -lt 128 ] || fail "$1: killed by signal $((rc - 128))"
	# One line: one newline, at the end, after something.
	if [ -z "$err" ] || [ "$(wc -l <"$f")" != 1 ] || [ "$(tail -c1 "$f")" != "" ]; then
		fail "$1: stderr is not one line: <<$err>>"
	fi
	assert_match "oci-idmap-hook:*" "$err" "$1: stderr"
	echo "$1: exit $rc: $err"
}

check "not json" 'not json'
check "negative pid" '{"ociVersion":"1.0.2","id":"x","status":"creating","pid":-4,"bundle":"/tmp"}'
check "empty stdin" ''
