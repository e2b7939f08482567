#!/bin/sh
# make-bundle.sh DIR: a bundle at DIR/bundle (config.json from this directory,
# a busybox-static rootfs) and a volume at DIR/volume owned by 501:501.
# config.json's /srv/volume becomes DIR/volume, and its hook path becomes
# $HOOK (default: the installed hook, else build/oci-idmap-hook of this tree).
set -eu
dir=$1
here=$(cd "$(dirname "$0")" && pwd)
installed=/usr/local/libexec/oci/hooks.d/oci-idmap-hook
if [ -z "${HOOK:-}" ]; then
	HOOK=$installed
	[ -x "$HOOK" ] || HOOK=$(cd "$here/../.." && pwd)/build/oci-idmap-hook
fi
[ -x "$HOOK" ] || { echo "no hook at $HOOK: run make (or set HOOK)" >&2; exit 1; }
busybox=$(command -v busybox) || { echo "needs busybox (busybox-static)" >&2; exit 1; }
if ldd "$busybox" >/dev/null 2>&1; then
	echo "$busybox is dynamically linked: install busybox-static" >&2
	exit 1
fi

# The container user (1000) must be able to reach the bundle.
chmod 0711 "$dir"
rootfs=$dir/bundle/rootfs
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" \
	"$rootfs/tmp" "$rootfs/data"
cp "$busybox" "$rootfs/bin/busybox"
for applet in sh id ls touch stat cat; do
	ln -s busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/tmp:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nstaff:x:20:\napp:x:1000:\n' >"$rootfs/etc/group"

# A volume owned by someone else than the container user, e.g. files from
# another machine (501:501) on a Linux host that has no account or group
# 501.  (A macOS user's 501:20 keeps its group 20 where the host has one:
# the owner rule, README's Security model.)
mkdir -p "$dir/volume"
echo hello >"$dir/volume/hello"
chown -R 501:501 "$dir/volume"

sed -e "s|\"/srv/volume\"|\"$dir/volume\"|" -e "s|\"$installed\"|\"$HOOK\"|" \
	"$here/config.json" >"$dir/bundle/config.json"
