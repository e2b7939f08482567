#!/bin/bash
# Every restriction config.json gives a read-only bind stays (issue 21, runc,
# and crun through the -crun symlink).  crun applies a bind mount's ro after
# the createRuntime hooks, and with it the mount's nosuid, nodev and noexec
# (Podman's -v SRC:DST:ro,noexec asks for exactly this), on the mount crun
# made; the hook's clone on top must end with all of them.  Two 501:501
# volumes, one bound ro,noexec at /x, one ro,nodev at /d, each holding a
# script and a device node (/dev/null's) that anyone may use.  Against a
# control run without the hook: the script at /x does not run, the device
# node at /d does not open, neither volume takes a write; with the hook the
# same, and both read 1000:1000.  The host's volumes stay as they were.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
runtime=$(runtime_of_test)
need_runtime "$runtime"
need_hook

for v in x d; do
	make_volume "$TEST_TMP/$v" 501 501
	printf '#!/bin/sh\necho ran\n' >"$TEST_TMP/$v/run.sh"
	mknod -m 0666 "$TEST_TMP/$v/null" c 1 3 || fail "cannot make a device node"
	chmod 0755 "$TEST_TMP/$v/run.sh"
	chown 501:501 "$TEST_TMP/$v/run.sh" "$TEST_TMP/$v/null"
done
before_x=$(snapshot "$TEST_TMP/x") before_d=$(snapshot "$TEST_TMP/d")

# shellcheck disable=SC2016
LOOK='for d in /x /d; do
	if out=$($d/run.sh 2>/dev/null); then echo "$d exec $out"; else echo "$d exec no"; fi
	if echo x >$d/null 2>/dev/null; then echo "$d dev ok"; else echo "$d dev no"; fi
	if touch $d/new 2>/dev/null; then echo "$d write ok"; else echo "$d write no"; fi
	echo "$d owner $(stat -c %u:%g $d)"
	echo "$d mnt $(grep " $d " /proc/self/mountinfo | tail -n1 | cut -d" " -f6)"
done'

b=$TEST_TMP/bundle
make_bundle "$b"
bundle_user "$b" 1000 1000
bundle_args "$b" sh -c "$LOOK"
bundle_bind "$b" "$TEST_TMP/x" /x bind ro noexec
bundle_bind "$b" "$TEST_TMP/d" /d bind ro nodev

run_probe "$runtime" "$b" without
assert_eq 0 "$RC" "$runtime exit code without the hook"
without=$OUT
for line in "/x exec no" "/d dev no" "/x write no" "/d write no" "/x owner 501:501" "/d exec ran"; do
	assert_match "*$line*" "$without" "without the hook"
done

bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook
run_probe "$runtime" "$b" with
assert_eq 0 "$RC" "$runtime exit code with the hook"
assert_eq "$(grep -E ' (exec|dev|write) ' <<<"$without")" "$(grep -E ' (exec|dev|write) ' <<<"$OUT")" \
	"what the container can do, without the hook and with"
for v in x d; do
	assert_match "*/$v owner 1000:1000*" "$OUT" "owner of /$v inside"
	assert_match "*/$v mnt ro,*idmapped*" "$OUT" "mount options of /$v inside"
done
assert_match "*/x mnt ro,*noexec*" "$OUT" "mount options of /x inside"
assert_match "*/d mnt ro,*nodev*" "$OUT" "mount options of /d inside"
assert_no_new "$before_x" "$TEST_TMP/x"
assert_no_new "$before_d" "$TEST_TMP/d"
exit 0
