#!/bin/bash
# oci-idmap-runtime, the wrapper Docker registers as a runtime, invoked the way
# dockerd's containerd shim invokes runc (global options, create --bundle
# --pid-file, start, state, delete), with runc underneath: user 1000:1000 sees
# a 501:501 volume as 1000:1000 and writes to it; the host keeps 501:501.  The
# installed wrapper finds the installed hook beside itself; create adds it to
# config.json once, however often it runs; every other field keeps its text.
# With a fake runtime: the argv reaches the runtime unchanged (less the
# wrapper's own --strict); where the hook cannot be added (a bad config.json,
# no hook, a read-only bundle) the runtime runs on the bundle as it was and a
# warning says why; with --strict that is one error line (also in the JSON
# log), exit 1, the file unchanged.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_runtime runc
need_cmd make
need_hook
for f in oci-idmap-hook oci-idmap-runtime; do
	[ -x "$REPO/build/$f" ] || skip "build/$f not built: run make"
done

# Install: the wrapper must find the hook at ../libexec/oci/hooks.d/ by itself.
prefix=$TEST_TMP/prefix
make -s -C "$REPO" -o build/oci-idmap-hook -o build/oci-idmap-runtime \
	install PREFIX="$prefix" >"$TEST_TMP/make.out" 2>&1 ||
	fail "make install PREFIX=$prefix: $(cat "$TEST_TMP/make.out")"
wrapper=$prefix/bin/oci-idmap-runtime
installed_hook=$(realpath "$prefix/libexec/oci/hooks.d/oci-idmap-hook")
state_root=$TEST_TMP/state/runc # lib.sh deletes leftover containers there
log=$TEST_TMP/runtime-log.json

# wrapper ARG...: as the shim runs it (no OCI_IDMAP_* in its environment).
wrapper() {
	env -u OCI_IDMAP_HOOK -u OCI_IDMAP_RUNTIME "$wrapper" --root "$state_root" \
		--log "$log" --log-format json "$@"
}

# The status of container $1 ("" when runc does not know it).
status_of() {
	wrapper state "$1" 2>/dev/null |
		"$PY" -I -S -c 'import json, sys; print(json.load(sys.stdin)["status"])' 2>/dev/null
}

# How many hooks.createRuntime entries of bundle $1 have path $2.
count_hook() {
	"$PY" -I -S - "$1/config.json" "$2" <<-'EOF'
		import json, sys
		spec = json.load(open(sys.argv[1], encoding="utf-8"))
		hooks = spec.get("hooks", {}).get("createRuntime", [])
		print(sum(1 for h in hooks if h.get("path") == sys.argv[2]))
	EOF
}

# --- a container, the dockerd way ---------------------------------------------

vol=$TEST_TMP/vol b=$TEST_TMP/bundle
make_volume "$vol" 501 501
before=$(snapshot "$vol")
probe_bundle "$b" "$vol"
# Fields the wrapper has no business with, which a re-serialisation could
# change: a number's text, a non-ASCII string, an existing hook of another stage.
bundle_annotation "$b" io.example.note "é ü 🙂"
bundle_hook "$b" poststop /bin/true true
"$PY" -I -S - "$b/config.json" <<-'EOF' || fail "cannot prepare config.json"
	import sys
	p = sys.argv[1]
	text = open(p, encoding="utf-8").read().rstrip()
	assert text.endswith("}")
	open(p, "w", encoding="utf-8").write(text[:-1] + ',"x-number-text": [1.50, 1E+3, -0, 18446744073709551616]}')
EOF
cp -p "$b/config.json" "$TEST_TMP/config.before"
chmod 0640 "$b/config.json"

id=$(container_id wrapper)
_lib_containers+=("runc:$id")
mkdir -p "$state_root"
wrapper create --bundle "$b" --pid-file "$TEST_TMP/pid" "$id" \
	>"$TEST_TMP/out" 2>"$TEST_TMP/stderr" </dev/null
RC=$? ERR=$(cat "$TEST_TMP/stderr")
assert_eq 0 "$RC" "oci-idmap-runtime create exit code"
assert_eq created "$(status_of "$id")" "status after create"
[ -s "$TEST_TMP/pid" ] || fail "create wrote no --pid-file"
wrapper start "$id" 2>"$TEST_TMP/stderr" || fail "start failed: $(cat "$TEST_TMP/stderr")"
for _ in $(seq $((CONTAINER_TIMEOUT * 10))); do
	[ "$(status_of "$id")" = stopped ] && break
	sleep 0.1
