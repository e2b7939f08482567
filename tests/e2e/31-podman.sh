#!/bin/bash
# Podman with the installed oci-hooks(5) descriptor (--hooks-dir): user
# 1000:1000 sees a 501:501 volume as 1000:1000, can write to it, and the new
# file is 501:501 on the host.  Without the descriptor the container sees 501:501.
#
# Nothing of podman's leaks out of the test's directory: storage (vfs), runroot
# and tmpdir live under it, and the test runs in a private mount namespace with
# a tmpfs over /run/containers and /var/lib/containers (or their nearest
# existing parents), because podman 4.3 writes /run/containers/networks and
# `podman import` writes /var/lib/containers/cache whatever --root says.
# The containers get a cgroup parent of their own, removed at the end.

# Re-run in a private mount namespace (before lib.sh makes any directory).
if [ -z "${_OIH_PODMAN_NS:-}" ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
	_OIH_PODMAN_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi

# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_runtime runc
need_cmd podman tar make
[ -n "${_OIH_PODMAN_NS:-}" ] || skip "needs unshare to keep podman's state private"
need_hook
for f in oci-idmap-hook oci-idmap-runtime; do
	[ -x "$REPO/build/$f" ] || skip "build/$f not built: run make"
done

pod_dir=$TEST_TMP/podman
cgroup_parent=/oih-podman-$$
image=localhost/oih-busybox:$$

# A tmpfs over DIR, or over its nearest existing parent, in this namespace.
hide() {
	local d=$1
	while [ ! -d "$d" ]; do d=$(dirname "$d"); done
	case $TEST_TMP/ in "$d"/*) fail "the test directory is under $d, which podman writes to" ;; esac
	mount -t tmpfs -o mode=0755 oih-podman "$d" || fail "cannot mount a tmpfs over $d"
}

pod=(podman --root "$pod_dir/root" --runroot "$pod_dir/runroot" --tmpdir "$pod_dir/tmp"
	--storage-driver vfs --events-backend none --cgroup-manager cgroupfs --runtime runc)

# podman run with FACTS.md's flags for this machine, as 1000:1000, VOLUME at
# /data, hooks from HOOKS_DIR; the container prints PROBE.  Sets OUT, ERR, RC.
pod_probe() {
	local hooks_dir=$1 vol=$2
	OUT=$(timeout -k 5 "$CONTAINER_TIMEOUT" "${pod[@]}" --hooks-dir "$hooks_dir" \
		run --rm --pull never --network none --cgroup-parent "$cgroup_parent" \
		--ulimit nofile=20000:20000 --ulimit nproc=32768:32768 \
		--user 1000:1000 -v "$vol:/data" "$image" sh -c "$PROBE" \
		</dev/null 2>"$TEST_TMP/stderr")
	RC=$?
	ERR=$(cat "$TEST_TMP/stderr")
}

# shellcheck disable=SC2317 # called by the EXIT trap
pod_cleanup() {
	local d
	if [ -d "$pod_dir" ]; then
		"${pod[@]}" rm -a -f >/dev/null 2>&1
		"${pod[@]}" rmi -a -f >/dev/null 2>&1
		awk -v p="$TEST_TMP" '$5 == p || index($5, p "/") == 1 { print $5 }' \
			/proc/self/mountinfo | sort -r | while read -r d; do umount -l "$d"; done
		rm -rf --one-file-system "$pod_dir"
	fi
	# The cgroup parent, in every hierarchy (v1 and v2): its children first.
	find /sys/fs/cgroup -maxdepth 2 -type d -name "${cgroup_parent#/}" 2>/dev/null |
		while read -r d; do find "$d" -depth -type d -exec rmdir {} + 2>/dev/null; done
}
trap 'pod_cleanup; _lib_cleanup' EXIT

hide /run/containers
hide /var/lib/containers

# Install into a prefix under the test directory: the descriptor's hook.path
# is then the installed hook itself.
prefix=$TEST_TMP/prefix
make -s -C "$REPO" -o build/oci-idmap-hook -o build/oci-idmap-runtime \
	install PREFIX="$prefix" >"$TEST_TMP/make.out" 2>&1 ||
	fail "make install PREFIX=$prefix: $(cat "$TEST_TMP/make.out")"
hooks_d=$prefix/share/containers/oci/hooks.d
[ -f "$hooks_d/oci-idmap-hook.json" ] || fail "no descriptor in $hooks_d"
_open_path_to "$prefix/libexec/oci/hooks.d"

# An image from a busybox-static rootfs.
make_rootfs "$TEST_TMP/rootfs"
tar -C "$TEST_TMP/rootfs" -cf "$TEST_TMP/rootfs.tar" . || fail "cannot tar the rootfs"
"${pod[@]}" import "$TEST_TMP/rootfs.tar" "$image" >"$TEST_TMP/import.out" 2>&1 ||
	fail "podman import: $(cat "$TEST_TMP/import.out")"

# With the descriptor.
vol=$TEST_TMP/vol
make_volume "$vol" 501 501
before=$(snapshot "$vol")
pod_probe "$hooks_d" "$vol"
assert_eq 0 "$RC" "podman run exit code (with --hooks-dir)"
assert_eq 1000:1000 "$(get id "$OUT")" "container user"
assert_eq 1000:1000 "$(get hello "$OUT")" "owner of /data/hello inside"
assert_eq "hello from the host" "$(get content "$OUT")" "content of /data/hello inside"
assert_match "*idmapped*" "$(get mnt "$OUT")" "mount options of /data inside"
assert_eq ok "$(get write "$OUT")" "touch /data/new inside"
assert_eq 1000:1000 "$(get new "$OUT")" "owner of /data/new inside"
[ -f "$vol/new" ] || fail "no $vol/new on the host"
assert_eq 501:501 "$(stat -c %u:%g "$vol/new")" "owner of the new file on the host"
assert_kept "$before" "$vol"

# Control: an empty hooks directory (not podman's default ones, which could
# hold an installed copy of the hook).
mkdir -p "$TEST_TMP/no-hooks.d"
vol2=$TEST_TMP/vol2
make_volume "$vol2" 501 501
before=$(snapshot "$vol2")
pod_probe "$TEST_TMP/no-hooks.d" "$vol2"
assert_eq 0 "$RC" "podman run exit code (without the descriptor)"
assert_eq 501:501 "$(get hello "$OUT")" "owner of /data/hello inside, without the hook"
assert_no_match "*idmapped*" "$(get mnt "$OUT")" "mount options of /data without the hook"
assert_match "fail:*" "$(get write "$OUT")" "touch /data/new without the hook"
assert_no_new "$before" "$vol2"
exit 0
