#!/bin/bash
# `oci-idmap-hook check` when the kernel refuses (forced by the seccomp errno
# injector): each refusal is a "no" whose reason names the failed step and
# what it means (ENOSYS: the kernel; EPERM: privilege; EINVAL: the
# filesystem), with exit 1 -- never a crash, never a "yes".
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_root
need_hook
need_inject
need_cmd findmnt

dir=$TEST_TMP/vol
make_volume "$dir" 501 501
fstype=$(findmnt -n -o FSTYPE -T "$dir") || fail "findmnt $dir"
# Without injection it works here, so each "no" below is the injected errno.
"$HOOK" check "$dir" >/dev/null || fail "check $dir fails without injection: $("$HOOK" check "$dir")"

# expect CALL ERRNO STEP REASON
expect() {
	local out rc
	out=$("$INJECT" "$1" "$2" -- "$HOOK" check "$dir" 2>&1)
	rc=$?
	assert_eq 1 "$rc" "check under $1=$2: exit code"
	assert_eq "$dir: no: $fstype filesystem: $3 ($4)" "$out" "check under $1=$2"
}
kernel="kernel too old for idmapped mounts, or the call is filtered"
expect mount_setattr ENOSYS "mount_setattr(IDMAP): Function not implemented" "$kernel"
expect open_tree ENOSYS "open_tree(CLONE): Function not implemented" "$kernel"
expect mount_setattr EPERM "mount_setattr(IDMAP): Operation not permitted" \
	"no privilege, or the mount is already idmapped"
expect mount_setattr EINVAL "mount_setattr(IDMAP): Invalid argument" "filesystem cannot be idmapped"
expect clone ENOSPC "clone(CLONE_NEWUSER): No space left on device" "no user namespaces left"
exit 0
