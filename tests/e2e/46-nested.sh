#!/bin/bash
# Nested destinations (runc and crun).  The runtimes mount in config.json's
# order and do not sort (measured): a mount listed before its parent is
# covered by it for good.
#   parent first: /data (501:501), /data/cache (502:502), a tmpfs at /data/tmp.
#     With the hook both volumes read 1000:1000, the cache volume is still on
#     top of /data (on the idmapped clone) and the tmpfs is still there.
#   cache first: /data/cache, then /data.  The container sees what it sees
#     without the hook (the cache volume hidden), plus /data remapped; plan
#     and the log say why /data/cache is left alone.
# In both, the set of visible files is the same with the hook and without.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
need_hook
need_kernel attach_detached

data=$TEST_TMP/data cache=$TEST_TMP/cache
make_volume "$data" 501 501
make_volume "$cache" 502 502
printf 'from the cache\n' >"$cache/cf"
mkdir "$data/cache" "$data/tmp"
chown 502:502 "$cache/cf"
chown 501:501 "$data/cache" "$data/tmp"

# shellcheck disable=SC2016
LOOK='ls -R /data | sed "s/^/ls /"
stat -c "owner %n %u:%g" /data /data/cache
echo "cf=$(cat /data/cache/cf 2>&1)"
if err=$(touch /data/tmp/x 2>&1); then echo tmpwrite=ok; else echo "tmpwrite=fail:$err"; fi
grep " /data" /proc/self/mountinfo | while read -r id parent _ _ target opts rest; do
	fs=${rest#*- }
	case $opts in *idmapped*) how=idmapped ;; *) how=plain ;; esac
	echo "mnt $id $parent $target ${fs%% *} $how"
done'

# top TARGET OUT: "id parent fstype how" of the topmost mount at TARGET.
top() {
	grep "^mnt [0-9]* [0-9]* $1 " <<<"$2" | tail -n1 | cut -d' ' -f2,3,5,6
}

for runtime in runc crun; do
	need_runtime $runtime
	for order in parent-first cache-first; do
		b=$TEST_TMP/bundle-$runtime-$order log=$TEST_TMP/hook-$runtime-$order.log
		make_bundle "$b"
		bundle_user "$b" 1000 1000
		bundle_args "$b" sh -c "$LOOK"
		if [ $order = parent-first ]; then
			bundle_bind "$b" "$data" /data
			bundle_bind "$b" "$cache" /data/cache
			bundle_mount "$b" tmpfs tmpfs /data/tmp uid=1000,gid=1000
		else
			bundle_bind "$b" "$cache" /data/cache
			bundle_bind "$b" "$data" /data
		fi
		run_probe $runtime "$b" without
		assert_eq 0 "$RC" "$runtime, $order: exit code without the hook"
		without=$OUT

		bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --log-level info --log-file "$log"
		plan=$TEST_TMP/plan-$runtime-$order.json
		plan_to "$plan" "$b"
		run_probe $runtime "$b" with
		assert_eq 0 "$RC" "$runtime, $order: exit code"
		assert_eq "$(grep '^ls ' <<<"$without")" "$(grep '^ls ' <<<"$OUT")" \
			"$runtime, $order: the files the container sees, without the hook and with"
		assert_match "*owner /data 1000:1000*" "$OUT" "$runtime, $order: owner of /data"
		assert_match "idmapped" "$(top /data "$OUT" | cut -d' ' -f4)" "$runtime, $order: topmost /data"
		if [ $order = parent-first ]; then
			expect_plan "$plan" /data idmap
			expect_plan "$plan" /data/cache idmap
			expect_plan "$plan" /data/tmp skip "not a bind mount"
			assert_match "*owner /data/cache 1000:1000*" "$OUT" "$runtime: owner of /data/cache"
			assert_eq "from the cache" "$(get cf "$OUT")" "$runtime: the cache volume inside"
			assert_eq ok "$(get tmpwrite "$OUT")" "$runtime: write into the tmpfs at /data/tmp"
			[ ! -e "$data/tmp/x" ] || fail "$runtime: /data/tmp/x landed in the volume, not the tmpfs"
			top_data=$(top /data "$OUT" | cut -d' ' -f1)
			assert_eq "$top_data idmapped" "$(top /data/cache "$OUT" | cut -d' ' -f2,4)" \
				"$runtime: /data/cache (parent, options) on top of the idmapped /data"
			assert_eq "$top_data tmpfs" "$(top /data/tmp "$OUT" | cut -d' ' -f2,3)" \
				"$runtime: /data/tmp (parent, type) on top of the idmapped /data"
		else
			expect_plan "$plan" /data idmap
			expect_plan "$plan" /data/cache skip "hidden by /data, which config.json mounts later on top of it"
			assert_match "*/data/cache: skip: hidden by /data*" "$(cat "$log")" "$runtime: the hook's log"
			assert_match "*No such file*" "$(get cf "$without")" "$runtime: the cache volume without the hook"
			assert_match "*No such file*" "$(get cf "$OUT")" "$runtime: the cache volume with the hook"
			assert_eq 1 "$(grep -c "^mnt [0-9]* [0-9]* /data/cache " <<<"$OUT")" \
				"$runtime: mounts at /data/cache (the runtime's, hidden)"
		fi
		rm -f "$data/tmp/x" # cache-first: the touch went to the volume
	done
done
exit 0
