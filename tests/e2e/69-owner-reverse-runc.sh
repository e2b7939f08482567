#!/bin/bash
# The owner rule's other way (lib/owner.h), under runc (and crun through the
# -crun symlink).  The swap runs both ways: whatever holds the owner's id in
# the container acts on disk as the container user's host id.  A container
# with its own user namespace (0..65535 -> host 100000..) runs as its root,
# as Docker's --userns-remap runs images by default, on a volume that its
# service user 500 (host 100500) owns, as a database's entrypoint leaves its
# data directory; pub/ in it is 1777.  Root, as an entrypoint does, runs a
# command as uid 500, which makes a file in pub/ and sets its setuid bit.
# Without the hook the file lands on the host as 100500:100500, the
# service's own; with the hook the same: the volume is left whole, and plan
# says why.  A swap 100500<->100000 would land it as 100000:100000, setuid:
# a setuid-root program for every container of that range that mounts the
# volume.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
runtime=$(runtime_of_test)
need_runtime "$runtime"
need_hook

vol=$TEST_TMP/vol
mkdir -p "$vol/pub"
chown 100500:100500 "$vol" "$vol/pub"
chmod 0755 "$vol" && chmod 1777 "$vol/pub"
_open_path_to "$vol"
before=$(snapshot "$vol")

# shellcheck disable=SC2016
ACT='echo "id=$(id -u):$(id -g)"
stat -c "data=%u:%g" /data
out=$(su -s /bin/sh svc -c "id -u; touch /data/pub/prog && chmod 4755 /data/pub/prog" 2>&1)
echo "svc=$out"
stat -c "prog=%u:%g %a" /data/pub/prog'

# reverse_bundle BUNDLE: the bundle above; the service user svc is 500:500.
reverse_bundle() {
	local f
	make_bundle "$1"
	_spec "$1" user 0 0 ';;' args sh -c "$ACT" ';;' bind "$vol" /data rbind
	bundle_userns "$1" 100000 65536
	bundle_caps "$1" CAP_SETUID CAP_SETGID
	# The rootfs is hard-linked to a shared cache: new files, not appends.
	for f in passwd group; do
		cat "$1/rootfs/etc/$f" >"$1/rootfs/etc/$f.new"
	done
	echo 'svc:x:500:500:svc:/tmp:/bin/sh' >>"$1/rootfs/etc/passwd.new"
	echo 'svc:x:500:' >>"$1/rootfs/etc/group.new"
	for f in passwd group; do
		mv -f "$1/rootfs/etc/$f.new" "$1/rootfs/etc/$f"
	done
}

# expect_services_file WHAT: the service made its file as itself, nothing of
# the container's root is on the host, the volume's old entries are kept.
expect_services_file() {
	local what=$1
	assert_eq 0 "$RC" "$what: $runtime exit code"
	assert_eq 0:0 "$(get id "$OUT")" "$what: container user"
	assert_eq 500:500 "$(get data "$OUT")" "$what: owner of /data inside"
	assert_eq 500 "$(get svc "$OUT")" "$what: uid of the service's command"
	assert_eq "500:500 4755" "$(get prog "$OUT")" "$what: the service's file inside"
	assert_eq "100500:100500 4755" "$(stat -c '%u:%g %a' "$vol/pub/prog")" \
		"$what: the service's file on the host"
	assert_eq "" "$(find "$vol" -uid 100000 -o -gid 100000)" \
		"$what: files of the container's root on the host"
	assert_kept "$before" "$vol"
	rm -f "$vol/pub/prog"
}

b=$TEST_TMP/bundle-without
reverse_bundle "$b"
run_probe "$runtime" "$b" without
expect_services_file "without the hook"

b=$TEST_TMP/bundle-with
reverse_bundle "$b"
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --strict
plan=$TEST_TMP/plan.json
plan_to "$plan" "$b"
expect_plan "$plan" /data skip "container user is the container's root (host uid 100000) and \
the owner, host uid 100500, is the container's uid 500: that uid would act as the container's \
root on disk; never swapped"
run_probe "$runtime" "$b" with
expect_services_file "with the hook"
assert_no_match "*idmapped*" "$(grep " $vol " /proc/self/mountinfo)" "the host's mounts"
