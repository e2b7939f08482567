#!/bin/sh
# run.sh: the runc example's bundle, run with crun, as root.
# HOOK=/path/to/oci-idmap-hook picks the hook.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/oci-idmap-example.XXXXXX")
id=oci-idmap-example-$$
trap 'rm -rf --one-file-system "$dir"' EXIT
sh "$here/../runc/make-bundle.sh" "$dir"

echo "== in the container (crun)"
if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
	crun --root "$dir/state" run --bundle "$dir/bundle" "$id" </dev/null
else
	# Only for a host with cgroup v1 or a v1+v2 hybrid, which crun 1.8 refuses
	# (e.g. the machine this project is tested on): a private mount namespace
	# with cgroup2 at /sys/fs/cgroup and no cgroup manager.  The host's mounts
	# are not touched.
	# shellcheck disable=SC2016
	unshare -m sh -c '
		mount --make-rprivate / &&
		umount -R /sys/fs/cgroup &&
		mount -t cgroup2 none /sys/fs/cgroup &&
		crun --root "$1" --cgroup-manager=disabled run --bundle "$2" "$3" </dev/null
		rc=$?
		crun --root "$1" delete -f "$3" >/dev/null 2>&1
		exit $rc' sh "$dir/state" "$dir/bundle" "$id"
fi
echo "== on the host"
ls -ln "$dir/volume"
