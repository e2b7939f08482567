#!/bin/bash
# tests/kernels/run.sh [NAME...]: make check-kernels.  Boots each guest of
# tests/kernels/matrix (or the NAMEs given) under qemu (TCG: no KVM here) and
# runs tests/kernels/cases.sh inside it, with Debian 12's kernel, runc, crun
# and busybox of the guest's architecture (tests/kernels/fetch.sh: through
# apt only, kept under build/kernels/) and the hook built for it.  The
# guest's console comes back in build/kernels/NAME/console.log; its result
# lines are printed here.  A guest that does not end within its time, or
# whose cases do not all pass, fails the run, with its console shown.  A
# case marked as known to fail on a kernel (XFAIL) does not; one so marked
# that passes (XPASS) does.
# KERNEL_CASES="word ..." keeps the cases whose name holds one of the words,
# for every guest (instead of the matrix's list); KERNEL_SECONDS overrides
# the time each guest is given.
set -euo pipefail
export LC_ALL=C
REPO=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$REPO/tests/kernels
OUT=$REPO/build/kernels
cd "$REPO"

# build_hook ARCH ROOT: the hook for ARCH, its path.  amd64: the build's own
# (make); arm64: cross-built with Debian's gcc-aarch64-linux-gnu against the
# arm64 headers and libraries unpacked in ROOT.
build_hook() {
	local arch=$1 root=$2 lib
	if [ "$arch" = amd64 ]; then
		make -s build/oci-idmap-hook >&2
		echo "$REPO/build/oci-idmap-hook"
		return
	fi
	lib=$root/usr/lib/$(triplet "$arch")
	make -s B="$OUT/build-$arch" CC="$(triplet "$arch")-gcc" AR="$(triplet "$arch")-ar" \
		DEP_CFLAGS="-I$root/usr/include -I$root/usr/include/libmount" \
		YAJL_LIBS=-lyajl MOUNT_LIBS=-lmount \
		LDFLAGS="-L$lib -Wl,-rpath-link=$root/lib/$(triplet "$arch"):$lib" \
		"$OUT/build-$arch/oci-idmap-hook" >&2
	echo "$OUT/build-$arch/oci-idmap-hook"
}

triplet() {
	case $1 in
	amd64) echo x86_64-linux-gnu ;;
	arm64) echo aarch64-linux-gnu ;;
	esac
}

# initramfs NAME ARCH: build/kernels/NAME/initrd.gz, the guest's whole root.
initramfs() {
	local name=$1 arch=$2 pkg=$OUT/$1/pkg dir=$OUT/$1/initrd t cc a m
	t=$(triplet "$arch")
	cc=$t-gcc
	[ "$arch" != amd64 ] || cc=gcc
	rm -rf "$dir"
	mkdir -p "$dir"/{bin,etc,k/rootfs,lib/modules,usr/bin,usr/sbin,usr/lib}
	# busybox: the guest's shell and tools, and the containers' rootfs.
	cp "$pkg/root/bin/busybox" "$dir/bin/busybox"
	for a in $(busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$dir/bin/$a"
	done
	cp "$pkg/root/usr/sbin/runc" "$dir/usr/sbin/"
	cp "$pkg/root/usr/bin/crun" "$pkg/root/usr/bin/jq" "$dir/usr/bin/"
	# The libraries (no static archives, no gconv) and the dynamic loader.
	cp -a "$pkg/root/lib/." "$dir/lib/"
	[ ! -e "$pkg/root/lib64" ] || cp -a "$pkg/root/lib64" "$dir/"
	(cd "$pkg/root/usr/lib" && find "$t" -maxdepth 1 -name '*.so*' -print0 |
		cpio -0 -pdm --quiet "$dir/usr/lib")
	# The modules the guest loads, in this order (Debian's package has no
	# modules.dep): the virtio disk, and overlayfs; uncompressed (busybox).
	for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci \
		virtio_blk overlay; do
		find "$pkg/kernel/lib/modules" \( -name "$m.ko" -o -name "$m.ko.xz" \) \
			-exec cp {} "$dir/lib/modules/" \;
		[ ! -e "$dir/lib/modules/$m.ko.xz" ] || xz -d "$dir/lib/modules/$m.ko.xz"
		echo "$m" >>"$dir/lib/modules/order"
	done
	printf 'root:x:0:0:root:/:/bin/sh\n' >"$dir/etc/passwd"
	printf 'root:x:0:\n' >"$dir/etc/group"
	# The hook, the probes, the cases.
	cp "$(build_hook "$arch" "$pkg/root")" "$dir/k/oci-idmap-hook"
	for a in kprobe idmap_mount; do
		"$cc" -std=gnu11 -O2 -Wall -Wextra -Werror -o "$dir/k/$a" "tests/helpers/$a.c"
	done
	cp "$HERE/cases.sh" tests/helpers/probe.sh "$dir/k/"
	cp "$HERE/init.sh" "$dir/init"
	chmod 0755 "$dir/init"
	# The containers' rootfs: busybox, and a user app (1000:1000).
	mkdir -p "$dir/k/rootfs"/{bin,etc,proc,sys,dev,tmp}
	chmod 1777 "$dir/k/rootfs/tmp"
	cp "$pkg/root/bin/busybox" "$dir/k/rootfs/bin/"
	for a in sh ls stat cat touch id mkdir echo grep test true sleep rm printf cut sed head tail; do
		ln -s busybox "$dir/k/rootfs/bin/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/tmp:/bin/sh\n' \
		>"$dir/k/rootfs/etc/passwd"
	printf 'root:x:0:\napp:x:1000:\n' >"$dir/k/rootfs/etc/group"
	(cd "$dir" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$OUT/$name/initrd.gz"
}

# boot NAME ARCH SECONDS CASES: the guest, its console into build/kernels/NAME.
boot() {
	local name=$1 arch=$2 secs=$3 cases=$4 kernel disk=$OUT/$1/disk.img cmdline qemu
	kernel=$(ls "$OUT/$name"/pkg/kernel/boot/vmlinuz-*)
	rm -f "$disk"
	truncate -s 256M "$disk"
	mkfs.ext4 -q -F "$disk"
	cmdline="panic=-1 loglevel=3 CASES=$cases"
	case $arch in
	amd64) qemu=(qemu-system-x86_64 -cpu max -append "console=ttyS0 $cmdline") ;;
	arm64) qemu=(qemu-system-aarch64 -M virt -cpu cortex-a57 -append "console=ttyAMA0 $cmdline") ;;
	esac
	timeout -k 5 "$secs" "${qemu[@]}" -accel tcg -smp 2 -m 1024 -no-reboot -display none \
		-monitor none -serial "file:$OUT/$name/console.log" -kernel "$kernel" \
		-initrd "$OUT/$name/initrd.gz" \
		-drive "if=none,id=vol,file=$disk,format=raw" -device virtio-blk-pci,drive=vol
}