done
assert_eq stopped "$(status_of "$id")" "status after start (waited ${CONTAINER_TIMEOUT}s)"
wrapper delete "$id" 2>"$TEST_TMP/stderr" || fail "delete failed: $(cat "$TEST_TMP/stderr")"
assert_eq "" "$(status_of "$id")" "status after delete"

OUT=$(cat "$TEST_TMP/out")
assert_eq 1000:1000 "$(get id "$OUT")" "container user"
assert_eq 1000:1000 "$(get hello "$OUT")" "owner of /data/hello inside"
assert_match "*idmapped*" "$(get mnt "$OUT")" "mount options of /data inside"
assert_eq ok "$(get write "$OUT")" "touch /data/new inside"
assert_eq 1000:1000 "$(get new "$OUT")" "owner of /data/new inside"
assert_eq 501:501 "$(stat -c %u:%g "$vol/new")" "owner of the new file on the host"
assert_kept "$before" "$vol"

# config.json: the installed hook once, the mode kept, every other field as it was.
assert_eq 1 "$(count_hook "$b" "$installed_hook")" "createRuntime entries of the hook"
assert_eq 640 "$(stat -c %a "$b/config.json")" "mode of config.json"
"$PY" -I -S - "$TEST_TMP/config.before" "$b/config.json" "$installed_hook" <<-'EOF' ||
	import json, sys
	before = json.load(open(sys.argv[1], encoding="utf-8"), object_pairs_hook=list)
	after = json.load(open(sys.argv[2], encoding="utf-8"), object_pairs_hook=list)
	hooks = dict(after)["hooks"]
	assert dict(hooks)["createRuntime"] == [[("path", sys.argv[3]), ("args", ["oci-idmap-hook"])]], hooks
	# Without the added stage, everything is as before, members in their order.
	after = [(k, [kv for kv in v if kv[0] != "createRuntime"]) if k == "hooks" else (k, v)
	         for k, v in after]
	assert before == after, "config.json changed beyond hooks.createRuntime"
EOF
	fail "config.json after create: $(cat "$b/config.json")"
grep -qF '[1.50,1E+3,-0,18446744073709551616]' "$b/config.json" ||
	fail "numbers lost their text: $(grep -o '"x-number-text":[^]]*]' "$b/config.json")"

# A second create on the same bundle (a new id) does not add the hook again.
id2=$(container_id wrapper2)
_lib_containers+=("runc:$id2")
wrapper create --bundle "$b" "$id2" >/dev/null 2>"$TEST_TMP/stderr" </dev/null ||
	fail "second create failed: $(cat "$TEST_TMP/stderr")"
wrapper delete -f "$id2" 2>/dev/null
assert_eq 1 "$(count_hook "$b" "$installed_hook")" "createRuntime entries after a second create"

# --- with a fake runtime: argv, bundle forms, errors ------------------------------

fake=$TEST_TMP/fake-runtime
printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s"\n' "$TEST_TMP/argv" >"$fake"
chmod 0755 "$fake"
fake_run() {
	rm -f "$TEST_TMP/argv"
	OCI_IDMAP_RUNTIME=$fake OCI_IDMAP_HOOK=$installed_hook "$wrapper" "$@"
}

args=(--root /r --log "$log" --log-format json --systemd-cgroup create -b="$b"
	--console-socket /s.sock --pid-file /p c1)
fake_run "${args[@]}" || fail "create through the fake runtime failed"
assert_eq "$(printf '%s\n' "${args[@]}")" "$(cat "$TEST_TMP/argv")" "argv the runtime got"
fake_run kill c1 SIGTERM || fail "kill through the fake runtime failed"
assert_eq "$(printf '%s\n' kill c1 SIGTERM)" "$(cat "$TEST_TMP/argv")" "argv of kill"

# Installed as "runc" earlier in PATH, it passes over itself to the next runc.
mkdir -p "$TEST_TMP/path1" "$TEST_TMP/path2"
ln -s "$wrapper" "$TEST_TMP/path1/runc"
ln -s "$fake" "$TEST_TMP/path2/runc"
rm -f "$TEST_TMP/argv"
env -u OCI_IDMAP_RUNTIME PATH="$TEST_TMP/path1:$TEST_TMP/path2" "$TEST_TMP/path1/runc" state c1 ||
	fail "the wrapper as runc in PATH failed"
assert_eq "$(printf '%s\n' state c1)" "$(cat "$TEST_TMP/argv" 2>/dev/null)" \
	"argv the next runc in PATH got"

