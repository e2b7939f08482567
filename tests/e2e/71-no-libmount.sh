#!/bin/bash
# A node without libmount1 (runc): the hook is not linked with libmount and
# loads it only for a start that has a mount to remap.  Here it runs in a
# mount namespace of its own where libmount.so.1 is /dev/null.
# - Nothing to remap (root's files bound like Docker's /etc/hosts, a volume
#   the container user owns): the start is as with libmount, nothing logged
#   above info, and the hook opens neither the library nor a mount table and
#   enters no namespace.
# - A 501:501 volume: the container starts and sees it as runc made it, as
#   a run without the hook does; the warning names libmount; with --strict
#   the start fails, naming it.
# - The same wrapper with libmount in place idmaps the volume: what changes
#   is the library, not the namespace.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_runtime runc
need_hook
need_cmd unshare ldconfig strace

lib=$(ldconfig -p | awk '$1 == "libmount.so.1" { print $NF; exit }')
[ -n "$lib" ] && [ -e "$lib" ] || skip "no libmount.so.1 in ld.so.cache"
lib=$(readlink -f "$lib")

# A createRuntime hook: the hook, in a private mount namespace where
# libmount.so.1 is hidden (HIDE=1) or not (HIDE=0); argv after it.
wrapper=$TEST_TMP/hide-libmount
cat >"$wrapper" <<EOF
#!/bin/sh
hide=\$1
shift
exec unshare -m --propagation private sh -c '
	[ "\$0" = 0 ] || mount --bind /dev/null "$lib" || exit 99
	exec "\$@"' "\$hide" "\$@"
EOF
chmod 0755 "$wrapper"

# The wrapper really hides it: the hook's plan for a 501:501 volume says so.
vol=$TEST_TMP/vol
make_volume "$vol" 501 501
before=$(snapshot "$vol")
b=$TEST_TMP/plan
probe_bundle "$b" "$vol"
plan=$("$wrapper" 1 "$HOOK" plan --json --bundle "$b") || fail "plan without libmount: exit $?"
assert_match "*libmount cannot be loaded*" "$plan" "plan without libmount"

# Nothing to remap: root's files and the container user's own volume.
files=$TEST_TMP/files own=$TEST_TMP/own
mkdir -p "$files"
echo "127.0.0.1 localhost" >"$files/hosts"
echo "nameserver 127.0.0.1" >"$files/resolv.conf"
make_volume "$own" 1000 1000
_open_path_to "$files"
b=$TEST_TMP/nothing
probe_bundle "$b" "$own"
bundle_bind "$b" "$files/hosts" /etc/hosts rbind rprivate
bundle_bind "$b" "$files/resolv.conf" /etc/resolv.conf rbind rprivate
log=$TEST_TMP/nothing.log
bundle_hook "$b" createRuntime "$wrapper" hide 1 strace -f -e trace=openat,setns -o "$TEST_TMP/nothing.trace" \
	"$HOOK" --strict --log-level info --log-file "$log"
run_probe runc "$b" nothing
assert_eq 0 "$RC" "runc exit code, nothing to remap, without libmount (--strict)"
assert_eq 1000:1000 "$(get data "$OUT")" "owner of /data inside, nothing to remap"
assert_eq ok "$(get write "$OUT")" "touch /data/new inside, nothing to remap"
assert_match "*summary: 0 of 3 bind mounts remapped*" "$(cat "$log")" "the hook's summary"
assert_no_match "*: warn: *" "$(cat "$log")" "the hook's log, nothing to remap"
assert_no_match "*: error: *" "$(cat "$log")" "the hook's log, nothing to remap"
assert_match "*config.json*" "$(cat "$TEST_TMP/nothing.trace")" "files the hook opened"
assert_no_match "*libmount.so*" "$(cat "$TEST_TMP/nothing.trace")" "files the hook opened"
assert_no_match "*mountinfo*" "$(cat "$TEST_TMP/nothing.trace")" "files the hook opened"
assert_no_match "*setns(*" "$(cat "$TEST_TMP/nothing.trace")" "namespaces the hook entered"

# The oracle: the same volume without the hook.
b=$TEST_TMP/without
probe_bundle "$b" "$vol"
run_probe runc "$b" without
assert_eq 0 "$RC" "runc exit code without the hook"
without=$OUT

# A volume to remap, no libmount: left as runc made it, said in a warning.
b=$TEST_TMP/fallback
probe_bundle "$b" "$vol"
log=$TEST_TMP/fallback.log
bundle_hook "$b" createRuntime "$wrapper" hide 1 strace -f -e trace=openat,setns -o "$TEST_TMP/fallback.trace" \
	"$HOOK" --log-level info --log-file "$log"
run_probe runc "$b" fallback
assert_eq 0 "$RC" "runc exit code without libmount"
for key in id data hello content mnt write; do
	assert_eq "$(get $key "$without")" "$(get $key "$OUT")" "$key: as without the hook"
done
assert_eq 501:501 "$(get data "$OUT")" "owner of /data inside without libmount"
assert_match "*: warn: cannot idmap*/data*libmount cannot be loaded*" "$(cat "$log")" "the hook's warning"
assert_match "*libmount.so.1*" "$(cat "$TEST_TMP/fallback.trace")" "files the hook opened"
assert_no_new "$before" "$vol"

b=$TEST_TMP/strict
probe_bundle "$b" "$vol"
bundle_hook "$b" createRuntime "$wrapper" hide 1 "$HOOK" --strict
run_probe runc "$b" strict
assert_ne 0 "$RC" "runc exit code without libmount, --strict"
assert_eq "<missing id>" "$(get id "$OUT")" "the container's process ran"
assert_match "*oci-idmap-hook:*/data*libmount cannot be loaded*" "$ERR" "runc's error"
assert_no_new "$before" "$vol"

# The control: the same wrapper, libmount in place.
b=$TEST_TMP/control
probe_bundle "$b" "$vol"
bundle_hook "$b" createRuntime "$wrapper" hide 0 strace -f -e trace=openat,setns -o "$TEST_TMP/control.trace" \
	"$HOOK" --strict
run_probe runc "$b" control
assert_eq 0 "$RC" "runc exit code with libmount"
assert_eq 1000:1000 "$(get data "$OUT")" "owner of /data inside with libmount"
assert_match "*idmapped*" "$(get mnt "$OUT")" "mount options of /data with libmount"
# What the trace of the start with nothing to remap did not show, this one does.
for what in libmount.so mountinfo "setns("; do
	assert_match "*$what*" "$(cat "$TEST_TMP/control.trace")" "the hook's trace with a volume to remap"
done
exit 0
