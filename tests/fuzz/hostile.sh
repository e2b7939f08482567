#!/bin/bash
# tests/fuzz/hostile.sh: the hook (the normal build) on hostile input at the
# size limits it accepts, which the fuzzers do not reach: 4 MiB of hostile
# structure in config.json (plan --bundle), and just past the bounds: 64 MiB
# config.json, 65 MiB state (stdin), 65536 mounts.  Every case ends with exit
# 0 or the expected one-line error (exit 1), no signal, within a hang guard of
# 60 s, under a 512 MiB address-space limit.  No root needed.  Past its
# bounds the hook itself falls back (exit 0, logged); plan says why (exit 1).
# The runtime wrapper (which rewrites config.json as root on every Docker
# start) gets the same configs through create, with /bin/true as the runtime:
# bounded the same way; where it cannot add the hook, the runtime runs on
# config.json as it was and one line says why; otherwise the hook added once
# (a second create changes nothing), and the hook judges the rewritten
# config.json as it judged the original.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_hook
need_cmd "$PY"
WRAPPER=$REPO/build/oci-idmap-runtime
[ -x "$WRAPPER" ] || skip "wrapper not built: $WRAPPER (run make)"

gen=$TEST_TMP/gen
mkdir -p "$gen"

# run_hook OUTFILE ERRFILE ARGS...: the hook, bounded; sets RC.
run_hook() {
	run_bounded "$1" "$2" "$HOOK" "${@:3}"
}

# run_bounded OUTFILE ERRFILE PROGRAM ARGS...: sets RC.
run_bounded() {
	local out=$1 err=$2
	shift 2
	(
		ulimit -v $((512 * 1024)) || exit 125
		exec timeout -k 5 60 "$@"
	) >"$out" 2>"$err"
	RC=$?
}

# expect_result NAME RC WANT(0|1) ERRFILE [GLOB [PROGRAM]]: the outcome of one case.
expect_result() {
	local name=$1 rc=$2 want=$3 errf=$4 glob=${5:-} program=${6:-oci-idmap-hook} err
	err=$(cat "$errf")
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		fail "$name: still running after 60 s"
	fi
	[ "$rc" -lt 128 ] || fail "$name: killed by signal $((rc - 128))"
	assert_eq "$want" "$rc" "$name: exit code (stderr: ${err:0:300})"
	if [ "$want" = 0 ]; then
		echo "ok $name: exit 0"
		return 0
	fi
	[ "$(wc -l <"$errf")" = 1 ] || fail "$name: stderr is not one line: ${err:0:500}"
	assert_match "$program: *$glob*" "$err" "$name: message"
	echo "ok $name: ${err:0:160}"
}

# config NAME WANT GLOB: plan --bundle on $gen/NAME/config.json.
config() {
	run_hook "$TEST_TMP/out" "$TEST_TMP/err" plan --bundle "$gen/$1"
	expect_result "config $1" "$RC" "$2" "$TEST_TMP/err" "${3:-}"
}

# wrapper NAME added|unchanged [GLOB]: oci-idmap-runtime create on a copy of
# $gen/NAME: the hook added, or config.json unchanged and one warning line.
wrapper() {
	local b=$TEST_TMP/wrapper-$1 before plan_rc
	rm -rf "$b"
	cp -r "$gen/$1" "$b"
	before=$(md5sum <"$b/config.json")
	run_hook "$TEST_TMP/out" "$TEST_TMP/err" plan --bundle "$b"
	plan_rc=$RC
	OCI_IDMAP_RUNTIME=/bin/true OCI_IDMAP_HOOK=$HOOK run_bounded "$TEST_TMP/out" \
		"$TEST_TMP/err" "$WRAPPER" create --bundle "$b" c1
	if [ "$2" = unchanged ]; then
		expect_result "wrapper $1" "$RC" 0 "$TEST_TMP/err"
		[ "$(wc -l <"$TEST_TMP/err")" = 1 ] ||
			fail "wrapper $1: stderr is not one line: $(head -c 500 "$TEST_TMP/err")"
		assert_match "oci-idmap-runtime: the runtime runs without the hook: *$3*" \
			"$(cat "$TEST_TMP/err")" "wrapper $1: the warning"
		assert_eq "$before" "$(md5sum <"$b/config.json")" "wrapper $1: config.json after the warning"
		return 0
	fi
	expect_result "wrapper $1" "$RC" 0 "$TEST_TMP/err"
	assert_eq 1 "$(grep -o "\"createRuntime\":\[{\"path\":\"$HOOK\"" "$b/config.json" | wc -l)" \
		"wrapper $1: the hook entries added"
	run_hook "$TEST_TMP/out" "$TEST_TMP/err" plan --bundle "$b"
	assert_eq "$plan_rc" "$RC" "wrapper $1: plan's exit code after the rewrite (stderr: $(cat "$TEST_TMP/err"))"
	before=$(md5sum <"$b/config.json")
	OCI_IDMAP_RUNTIME=/bin/true OCI_IDMAP_HOOK=$HOOK run_bounded "$TEST_TMP/out" \
		"$TEST_TMP/err" "$WRAPPER" create --bundle "$b" c1
	expect_result "wrapper $1, again" "$RC" 0 "$TEST_TMP/err" >/dev/null
	assert_eq "$before" "$(md5sum <"$b/config.json")" "wrapper $1: config.json after a second create"
}

