#!/bin/bash
# make demo: a runc container running as 1000:1000 on a volume owned by 501:20
# (a macOS user's files, say), first without the hook, then with it, and what
# the hook decided and why (`oci-idmap-hook plan`): the container user acts
# as the volume's owner, and gets the owner's group only where the owner
# belongs to it on this host.
# Needs root, runc and busybox-static; everything lives in a temporary
# directory that is removed at the end (KEEP=1 keeps it).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
# shellcheck source=../tests/lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../tests/lib.sh"

skip() {
	echo "demo: cannot run: $*" >&2
	exit 1
}
need_runtime runc
[ -x "$HOOK" ] || skip "no $HOOK: run make first"

bold='' plain=''
if [ -t 1 ]; then
	bold=$(printf '\033[1m') plain=$(printf '\033[0m')
fi
heading() {
	printf '\n%s== %s ==%s\n' "$bold" "$*" "$plain"
}

# shellcheck disable=SC2016
show='for c in id "ls -ln /data" "touch /data/from-container"; do
	echo "container\$ $c"; $c 2>&1 && case $c in touch*) echo "(created)";; esac
done'

vol=$TEST_TMP/volume
make_volume "$vol" 501 20

heading "The host: a volume owned by 501:20, mounted at /data in a container run as 1000:1000"
echo "host# ls -ln $vol"
ls -ln "$vol"

heading "1. runc WITHOUT the hook: the container sees 501:20 and cannot write"
make_bundle "$TEST_TMP/plain"
bundle_user "$TEST_TMP/plain" 1000 1000
bundle_bind "$TEST_TMP/plain" "$vol" /data
bundle_args "$TEST_TMP/plain" sh -c "$show"
run_runc "$TEST_TMP/plain" "$(container_id demo-plain)" # exits 1: touch failed

heading "2. runc WITH oci-idmap-hook (createRuntime): the container acts as the owner and writes"
make_bundle "$TEST_TMP/hooked"
bundle_user "$TEST_TMP/hooked" 1000 1000
bundle_bind "$TEST_TMP/hooked" "$vol" /data
bundle_args "$TEST_TMP/hooked" sh -c "$show"
bundle_hook "$TEST_TMP/hooked" createRuntime "$HOOK" oci-idmap-hook
echo "config.json: \"hooks\": {\"createRuntime\": [{\"path\": \"$HOOK\"}]}"
run_runc "$TEST_TMP/hooked" "$(container_id demo-hooked)" || {
	echo "demo: the container with the hook failed" >&2
	exit 1
}

heading "3. What the hook decided, and why"
echo "host# oci-idmap-hook plan --bundle $TEST_TMP/hooked   (its /data row)"
"$HOOK" plan --bundle "$TEST_TMP/hooked" | awk 'NR <= 2 || $1 == "/data"'

heading "4. Back on the host: the new file's owner is the volume's owner, the old ones are unchanged"
echo "host# ls -ln $vol"
ls -ln "$vol"