# No --bundle: the bundle is the working directory.
b2=$TEST_TMP/bundle2
mkdir -p "$b2"
echo '{"ociVersion": "1.0.2", "hooks": {"createRuntime": [{"path": "/x"}]}}' >"$b2/config.json"
(cd "$b2" && fake_run create c2) || fail "create in the bundle directory failed"
assert_eq 1 "$(count_hook "$b2" "$installed_hook")" "the hook, bundle = working directory"
assert_eq 1 "$(count_hook "$b2" /x)" "the hook that was there"
# An empty --bundle is the working directory too (as runc reads it), not /.
echo '{}' >"$b2/config.json"
(cd "$b2" && fake_run create --bundle= c2) || fail "create --bundle= failed"
assert_eq 1 "$(count_hook "$b2" "$installed_hook")" "the hook, --bundle= (empty)"

# A config.json the hook cannot be added to: the runtime runs on it as it
# was (it judges the file itself), and a warning in its log says why; with
# the wrapper's --strict, one error line, exit 1, the runtime not run.
for bad in '{"hooks": [' '{"hooks": {"createRuntime": {}}}' '[]'; do
	printf '%s\n' "$bad" >"$b2/config.json"
	: >"$log"
	ERR=$(fake_run --log "$log" --log-format json create --bundle "$b2" c3 2>&1)
	RC=$?
	assert_eq 0 "$RC" "exit code for config.json '$bad' (the fake runtime's)"
	assert_eq "" "$ERR" "stderr for '$bad' (the warning is in the log)"
	assert_eq "$bad" "$(cat "$b2/config.json")" "config.json after '$bad'"
	[ -e "$TEST_TMP/argv" ] || fail "the runtime did not run on config.json '$bad'"
	"$PY" -I -S -c 'import json, sys; l = json.load(open(sys.argv[1]))
assert l["level"] == "warning", l
assert l["msg"].startswith("oci-idmap-runtime: the runtime runs without the hook: " + sys.argv[2]), l' \
		"$log" "$b2/config.json: " || fail "runtime log for '$bad': $(cat "$log")"

	rm -f "$TEST_TMP/argv"
	: >"$log"
	ERR=$(fake_run --strict --log "$log" --log-format json create --bundle "$b2" c3 2>&1)
	RC=$?
	assert_eq 1 "$RC" "--strict: exit code for config.json '$bad'"
	assert_eq 1 "$(wc -l <<<"$ERR")" "--strict: lines of the message for '$bad'"
	assert_match "oci-idmap-runtime: $b2/config.json: *" "$ERR" "--strict: message for '$bad'"
	assert_eq "$bad" "$(cat "$b2/config.json")" "--strict: config.json after '$bad'"
	[ ! -e "$TEST_TMP/argv" ] || fail "--strict: the runtime ran despite config.json '$bad'"
	"$PY" -I -S -c 'import json, sys; l = json.load(open(sys.argv[1]))
assert l["level"] == "error" and l["msg"] == sys.argv[2], l' "$log" "$ERR" ||
		fail "--strict: runtime log for '$bad': $(cat "$log")"
done
assert_eq "oci-idmap-runtime: $b2/config.json: hooks.createRuntime: must be an array, not an object" \
	"$(printf '{"hooks": {"createRuntime": {}}}' >"$b2/config.json"; fake_run --strict create -b "$b2" c4 2>&1)" \
	"--strict: message for a createRuntime that is not an array"
# Without --log the warning goes to stderr; --strict reaches the hook.
echo '{}' >"$b2/config.json"
ERR=$(OCI_IDMAP_RUNTIME=$fake OCI_IDMAP_HOOK=$TEST_TMP/nowhere "$wrapper" create --bundle "$b2" c5 2>&1)
assert_eq "0 oci-idmap-runtime: the runtime runs without the hook: hook $TEST_TMP/nowhere (set OCI_IDMAP_HOOK): No such file or directory" \
	"$? $ERR" "exit code and warning without a hook"
assert_eq "$(printf '%s\n' create --bundle "$b2" c5)" "$(cat "$TEST_TMP/argv")" "argv without a hook"
fake_run --strict --root /r create --bundle "$b2" c5 || fail "--strict create failed"
assert_eq "$(printf '%s\n' --root /r create --bundle "$b2" c5)" "$(cat "$TEST_TMP/argv")" \
	"argv of --strict create: the wrapper's own option is not passed on"
grep -qF '"args":["oci-idmap-hook","--strict"]' "$b2/config.json" ||
	fail "--strict: the hook entry has no --strict: $(cat "$b2/config.json")"

# No hook where it should be, with --strict: a clear error, not a container
# without the hook.
ERR=$(OCI_IDMAP_HOOK=$TEST_TMP/nowhere "$wrapper" --strict create --bundle "$b" c5 2>&1)
assert_eq 1 "$?" "--strict: exit code without a hook"
assert_match "oci-idmap-runtime: hook $TEST_TMP/nowhere (set OCI_IDMAP_HOOK): No such file*" \
	"$ERR" "--strict: message without a hook"

