#!/bin/sh
# Install the Debian packages the build, the tests and the demo need, once.
# Idempotent: does nothing when everything is there.
#   deps.sh              the build and every test of make check
#   deps.sh demo         only the build, runc, busybox-static and python3
#                        (make demo: one runc container, no engine, no daemon)
#   deps.sh sanitizers   also clang and its ASan/UBSan/libFuzzer runtimes
#   deps.sh valgrind     also valgrind
#   deps.sh format       only clang-format
#   deps.sh kernels      also qemu (x86_64, arm64), the arm64 cross compiler, cpio
#   deps.sh cross-aarch64  the arm64 cross compiler and arm64's libyajl-dev
#                        and libmount-dev (dpkg --add-architecture arm64, once)
set -eu
apt_opts=
build="gcc libc6-dev make pkg-config libyajl-dev libmount-dev"
pkgs="$build check runc crun podman busybox-static python3 python3-jsonschema uidmap bindfs
strace docker.io containerd"
case ${1:-} in
demo)
	# runc recommends criu, which the demo does not need.
	pkgs="$build runc busybox-static python3"
	apt_opts=--no-install-recommends
	;;
sanitizers) pkgs="$pkgs clang-14 libclang-rt-14-dev" ;;
valgrind) pkgs="$pkgs valgrind" ;;
format) pkgs="clang-format" ;;
kernels) pkgs="$pkgs qemu-system-x86 qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	cpio e2fsprogs xz-utils" ;;
cross-aarch64)
	pkgs="gcc-aarch64-linux-gnu libc6-dev-arm64-cross libyajl-dev:arm64 libmount-dev:arm64"
	foreign=arm64
	;;
esac
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
# The CRI test's client (tests/helpers/cri) runs on Node.js and installs its
# two packages with npm: Debian's, unless a node and an npm are there already.
case ${1:-} in format | demo) node=no ;; *) node=yes ;; esac
if [ "$node" = yes ] && ! { command -v node && command -v npm; } >/dev/null 2>&1; then
	missing="$missing nodejs npm"
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing (run as root, or install them)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
if [ -n "${foreign:-}" ] && ! dpkg --print-foreign-architectures | grep -qx "$foreign"; then
	dpkg --add-architecture "$foreign"
fi
# No service starts on install (docker.io and containerd would start their
# daemons on the host): invoke-rc.d asks policy-rc.d, and 101 means "no".
# The tests start their own daemons.  A policy-rc.d that was there stays.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 0755 "$policy"
	trap 'rm -f "$policy"' EXIT
	trap 'exit 1' INT TERM HUP
fi
# Other installs may hold the dpkg lock for a while: wait for it.
apt-get -o DPkg::Lock::Timeout=300 update -qq
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=300 install -y -qq $apt_opts $missing >/dev/null
