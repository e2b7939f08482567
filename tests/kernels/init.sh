#!/bin/sh
# shellcheck shell=dash
# The guest's /init (busybox sh), put in the initramfs by tests/kernels/run.sh.
# runc's pivot_root fails on an initramfs root, so the first stage copies the
# root into a tmpfs and switch_roots into it; the second loads the modules
# run.sh put in /lib/modules (in the order of /lib/modules/order), mounts
# the ext4 disk at /vol, starts a syslog daemon, runs /k/cases.sh and powers
# off.  Everything the host reads comes out on the console: lines starting
# with "@@ " are results (tests/kernels/cases.sh).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
if [ ! -e /.in-tmpfs ]; then
	mkdir -p /proc /newroot
	mount -t proc proc /proc
	mount -t tmpfs -o mode=0755 root /newroot
	for d in /*; do
		case $d in /proc | /newroot) ;; *) cp -a "$d" /newroot/ ;; esac
	done
	mkdir -p /newroot/proc /newroot/sys /newroot/dev /newroot/tmp /newroot/run
	touch /newroot/.in-tmpfs
	umount /proc
	exec switch_root /newroot /init
fi

mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t cgroup2 none /sys/fs/cgroup
chmod 1777 /tmp
while read -r m; do
	[ ! -e "/lib/modules/$m.ko" ] || insmod "/lib/modules/$m.ko" || echo "@@ init: insmod $m failed"
done </lib/modules/order
mkdir -p /vol
for _ in $(seq 50); do
	[ -b /dev/vda ] && break
	sleep 0.1
done
mount -t ext4 /dev/vda /vol || echo "@@ init: cannot mount /dev/vda"
mkdir -p /var/log
syslogd -n -O /var/log/messages &
echo "@@ kernel $(uname -r) $(uname -m)"
cd /k && sh /k/cases.sh
echo "@@ end"
sync
poweroff -f
