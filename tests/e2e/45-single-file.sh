#!/bin/bash
# A single-file bind mount (runc and crun): a config file owned 501:501, mode
# 0600, bound at /etc/app.conf.  Without the hook the container user cannot
# read it; with the hook it reads 1000:1000 0600 and cat works, and what the
# container appends lands in the host's file, which keeps 501:501 0600.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
need_hook

dir=$TEST_TMP/conf
mkdir -p "$dir"
printf 'secret=42\n' >"$dir/app.conf"
chown 501:501 "$dir/app.conf"
chmod 0600 "$dir/app.conf"
_open_path_to "$dir"

# shellcheck disable=SC2016
READ='stat -c "file=%u:%g %a" /etc/app.conf
echo "content=$(cat /etc/app.conf 2>&1)"
echo "mnt=$(grep " /etc/app.conf " /proc/self/mountinfo | tail -n1 | cut -d" " -f6)"
if echo appended >>/etc/app.conf; then echo write=ok; else echo write=fail; fi'

for runtime in runc crun; do
	need_runtime $runtime
	for option in bind rbind; do
		b=$TEST_TMP/bundle-$runtime-$option
		make_bundle "$b"
		bundle_user "$b" 1000 1000
		bundle_args "$b" sh -c "$READ"
		bundle_bind "$b" "$dir/app.conf" /etc/app.conf $option

		run_probe $runtime "$b" without
		assert_eq "501:501 600" "$(get file "$OUT")" "$runtime, $option: the file without the hook"
		assert_match "*Permission denied*" "$(get content "$OUT")" "$runtime, $option: cat without the hook"
		assert_eq fail "$(get write "$OUT")" "$runtime, $option: append without the hook"

		bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook
		plan=$TEST_TMP/plan-$runtime-$option.json
		plan_to "$plan" "$b"
		expect_plan "$plan" /etc/app.conf idmap
		assert_eq '{"uid": 501, "gid": 501}' "$(plan_q "$plan" "m['/etc/app.conf']['owner']")" \
			"plan: owner of the file"

		run_probe $runtime "$b" with
		assert_eq 0 "$RC" "$runtime, $option: exit code"
		assert_eq "1000:1000 600" "$(get file "$OUT")" "$runtime, $option: the file inside"
		assert_eq "secret=42" "$(get content "$OUT")" "$runtime, $option: cat inside"
		assert_match "*idmapped*" "$(get mnt "$OUT")" "$runtime, $option: mount options"
		assert_eq ok "$(get write "$OUT")" "$runtime, $option: append inside"
		assert_eq "$(printf 'secret=42\nappended')" "$(cat "$dir/app.conf")" "$runtime, $option: the host's file"
		assert_eq "501:501 600" "$(stat -c '%u:%g %a' "$dir/app.conf")" "$runtime, $option: the host's file"
		printf 'secret=42\n' >"$dir/app.conf"
	done
done
exit 0
