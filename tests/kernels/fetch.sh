#!/bin/bash
# tests/kernels/fetch.sh ARCH KERNEL_META OUT APT: the Debian 12 packages a
# guest of ARCH (a Debian architecture: amd64, arm64) needs, through apt
# only, into OUT (under build/kernels/):
#   OUT/root     runc, crun, jq, busybox-static and the libraries they and
#                the hook need, unpacked with dpkg -x (nothing is installed),
#                and the headers and libraries to cross-build the hook;
#   OUT/kernel   the image KERNEL_META (a meta-package such as
#                linux-image-cloud-amd64) depends on, its -unsigned build;
#   OUT/versions each package and the version taken.
# apt runs with a state of its own in APT (lists, downloaded packages), so
# the host's dpkg and apt configuration stay as they are: no foreign
# architecture is added.  Downloads are kept and reused.
set -euo pipefail
arch=$1 meta=$2
mkdir -p "$3" "$4"
out=$(cd "$3" && pwd)
apt_dir=$(cd "$4" && pwd)

# The guest's programs and every library they load (checked below): runc
# (libseccomp), crun (ten libraries), jq, and the hook's libmount.
PKGS="busybox-static runc crun jq libc6 libgcc-s1 libseccomp2 libyajl2 libcap2 libsystemd0
libgcrypt20 libgpg-error0 liblz4-1 liblzma5 libzstd1 libjq1 libonig5 libmount1 libblkid1
libselinux1 libpcre2-8-0"
# For cross-building the hook: headers, libyajl_s.a, libmount.so.
DEV_PKGS="libyajl-dev libmount-dev libblkid-dev"

apt_opts=(-q -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
	-o "Dir::State::Status=$apt_dir/status" -o "APT::Architecture=$arch"
	-o "APT::Architectures::=$arch" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
touch "$apt_dir/status"
# The lists are fetched once a day at most.
if [ -z "$(find "$apt_dir/lists" -maxdepth 1 -name '*Packages*' -mtime -1)" ]; then
	apt-get "${apt_opts[@]}" update >"$apt_dir/update.log" 2>&1 || {
		cat "$apt_dir/update.log" >&2
		exit 1
	}
fi

image=$(apt-cache "${apt_opts[@]}" depends "$meta" |
	sed -n 's/^ *Depends: \(linux-image-.*\)/\1/p' | head -n1)
[ -n "$image" ] || {
	echo "fetch: $meta ($arch) depends on no linux-image package" >&2
	exit 1
}
image=$image-unsigned

# "PKG VERSION" of each package: apt's candidate for ARCH.
# shellcheck disable=SC2086
apt-cache "${apt_opts[@]}" policy $PKGS $DEV_PKGS "$image" |
	awk '/^[^ ]/ { sub(":$", ""); p = $1 } /^ *Candidate:/ { print p, $2 }' |
	sort >"$out/versions.new"
bad=$(awk '$2 == "(none)" { print $1 }' "$out/versions.new")
# shellcheck disable=SC2086
if [ -n "$bad" ] || [ "$(wc -l <"$out/versions.new")" != "$(echo $PKGS $DEV_PKGS x | wc -w)" ]; then
	echo "fetch: not all of these are in Debian 12 for $arch: $PKGS $DEV_PKGS $image" >&2
	exit 1
fi
if cmp -s "$out/versions.new" "$out/versions" && [ -e "$out/.done" ]; then
	rm -f "$out/versions.new"
	exit 0
fi

# deb PKG VERSION: where apt downloads it (an epoch's colon is %3a).
deb() {
	local f
	for f in "$apt_dir/cache/archives/${1}_${2/:/%3a}_"{"$arch",all}.deb; do
		[ -e "$f" ] && break
	done
	echo "$f"
}
want=()
while read -r p v; do
	[ -e "$(deb "$p" "$v")" ] || want+=("$p=$v")
done <"$out/versions.new"
if [ ${#want[@]} != 0 ]; then
	(cd "$apt_dir/cache/archives" && apt-get "${apt_opts[@]}" download "${want[@]}" >/dev/null)
fi

rm -rf "$out/root" "$out/kernel" "$out/.done"
while read -r p v; do
	case $p in
	"$image") dpkg -x "$(deb "$p" "$v")" "$out/kernel" ;;
	*) dpkg -x "$(deb "$p" "$v")" "$out/root" ;;
	esac
done <"$out/versions.new"
mv "$out/versions.new" "$out/versions"

# Every library a program or library in root/ loads is in root/ too (else a
# package is missing from PKGS).
missing=$(find "$out/root" -type f \( -path '*/bin/*' -o -path '*/sbin/*' -o -name '*.so.*' \) \
	-exec readelf -d {} + 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u |
	while read -r lib; do
		[ -n "$(find "$out/root" -name "$lib" -print -quit)" ] || echo "$lib"
	done)
[ -z "$missing" ] || {
	echo "fetch: $arch: no package of PKGS brings" "$missing" >&2
	exit 1
}
touch "$out/.done"
