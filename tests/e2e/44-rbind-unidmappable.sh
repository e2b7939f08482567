#!/bin/bash
# An rbind source with one submount that cannot be idmapped (runc and crun).
# The kernel refuses a recursive idmap as a whole, so the hook falls back for
# the mount: the container sees the runtime's mount with every submount, as
# without the hook, and the hook says why in its log and in plan.
#   proc: a proc filesystem at p (plan knows the type cannot be idmapped);
#   fuse: a bindfs (FUSE) mount at fz (plan cannot know: FUSE is idmappable
#     only where the server opts in, and plan tries nothing; the kernel
#     refuses at start, and the hook falls back);
#   kernel: only idmappable submounts, but mount_setattr fails with EINVAL
#     (a seccomp errno injector): plan says idmap, the hook falls back.
# Each has a tmpfs submount at t besides.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
need_hook
need_kernel tmpfs_idmap
need_cmd bindfs
need_inject

vol=$TEST_TMP/vol fuse_src=$TEST_TMP/fuse-src
make_volume "$vol" 501 501
make_volume "$fuse_src" 501 501
mkdir "$vol/t" "$vol/p" "$vol/fz"
chown 501:501 "$vol/t" "$vol/p" "$vol/fz"
mount -t tmpfs -o mode=0755,uid=501,gid=501 vol-t "$vol/t" || fail "cannot mount a tmpfs"
printf 'on tmpfs\n' >"$vol/t/f"
chown 501:501 "$vol/t/f"
before=$(snapshot "$vol")

# shellcheck disable=SC2016
TREE='stat -c "owner %n %u:%g" /data /data/t /data/t/f 2>&1
test -e /data/p/self/status && echo "proc visible"
cat /data/fz/hello 2>&1 | sed "s/^/fuse says /"
grep " /data" /proc/self/mountinfo | while read -r _ _ _ _ target opts rest; do
	fs=${rest#*- }
	case $opts in *idmapped*) how=idmapped ;; *) how=plain ;; esac
	echo "mnt $target ${fs%% *} $how"
done'

# setup proc|fuse|kernel: the submount of the case.
setup() {
	umount_under "$vol/p"
	umount_under "$vol/fz"
	case $1 in
	proc) mount -t proc proc "$vol/p" || fail "cannot mount proc" ;;
	fuse) bindfs "$fuse_src" "$vol/fz" || fail "bindfs failed" ;;
	esac
}

for runtime in runc crun; do
	need_runtime $runtime
	for case in proc fuse kernel; do
		setup $case
		b=$TEST_TMP/bundle-$runtime-$case log=$TEST_TMP/hook-$runtime-$case.log
		make_bundle "$b"
		bundle_user "$b" 1000 1000
		bundle_args "$b" sh -c "$TREE"
		bundle_bind "$b" "$vol" /data rbind
		run_probe $runtime "$b" without
		assert_eq 0 "$RC" "$runtime, $case: exit code without the hook"
		without=$OUT
		if [ $case = kernel ]; then
			bundle_hook "$b" createRuntime "$INJECT" inject mount_setattr EINVAL -- \
				"$HOOK" --log-level info --log-file "$log"
		else
			bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --log-level info \
				--log-file "$log"
		fi

		plan=$TEST_TMP/plan-$runtime-$case.json
		plan_to "$plan" "$b"
		case $case in
		# plan names the submount on the host, the hook where the container sees it.
		proc) reason="submount */p is on a filesystem of type proc, which cannot be idmapped" ;;
		fuse | kernel) reason="cannot idmap, mount left as the runtime made it: /data: $vol (rbind, with its submounts): mount_setattr(IDMAP): Invalid argument*" ;;
		esac
		if [ $case = kernel ]; then
			expect_plan "$plan" /data idmap
		elif [ $case = fuse ]; then
			expect_plan "$plan" /data idmap "FUSE can be idmapped only where its server allows it*"
		else
			expect_plan "$plan" /data skip "$reason"
		fi

		run_probe $runtime "$b" with
		assert_eq 0 "$RC" "$runtime, $case: exit code"
		assert_eq "$without" "$OUT" "$runtime, $case: what the container sees, with the hook and without"
		assert_match "*owner /data/t/f 501:501*" "$OUT" "$runtime, $case: owner of /data/t/f"
		assert_no_match "*idmapped*" "$OUT" "$runtime, $case: mounts inside"
		case $case in
		proc) assert_match "*proc visible*" "$OUT" "$runtime: the proc submount inside" ;;
		fuse) assert_match "*fuse says hello from the host*" "$OUT" "$runtime: the FUSE submount inside" ;;
		esac
		assert_match "*$reason*" "$(cat "$log")" "$runtime, $case: the hook's log"
		setup none # the snapshot must not walk proc
		assert_no_new "$before" "$vol"
	done
done
exit 0
