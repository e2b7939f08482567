#!/bin/bash
# `oci-idmap-hook check PATH...` really tries an idmapped mount of each path:
# a directory on the test filesystem works ("PATH: yes (FSTYPE)", exit 0);
# /proc does not, and says why ("PATH: no: ... filesystem cannot be idmapped",
# exit 1); a missing path is a "no" too; one "no" among several makes exit 1;
# no PATH means /; an option is a usage error (exit 2).  And check leaves the
# mount table as it was (compared inside a private mount namespace, where no
# other test can change it).
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_root
need_hook
need_cmd findmnt unshare

dir=$TEST_TMP/vol
make_volume "$dir" 501 501
fstype=$(findmnt -n -o FSTYPE -T "$dir") || fail "findmnt $dir"

out=$("$HOOK" check "$dir" 2>&1)
assert_eq 0 "$?" "check $dir ($fstype): exit code"
assert_eq "$dir: yes ($fstype)" "$out" "check $dir"

out=$("$HOOK" check /proc/self 2>&1)
assert_eq 1 "$?" "check /proc/self: exit code"
assert_eq "/proc/self: no: proc filesystem: mount_setattr(IDMAP): Invalid argument (filesystem cannot be idmapped)" \
	"$out" "check /proc/self"

out=$("$HOOK" check "$dir" /proc "$TEST_TMP/missing" 2>&1)
assert_eq 1 "$?" "check of three paths, two fail: exit code"
assert_eq "$dir: yes ($fstype)
/proc: no: proc filesystem: mount_setattr(IDMAP): Invalid argument (filesystem cannot be idmapped)
$TEST_TMP/missing: no: open_tree(CLONE): No such file or directory" "$out" "check of three paths"

# No path: /, with an exit code that matches its answer.
out=$("$HOOK" check 2>&1)
rc=$?
assert_match "/: *" "$out" "check without a path"
case $out in
"/: yes ("*")") assert_eq 0 "$rc" "check /: exit code for yes" ;;
"/: no: "*) assert_eq 1 "$rc" "check /: exit code for no" ;;
*) fail "check /: unexpected output '$out'" ;;
esac

out=$("$HOOK" check --bogus "$dir" 2>&1)
assert_eq 2 "$?" "check --bogus: exit code"
assert_eq "oci-idmap-hook: unknown option '--bogus' (see --help)" "$out" "check --bogus"
out=$("$HOOK" check -- "$dir" 2>&1)
assert_eq 0 "$?" "check -- DIR: exit code"
assert_eq "$dir: yes ($fstype)" "$out" "check -- DIR"

# Nothing is left mounted, nothing changes on the volume.
before=$(snapshot "$dir")
# shellcheck disable=SC2016
unshare -m --propagation private sh -c '
	cat /proc/self/mountinfo >"$1/mi.before"
	"$2" check "$3" / /proc >/dev/null
	cat /proc/self/mountinfo >"$1/mi.after"' sh "$TEST_TMP" "$HOOK" "$dir" ||
	fail "unshare -m failed"
[ -s "$TEST_TMP/mi.before" ] || fail "no mount table read"
diff -u "$TEST_TMP/mi.before" "$TEST_TMP/mi.after" >&2 || fail "check changed the mount table"
assert_no_new "$before" "$dir"
exit 0
