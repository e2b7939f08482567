#!/bin/bash
# Nothing the hook attaches propagates out of the container (issue 21, runc,
# and crun through the -crun symlink).  With linux.rootfsPropagation rshared
# and a source that is a shared mount point on the host, the runtime's bind
# mount is a peer of the host's source: attaching an idmapped clone onto it
# would put a copy on the host's source, where it stays after the container
# is gone (host users would see 501's files as 1000:1000).  So:
#   - shared source: the volume is left as the runtime made it (the
#     container sees 501:501, as without the hook), plan and the log say why,
#     with --strict the start fails; the host's mounts under the source and
#     the owners the host sees are the same before and after, each time;
#   - a source that is no shared mount point, same bundle: still remapped
#     (the peer groups the runtime made live in the container only), and the
#     host's mount table is unchanged too.
# Each case runs in a mount namespace of its own, which stands for the host:
# the source is made a shared mount point there, and goes with it.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
runtime=$(runtime_of_test)
need_runtime "$runtime"
need_hook

vol=$TEST_TMP/vol
make_volume "$vol" 501 501
before=$(snapshot "$vol")

# shellcheck disable=SC2016
LOOK='stat -c "data=%u:%g" /data
stat -c "hello=%u:%g" /data/hello
echo "mnt=$(grep " /data " /proc/self/mountinfo | tail -n1 | cut -d" " -f6)"'

# What the host shows at and below the volume p: target, options, optional
# fields (propagation) and filesystem type of each mount.
# shellcheck disable=SC2016
TABLE='$5 == p || index($5, p "/") == 1 {
	s = $5 " " $6
	for (i = 7; $i != "-"; i++) s = s " " $i
	print s, $(i + 1)
}'

# run_on_host SHARED BUNDLE ID: in a new mount namespace standing for the
# host (every mount private), bind the volume onto itself and, when SHARED is
# "shared", make it a shared mount point; run the container there, then
# print what that host shows under the volume before and after, and the
# owner of hello as it sees it.  Sets OUT, ERR and RC (the runtime's).
run_on_host() {
	local shared=$1 b=$2 id=$3 root="$TEST_TMP/state/$runtime" out
	mkdir -p "$root"
	_lib_containers+=("$runtime:$id")
	# shellcheck disable=SC2016
	out=$(timeout -k 5 "$CONTAINER_TIMEOUT" unshare -m --propagation private sh -c '
		runtime=$1 root=$2 b=$3 id=$4 vol=$5 shared=$6 prog=$7
		table() { awk -v p="$vol" "$prog" /proc/self/mountinfo; }
		mount --bind "$vol" "$vol" || exit 125
		if [ "$shared" = shared ]; then mount --make-shared "$vol" || exit 125; fi
		table | sed "s/^/before /"
		if [ "$runtime" = crun ]; then
			umount -R /sys/fs/cgroup 2>/dev/null
			mount -t cgroup2 none /sys/fs/cgroup || exit 125
			crun --root "$root" --cgroup-manager=disabled run --bundle "$b" "$id" 2>"$root/stderr"
		else
			runc --root "$root" run --bundle "$b" "$id" 2>"$root/stderr"
		fi
		echo "rc=$?"
		"$runtime" --root "$root" delete -f "$id" >/dev/null 2>&1
		table | sed "s/^/after /"
		stat -c "host-hello=%u:%g" "$vol/hello"' sh "$runtime" "$root" "$b" "$id" "$vol" "$shared" \
		"$TABLE" </dev/null)
	OUT=$out
	RC=$(get rc "$out")
	ERR=$(cat "$root/stderr" 2>/dev/null)
}

# expect_host_kept WHAT: the host's mounts under the volume and its owners as before.
expect_host_kept() {
	assert_ne "" "$(grep '^before ' <<<"$OUT")" "$1: the host's mounts under the volume, before"
	assert_eq "$(grep '^before ' <<<"$OUT" | cut -d' ' -f2-)" \
		"$(grep '^after ' <<<"$OUT" | cut -d' ' -f2-)" "$1: the host's mounts under the volume, after"
	assert_eq 501:501 "$(get host-hello "$OUT")" "$1: owner of hello as the host sees it"
	assert_kept "$before" "$vol"
}

b=$TEST_TMP/bundle log=$TEST_TMP/hook.log
make_bundle "$b"
bundle_user "$b" 1000 1000
bundle_args "$b" sh -c "$LOOK"
bundle_bind "$b" "$vol" /data rbind
"$PY" -I -S - "$b/config.json" <<-'EOF' || fail "cannot set rootfsPropagation"
	import json, sys
	spec = json.load(open(sys.argv[1]))
	spec["linux"]["rootfsPropagation"] = "rshared"
	json.dump(spec, open(sys.argv[1], "w"), indent=1)
EOF

# Control: the runtime alone, on a shared source.
run_on_host shared "$b" "$(container_id without)"
assert_eq 0 "$RC" "$runtime exit code without the hook"
assert_match "shared:*" "$(grep '^before ' <<<"$OUT" | cut -d' ' -f4)" "the host's source is a shared mount point"
assert_eq 501:501 "$(get data "$OUT")" "owner of /data inside, without the hook"
expect_host_kept "without the hook"

cp "$b/config.json" "$b/config.without"
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --log-level info --log-file "$log"
run_on_host shared "$b" "$(container_id with)"
assert_eq 0 "$RC" "$runtime exit code with the hook"
expect_host_kept "with the hook"
assert_eq 501:501 "$(get data "$OUT")" "owner of /data inside, left as the runtime made it"
assert_no_match "*idmapped*" "$(get mnt "$OUT")" "mount options of /data inside"
assert_match "*/data*propagate*host*" "$(cat "$log")" "the hook's log says why /data is left alone"

# --strict: the start fails, and the host keeps its table all the same.
cp "$b/config.without" "$b/config.json"
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --strict --log-file "$log.strict"
run_on_host shared "$b" "$(container_id strict)"
assert_ne 0 "$RC" "$runtime exit code with --strict"
assert_match "*error: */data*propagate*host*" "$(cat "$log.strict")" "the hook's error with --strict"
expect_host_kept "with --strict"

# The same bundle on a source that is no shared mount point: remapped.
cp "$b/config.without" "$b/config.json"
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook
run_on_host private "$b" "$(container_id private)"
assert_eq 0 "$RC" "$runtime exit code, private source"
assert_eq 1000:1000 "$(get data "$OUT")" "owner of /data inside, private source"
assert_match "*idmapped*" "$(get mnt "$OUT")" "mount options of /data inside, private source"
expect_host_kept "private source"
exit 0
