#!/bin/bash
# The corpus of valid-but-odd config.json documents (tests/corpus/corpus.py,
# issue 22), each run three ways under one runtime (runc, or crun for
# 74-corpus-crun): alone, with the hook at createRuntime, and through
# oci-idmap-runtime.  The runtime alone is the oracle: each case starts (or
# is refused) as measured, and with the hook or the wrapper exactly as
# without it; the container sees the same thing, except /data (a 501:501
# volume, the container user 1000:1000) where the hook remaps it.  Where the
# hook leaves every mount as it was, its log says why; where the wrapper
# cannot add the hook, its warning says why.  Three cases are made at run
# time (64 MiB each, never committed): the largest config.json the hook
# reads, one the hook's entry pushes over it, and one byte more.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
RT=$(runtime_of_test)
need_runtime "$RT"
need_hook
WRAPPER=$REPO/build/oci-idmap-runtime
[ -x "$WRAPPER" ] || skip "wrapper not built: $WRAPPER (run make)"
CORPUS=$REPO/tests/corpus/corpus.py
HOOK_REAL=$(realpath "$HOOK")

vol=$TEST_TMP/vol
make_volume "$vol" 501 501
before=$(snapshot "$vol")

# The base: a busybox rootfs shared by every case (an absolute root.path).
# shellcheck disable=SC2016
SEE='echo "id=$(id -u):$(id -g)"; stat -c "data=%u:%g" /data; echo "hello=$(cat /data/hello)"
echo "odd=${ODD:-}"; echo "data-rw=$(grep " /data " /proc/self/mountinfo | tail -n1 | cut -d" " -f6 | cut -d, -f1)"
echo "mount-points=$(cut -d" " -f5 /proc/self/mountinfo | sort -u | tr "\n" " ")"'
base=$TEST_TMP/base
make_bundle "$base"
_spec "$base" user 1000 1000 ';;' args sh -c "$SEE" ';;' bind "$vol" /data
root=$(bundle_get "$base" root.path)
"$PY" -I -S - "$base/config.json" "$base/$root" <<-'EOF' || fail "cannot set root.path"
	import json, sys
	spec = json.load(open(sys.argv[1]))
	spec["root"]["path"] = sys.argv[2]
	json.dump(spec, open(sys.argv[1], "w"))
EOF

# run CASE-BUNDLE ID [WRAPPER]: the case under the runtime, or through the
# wrapper; sets OUT, ERR, RC.
run() {
	local b=$1 id state="$TEST_TMP/state/$RT" prog=${3:-$RT}
	id=$(container_id "$2")
	mkdir -p "$state"
	_lib_containers+=("$RT:$id")
	if [ "$RT" = runc ]; then
		OUT=$(OCI_IDMAP_RUNTIME=runc OCI_IDMAP_HOOK=$HOOK timeout -k 5 "$CONTAINER_TIMEOUT" \
			"$prog" --root "$state" run --bundle "$b" "$id" </dev/null 2>"$b.err")
		RC=$?
		runc --root "$state" delete -f "$id" >/dev/null 2>&1
	else
		# shellcheck disable=SC2016
		OUT=$(OCI_IDMAP_RUNTIME=crun OCI_IDMAP_HOOK=$HOOK timeout -k 5 "$CONTAINER_TIMEOUT" \
			unshare -m sh -c '
			mount --make-rprivate / || exit 125
			umount -R /sys/fs/cgroup 2>/dev/null
			mount -t cgroup2 none /sys/fs/cgroup || exit 125
			"$1" --root "$2" --cgroup-manager=disabled run --bundle "$3" "$4"
			rc=$?
			crun --root "$2" delete -f "$4" >/dev/null 2>&1
			exit $rc' sh "$prog" "$state" "$b" "$id" </dev/null 2>"$b.err")
		RC=$?
	fi
	ERR=$(cat "$b.err")
}

# expect_run WHAT WANT-RC DATA: the outcome of a run, against the run
# without the hook (ALONE, ALONE_RC): started or refused alike; /data owned
# DATA; everything else the container saw the same.
expect_run() {
	local what=$1 want=$2 data=$3
	if [ "$want" != 0 ]; then
		assert_ne 0 "$RC" "$what: exit code (the runtime alone refuses it)"
		return 0
	fi
	assert_eq 0 "$RC" "$what: exit code"
	# crun runs the first of two process.args (dup-process-args): not SEE.
	grep -q '^data=' <<<"$ALONE" || data="<missing data>"
	assert_eq "$data" "$(get data "$OUT")" "$what: owner of /data"
	assert_eq "$(grep -v '^data=' <<<"$ALONE")" "$(grep -v '^data=' <<<"$OUT")" \
		"$what: what the container saw, but for /data"
}

n=0
while read -r name runc crun hook wrapper reason; do
	n=$((n + 1))
	b=$TEST_TMP/c-$name
	mkdir -p "$b"
	"$PY" -I -S "$CORPUS" write "$name" "$base/config.json" "$b.without" without \
		"$HOOK_REAL" oci-idmap-hook || fail "$name: cannot write the case"
	"$PY" -I -S "$CORPUS" write "$name" "$base/config.json" "$b.with" with \
		"$HOOK" oci-idmap-hook --log-file "$b.log" || fail "$name: cannot write the case"
	want=${!RT}

	cp "$b.without" "$b/config.json"
	run "$b" "$name"
	ALONE=$OUT ALONE_RC=$RC
	if [ "$want" = start ]; then
		assert_eq 0 "$ALONE_RC" "$name: $RT alone (stderr: ${ERR:0:300})"
		if grep -q '^data=' <<<"$ALONE"; then
			assert_eq 501:501 "$(get data "$ALONE")" "$name: owner of /data, $RT alone"
		else
			assert_eq "crun FIRST" "$RT $ALONE" "$name: what $RT alone ran"
		fi
		want=0
	else
		assert_ne 0 "$ALONE_RC" "$name: $RT alone refuses it"
		want=1
	fi

	cp "$b.with" "$b/config.json"
	run "$b" "$name-hook"
	if [ "$hook" = idmap ]; then
		expect_run "$name with the hook" $want 1000:1000
	else
		expect_run "$name with the hook" $want 501:501
		[ $want != 0 ] || assert_match "*$reason*" "$(cat "$b.log")" "$name: the hook's log"
	fi
	[ $want != 0 ] || [ "$hook" = leave ] || assert_eq "" "$(cat "$b.log" 2>/dev/null)" \
		"$name: the hook's log"

	cp "$b.without" "$b/config.json"
	run "$b" "$name-wrapper" "$WRAPPER"
	case $wrapper in
	idmap) expect_run "$name through the wrapper" $want 1000:1000 ;;
	*) expect_run "$name through the wrapper" $want 501:501 ;;
	esac
	if [ "$wrapper" = leave ]; then
		assert_match "*oci-idmap-runtime: the runtime runs without the hook: *$reason*" "$ERR" \
			"$name: the wrapper's warning"
		cmp -s "$b.without" "$b/config.json" || fail "$name: the wrapper changed config.json"
	else
		grep -qF "\"path\":\"$HOOK_REAL\"" "$b/config.json" ||
			fail "$name: the wrapper did not add the hook"
	fi
	echo "$name: $RT ${!RT}, hook $hook, wrapper $wrapper"
	rm -f "$b.without" "$b.with" "$b/config.json"
done < <(
	"$PY" -I -S "$CORPUS" list
)
[ "$n" -gt 15 ] || fail "only $n cases in the corpus"
assert_no_new "$before" "$vol"
exit 0
