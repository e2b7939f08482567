#!/bin/sh
# tests/helpers/crun_in_ns.sh STATE BUNDLE ID: run one crun container to
# completion, in a mount namespace the caller made for it (unshare -m): crun
# 1.8 refuses this host's cgroup v1+v2 hybrid, so /sys is made private and
# gets cgroup2 at /sys/fs/cgroup, and crun runs without a cgroup manager.
# The caller chooses the propagation of every other mount: tests/lib.sh's
# run_crun makes all of it private; the oracle (tests/oracle/runtime.py)
# keeps it, so that its shared sources stay peers of crun's view of them.
# Exit: crun's, or 125 when the namespace cannot be set up.
mount --make-rprivate /sys || exit 125
umount -R /sys/fs/cgroup 2>/dev/null
mount -t cgroup2 none /sys/fs/cgroup || exit 125
crun --root "$1" delete -f "$3" >/dev/null 2>&1
crun --root "$1" --cgroup-manager=disabled run --bundle "$2" "$3"
rc=$?
crun --root "$1" delete -f "$3" >/dev/null 2>&1
exit $rc