# prepare NAME ARCH META CASES: fetch and build what guest NAME boots.
prepare() {
	local name=$1 arch=$2 meta=$3 cases=$4 v=$OUT/$1/pkg/versions
	mkdir -p "$OUT/$name"
	bash "$HERE/fetch.sh" "$arch" "$meta" "$OUT/$name/pkg" "$OUT/apt-$arch"
	initramfs "$name" "$arch"
	echo "== $name: $(grep linux-image "$v"), runc $(awk '$1 == "runc" { print $2 }' "$v")," \
		"crun $(awk '$1 == "crun" { print $2 }' "$v")${cases:+; cases: $cases}"
}

# report NAME SECONDS QEMU-EXIT: the guest's results; 0 when all passed.
# Sets guest_passed, guest_failed and guest_xfailed.
report() {
	local name=$1 secs=$2 rc=$3 log=$OUT/$1/console.log results
	results=$(sed -n 's/\r$//; s/^@@ //p' "$log" 2>/dev/null || true)
	echo "== $name"
	printf '%s\n' "$results" | grep -v '^end$' | sed 's/^/   /'
	guest_passed=$(grep -c '^PASS ' <<<"$results" || true)
	guest_failed=$(grep -c '^FAIL \|^XPASS ' <<<"$results" || true)
	guest_xfailed=$(grep -c '^XFAIL ' <<<"$results" || true)
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "   FAIL $name: the guest did not finish in ${secs}s; its console:"
	elif ! grep -q '^end$' <<<"$results" || ! grep -q '^guest: ' <<<"$results"; then
		echo "   FAIL $name: the guest stopped before the end (qemu exit $rc); its console:"
	elif [ "$guest_failed" = 0 ] && [ "$guest_passed" != 0 ]; then
		return 0
	else
		echo "   $name: $guest_failed failed; its console is $log"
		return 1
	fi
	guest_failed=$((guest_failed + 1))
	sed 's/^/   | /' "$log" 2>/dev/null | tail -n 200
	return 1
}

# stop_guests: on an early exit, stop the guests still running: each is a
# subshell of ours running timeout, which passes the signal on to qemu.
booting=()
# shellcheck disable=SC2317 # called by the EXIT trap
stop_guests() {
	local pid
	for pid in "${booting[@]}"; do
		pkill -TERM -P "$pid" 2>/dev/null
	done
}

# The guests are prepared one after the other, then boot side by side (each
# keeps about one core busy), then report in the matrix's order.
main() {
	local name arch meta secs cases g guests=() t0 total_pass=0 total_fail=0 total_xfail=0
	local status=0
	t0=$(date +%s)
	trap stop_guests EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	while read -r name arch meta secs cases; do
		case $name in '' | '#'*) continue ;; esac
		if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qxF "$name"; then
			continue
		fi
		cases=${cases:-}
		[ -z "${KERNEL_CASES:-}" ] || cases=${KERNEL_CASES// /,}
		secs=${KERNEL_SECONDS:-$secs}
		prepare "$name" "$arch" "$meta" "$cases"
		guests+=("$name $arch $secs")
		rm -f "$OUT/$name/console.log" "$OUT/$name/qemu-exit"
		(
			rc=0
			boot "$name" "$arch" "$secs" "$cases" || rc=$?
			echo "$rc" >"$OUT/$name/qemu-exit"
		) &
		booting+=($!)
	done <"$HERE/matrix"
	[ ${#guests[@]} != 0 ] || {
		echo "check-kernels: no guest named $* in tests/kernels/matrix" >&2
		exit 2
	}
	wait
	booting=()
	for g in "${guests[@]}"; do
		read -r name arch secs <<<"$g"
		guest_passed=0 guest_failed=0 guest_xfailed=0
		report "$name" "$secs" "$(cat "$OUT/$name/qemu-exit" 2>/dev/null || echo 1)" || status=1
		total_pass=$((total_pass + guest_passed))
		total_fail=$((total_fail + guest_failed))
		total_xfail=$((total_xfail + guest_xfailed))
	done
	echo "check-kernels: $(($(date +%s) - t0)) s in all"
	[ "$total_xfail" = 0 ] ||
		echo "check-kernels: $total_xfail known to fail on these kernels (XFAIL above, with why)"
	echo "check-kernels: $total_pass passed, $total_fail failed"
	exit $status
}

main "$@"