# state NAME WANT GLOB: the hook with $gen/NAME.state on stdin.
state() {
	run_hook "$TEST_TMP/out" "$TEST_TMP/err" <"$gen/$1.state"
	expect_result "state $1" "$RC" "$2" "$TEST_TMP/err" "${3:-}"
}

"$PY" - "$gen" <<-'PYEOF' || fail "cannot generate the inputs"
	import os, sys
	gen = sys.argv[1]
	MAX = 4 * 1024 * 1024
	CONFIG_MAX = 64 * 1024 * 1024
	STATE_MAX = CONFIG_MAX + 1024 * 1024
	HEAD = ('{"ociVersion":"1.0.2","root":{"path":"rootfs"},'
	        '"process":{"user":{"uid":1000,"gid":1000}},')

	def config(name, text):
	    os.makedirs(os.path.join(gen, name), exist_ok=True)
	    data = text.encode() if isinstance(text, str) else text
	    with open(os.path.join(gen, name, "config.json"), "wb") as f:
	        f.write(data)

	def fill(head, unit, tail, size=MAX):
	    return head + unit * ((size - len(head) - len(tail)) // len(unit)) + tail

	def mounts(n):
	    return ",".join('{"destination":"/d","type":"bind","source":"/nonexistent"}'
	                    for _ in range(n))

	config("deep-arrays", fill("", "[", ""))
	config("deep-objects", fill("", '{"a":', ""))
	config("numbers", fill(HEAD + '"x":[0', ",0", "]}"))
	config("objects", fill(HEAD + '"x":[{}', ",{}", "]}"))
	config("keys", HEAD + '"x":{' + ",".join('"k%d":0' % i for i in range(300000)) + "}}")
	config("long-root-path", fill('{"ociVersion":"1","root":{"path":"', "a", '"}}'))
	config("too-big", fill(HEAD + '"x":"', "a", '"}', CONFIG_MAX + 1))
	config("skip-list", fill(HEAD + '"mounts":[' + mounts(4096) +
	                         '],"annotations":{"io.oci-idmap-hook.skip":"', ",", '"}}'))
	config("many-mounts", HEAD + '"mounts":[' + mounts(5000) + "]}")
	config("too-many-mounts", HEAD + '"mounts":[' + mounts(65537) + "]}")
	config("many-options", fill(HEAD + '"mounts":[{"destination":"/d","type":"bind",'
	                            '"source":"/nonexistent","options":["ro"', ',"rbind"', "]}]}"))
	config("uid-too-big", HEAD.replace("1000,", "4294967295,") + '"x":0}')
	config("uid-float", HEAD.replace("1000,", "1e99,") + '"x":0}')
	config("uid-string", HEAD.replace("1000,", '"1000",') + '"x":0}')
	config("duplicate-key", HEAD + '"root":{"path":"other"}}')
	config("bad-utf8", HEAD.encode() + b'"x":"\xc3\x28"}')
	config("nul-escape", HEAD + '"x":"a\\u0000b","annotations":{"a":"\\u0000"}}')
	config("nul-escape-read", HEAD.replace('"rootfs"', '"root\\u0000fs"') + '"x":0}')
	config("comment", HEAD + '"x":0 /* hi */}')
	config("trailing", HEAD + '"x":0} /* what runc does not read */ {"root":')
	# For the wrapper: the largest config.json the hook reads, and one that
	# with the hook added would not be (the wrapper must not write it).
	config("string-at-limit", fill(HEAD + '"x":"', "a", '"}', CONFIG_MAX))
	config("string-fit", fill(HEAD + '"x":"', "\\u00e9", '"}', CONFIG_MAX - 4096))
	config("extents", HEAD + '"linux":{"namespaces":[{"type":"user"}],"uidMappings":[' +
	       ",".join('{"containerID":0,"hostID":0,"size":1}' for _ in range(341)) + "]}}")

	def state(name, text):
	    data = text.encode() if isinstance(text, str) else text
	    with open(os.path.join(gen, name + ".state"), "wb") as f:
	        f.write(data)

	ST = '{"ociVersion":"1.0.2","id":"c1","status":"creating","pid":%s,"bundle":"/b"}'
	state("big", fill('{"ociVersion":"1.0.2","id":"c1","status":"creating","bundle":"/b",'
	                  '"annotations":{"a":"', "a", '"}}', 70 * 1024))
	state("too-big", fill('{"ociVersion":"1.0.2","id":"c1","x":"', "a", '"}', STATE_MAX + 1))
	state("deep", fill("", "[", "", 65536))
	state("pid-too-big", ST % "2147483648")
	state("pid-negative", ST % "-1")
	state("long-id", ST.replace('"c1"', '"' + "i" * 1025 + '"') % "1")
	state("duplicate-key", ST.replace('"id":"c1"', '"id":"c1","id":"c2"') % "1")
	state("bad-utf8", (ST % "1").encode().replace(b"c1", b"c\xff"))
	PYEOF

config deep-arrays 1 "nesting deeper than 10000 levels"
config deep-objects 1 "nesting deeper than 10000 levels"
config numbers 0
config objects 0
config keys 0
config long-root-path 0
config too-big 1 "input larger than 67108864 bytes"
config skip-list 1 'annotations\["io.oci-idmap-hook.skip"\]: longer than'
config many-mounts 0
config too-many-mounts 1 "mounts: more than 65536 entries"
config many-options 0
config uid-too-big 1 "process.user.uid: must be an integer in 0..4294967294"
config uid-float 1 "process.user.uid: must be an integer"
config uid-string 1 "process.user.uid: must be an integer"
config duplicate-key 1 "root: given 2 times (runc reads the last, crun the first)"
config bad-utf8 0 # read as U+FFFD, as runc reads it
config nul-escape 0
config nul-escape-read 1 'root.path: \\u0000 in a string is not allowed'
config comment 1 "comments are not allowed"
config trailing 0
config extents 1 "linux.uidMappings: more than 340 entries"

wrapper deep-arrays unchanged "nesting deeper than 10000 levels"
wrapper deep-objects unchanged "nesting deeper than 10000 levels"
wrapper numbers added
wrapper objects added
wrapper keys added
wrapper long-root-path added
wrapper string-at-limit unchanged "larger than 67108864 bytes with the hook added"
wrapper string-fit added
wrapper too-big unchanged "input larger than 67108864 bytes"
wrapper many-mounts added
wrapper many-options added
wrapper uid-too-big added # the hook's business, not the wrapper's
wrapper duplicate-key added # root is not the wrapper's business either
wrapper bad-utf8 unchanged "not UTF-8"
wrapper nul-escape added
# The NULs are written back as the escapes runc reads as NULs.
grep -qF '"x":"a\u0000b"' "$TEST_TMP/wrapper-nul-escape/config.json" ||
	fail "wrapper nul-escape: the NUL in x lost: $(grep -o '"x":"[^"]*"' "$TEST_TMP/wrapper-nul-escape/config.json")"
wrapper nul-escape-read added
wrapper comment unchanged "comments are not allowed"
wrapper trailing added
# What follows the document is kept as it was.
grep -qF '} /* what runc does not read */ {"root":' "$TEST_TMP/wrapper-trailing/config.json" ||
	fail "wrapper trailing: what followed the document: $(tail -c 80 "$TEST_TMP/wrapper-trailing/config.json")"

state big 0
state too-big 0 # the hook falls back: logged, exit 0
state deep 1 "nesting deeper than 10000 levels"
state pid-too-big 1 "pid: must be an integer in 0..2147483647"
state pid-negative 1 "pid: must be an integer in 0..2147483647"
state long-id 1 "id: must be at most 1024 characters"
state duplicate-key 1 "id: given 2 times (runc reads the last, crun the first)"
state bad-utf8 0 # read as U+FFFD; pid 1 is in the hook's mount namespace: not a container

# Every prefix of a real runc state is an error (one line), none crashes.
full='{"ociVersion":"1.0.2-dev","id":"web-1","status":"creating","pid":1,"bundle":"/run/b"}'
for ((i = 0; i < ${#full}; i++)); do
	printf '%s' "${full:0:i}" >"$gen/prefix.state"
	state prefix 1 "" >/dev/null
done
echo "ok every prefix of a state (${#full})"
echo "hostile inputs: all bounded"