# A runtime path longer than PATH_MAX is refused, not cut short: cut at
# PATH_MAX - 1 bytes, this one would name the fake runtime.
lead=$TEST_TMP/ name=${fake##*/}
pad=$((4095 - ${#lead} - ${#name}))
[ $((pad % 2)) = 0 ] || lead=$lead/ pad=$((pad - 1))
long=$lead$(printf './%.0s' $(seq $((pad / 2))))$name-elsewhere
assert_eq "$fake" "$(realpath -m "${long:0:4095}")" "the long path cut at 4095 bytes"
echo '{}' >"$b2/config.json"
rm -f "$TEST_TMP/argv"
ERR=$(OCI_IDMAP_RUNTIME=$long OCI_IDMAP_HOOK=$installed_hook "$wrapper" create -b "$b2" c7 2>&1)
assert_eq "1 oci-idmap-runtime: runtime: OCI_IDMAP_RUNTIME is longer than 4095 bytes" "$? $ERR" \
	"exit code and message for a runtime path of ${#long} bytes"
[ ! -e "$TEST_TMP/argv" ] || fail "the runtime at the cut path ran"

# Installed deeper than PATH_MAX, the wrapper cannot read its own path to find
# the hook beside it (never a guess): the runtime runs without the hook and
# a warning says why; with --strict one line, exit 1, the runtime not run.
part=$(printf '%0200d' 0) deep=$TEST_TMP
while [ ${#deep} -lt 4200 ]; do deep=$deep/$part; done
mkdir -p "$deep" || fail "mkdir -p of a path of ${#deep} bytes"
# deep_run WRAPPER-ARG...: the wrapper copied there, run from there.
deep_run() {
	rm -f "$TEST_TMP/argv"
	# cd one step at a time: a path this long cannot be passed to chdir(2).
	(cd "$TEST_TMP" && while cd "$part" 2>/dev/null; do :; done && cp "$wrapper" . &&
		env -u OCI_IDMAP_HOOK OCI_IDMAP_RUNTIME="$fake" ./oci-idmap-runtime "$@" 2>&1)
}
ERR=$(deep_run create --bundle "$b2" c6)
assert_eq "0 oci-idmap-runtime: the runtime runs without the hook: hook (set OCI_IDMAP_HOOK): readlink /proc/self/exe: File name too long" \
	"$? $ERR" "exit code and warning of a wrapper deeper than PATH_MAX"
[ -e "$TEST_TMP/argv" ] || fail "the runtime did not run"
ERR=$(deep_run --strict create --bundle "$b2" c6)
assert_eq "1 oci-idmap-runtime: hook (set OCI_IDMAP_HOOK): readlink /proc/self/exe: File name too long" \
	"$? $ERR" "--strict: exit code and message of a wrapper deeper than PATH_MAX"
[ ! -e "$TEST_TMP/argv" ] || fail "--strict: the runtime ran without a hook"

# A read-only bundle (its own read-only bind mount, in a private mount
# namespace): runc starts the container as it would without the wrapper.
ro=$TEST_TMP/ro-bundle
probe_bundle "$ro" "$vol"
cp "$ro/config.json" "$TEST_TMP/ro-config.before"
id=$(container_id wrapper-ro)
_lib_containers+=("runc:$id")
# shellcheck disable=SC2016
OUT=$(unshare -m sh -c 'mount --make-rprivate / && mount --bind "$1" "$1" &&
	mount -o remount,bind,ro "$1" || exit 125
	env -u OCI_IDMAP_HOOK -u OCI_IDMAP_RUNTIME "$2" --root "$3" run --bundle "$1" "$4"' \
	sh "$ro" "$wrapper" "$state_root" "$id" </dev/null 2>"$TEST_TMP/stderr")
RC=$? ERR=$(cat "$TEST_TMP/stderr")
assert_eq 0 "$RC" "read-only bundle: exit code"
assert_eq 1000:1000 "$(get id "$OUT")" "read-only bundle: the container ran as"
assert_eq "$(stat -c %u:%g "$vol")" "$(get data "$OUT")" "read-only bundle: owner of /data (as runc made it)"
assert_match "oci-idmap-runtime: the runtime runs without the hook: create a temporary file beside $ro/config.json: Read-only file system*" \
	"$ERR" "read-only bundle: the warning"
cmp -s "$TEST_TMP/ro-config.before" "$ro/config.json" || fail "read-only bundle: config.json changed"
exit 0
