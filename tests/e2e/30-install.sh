#!/bin/bash
# make install DESTDIR=... PREFIX=/usr lays out exactly the hook, its
# oci-hooks(5) descriptor (valid JSON naming the installed hook), the man page
# (when there is one) and the runtime wrapper, with the right modes; make
# uninstall removes them all.  The ready descriptor in examples/hooks.d is
# what make install generates for PREFIX=/usr/local.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_cmd make sed
for f in oci-idmap-hook oci-idmap-runtime; do
	[ -x "$REPO/build/$f" ] || skip "build/$f not built: run make"
done

# make_in DESTDIR PREFIX TARGET: make TARGET without rebuilding the binaries.
make_in() {
	make -s -C "$REPO" -o build/oci-idmap-hook -o build/oci-idmap-runtime \
		"$3" DESTDIR="$1" PREFIX="$2" >"$TEST_TMP/make.out" 2>&1 ||
		fail "make $3 DESTDIR=$1 PREFIX=$2: $(cat "$TEST_TMP/make.out")"
}

# "mode path" of every file (not directory) under $1, sorted.
files_under() {
	(cd "$1" && find . ! -type d -printf '%m %P\n' | sort -k2)
}

dest=$TEST_TMP/dest
make_in "$dest" /usr install

expected="755 usr/bin/oci-idmap-runtime
755 usr/libexec/oci/hooks.d/oci-idmap-hook
644 usr/share/containers/oci/hooks.d/oci-idmap-hook.json"
if [ -f "$REPO/hook/oci-idmap-hook.1" ]; then
	expected="$expected
644 usr/share/man/man1/oci-idmap-hook.1"
fi
assert_eq "$expected" "$(files_under "$dest")" "files installed"

cmp -s "$REPO/build/oci-idmap-hook" "$dest/usr/libexec/oci/hooks.d/oci-idmap-hook" ||
	fail "the installed hook is not build/oci-idmap-hook"
cmp -s "$REPO/build/oci-idmap-runtime" "$dest/usr/bin/oci-idmap-runtime" ||
	fail "the installed wrapper is not build/oci-idmap-runtime"
"$dest/usr/libexec/oci/hooks.d/oci-idmap-hook" --version >/dev/null ||
	fail "the installed hook does not run"

# The descriptor: valid JSON, oci-hooks(5) 1.0.0, the installed path (without DESTDIR).
desc=$dest/usr/share/containers/oci/hooks.d/oci-idmap-hook.json
got=$("$PY" -I -S - "$desc" <<-'EOF'
	import json, sys
	d = json.load(open(sys.argv[1]))
	print(d["version"], d["hook"]["path"], " ".join(d["hook"]["args"]),
	      ",".join(d["stages"]), json.dumps(d["when"], sort_keys=True))
	EOF
) || fail "the descriptor is not valid JSON: $(cat "$desc")"
assert_eq '1.0.0 /usr/libexec/oci/hooks.d/oci-idmap-hook oci-idmap-hook createRuntime {"hasBindMounts": true}' \
	"$got" "version, hook.path, hook.args, stages, when of the descriptor"

make_in "$dest" /usr uninstall
assert_eq "" "$(files_under "$dest")" "files left after make uninstall"

# examples/hooks.d/oci-idmap-hook.json is the descriptor for PREFIX=/usr/local.
make_in "$TEST_TMP/local" /usr/local install
cmp -s "$REPO/examples/hooks.d/oci-idmap-hook.json" \
	"$TEST_TMP/local/usr/local/share/containers/oci/hooks.d/oci-idmap-hook.json" ||
	fail "examples/hooks.d/oci-idmap-hook.json differs from what make install PREFIX=/usr/local writes"

# A relative PREFIX would put a relative hook.path in the descriptor.
if make -s -C "$REPO" -o build/oci-idmap-hook -o build/oci-idmap-runtime install \
	DESTDIR="$TEST_TMP/rel" PREFIX=usr >"$TEST_TMP/make.out" 2>&1; then
	fail "make install PREFIX=usr (relative) succeeded"
fi
assert_match "*PREFIX must be an absolute path*" "$(cat "$TEST_TMP/make.out")" \
	"make install PREFIX=usr message"
[ ! -e "$TEST_TMP/rel" ] || fail "make install PREFIX=usr installed something"
exit 0
