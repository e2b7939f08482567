#!/bin/bash
# Many mounts (runc and crun): 64 bind mounts, the even ones of 501:501 volumes,
# the odd ones of 1000:1000 volumes.  All 32 mismatched mounts are idmapped
# and read 1000:1000; the 32 others are left as they are (1000:1000, not
# idmapped).  The 32 mismatched mounts share one mapping, so the hook makes
# exactly one user namespace (counted with strace: clone with CLONE_NEWUSER),
# and plan shows 32 idmap entries with identical maps and 32 skips.  Then,
# with runc, the same under 'ulimit -n 24': the hook holds a few fds whatever
# the number of volumes (one volume is cloned and attached at a time), so all
# 32 are still idmapped.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
need_hook
need_cmd strace

n=64
for i in $(seq 0 $((n - 1))); do
	if [ $((i % 2)) = 0 ]; then
		make_volume "$TEST_TMP/v$i" 501 501
	else
		make_volume "$TEST_TMP/v$i" 1000 1000
	fi
done

# shellcheck disable=SC2016
LOOK='i=0
while [ $i -lt '$n' ]; do
	o=$(stat -c %u:%g /m/$i/hello)
	case $(grep " /m/$i " /proc/self/mountinfo | tail -n1 | cut -d" " -f6) in
	*idmapped*) how=idmapped ;; *) how=plain ;; esac
	echo "m $i $o $how"
	i=$((i + 1))
done'

for runtime in runc crun; do
	need_runtime $runtime
	b=$TEST_TMP/bundle-$runtime trace=$TEST_TMP/strace-$runtime
	make_bundle "$b"
	bundle_user "$b" 1000 1000
	bundle_args "$b" sh -c "$LOOK"
	mkdir "$b/rootfs/m"
	ops=()
	for i in $(seq 0 $((n - 1))); do
		ops+=(";;" bind "$TEST_TMP/v$i" "/m/$i" rbind)
	done
	_spec "$b" "${ops[@]:1}"
	bundle_hook "$b" createRuntime "$(command -v strace)" strace -f -qq -o "$trace" \
		-e trace=clone,clone3,unshare "$HOOK"

	plan=$TEST_TMP/plan-$runtime.json
	plan_to "$plan" "$b"
	assert_eq 32 "$(plan_q "$plan" 'sum(x["action"] == "idmap" for x in p["mounts"])')" "plan: idmap entries"
	assert_eq 1 "$(plan_q "$plan" 'len({json.dumps([x["uid_map"], x["gid_map"]]) for x in p["mounts"] if x["action"] == "idmap"})')" \
		"plan: distinct maps among the idmap entries"
	assert_eq 32 "$(plan_q "$plan" 'sum(x.get("reason") == "owner 1000:1000 already matches the container user" for x in p["mounts"])')" \
		"plan: skips of the matching volumes"

	run_probe $runtime "$b" many
	assert_eq 0 "$RC" "$runtime exit code"
	for i in $(seq 0 $((n - 1))); do
		if [ $((i % 2)) = 0 ]; then
			assert_match "*m $i 1000:1000 idmapped*" "$OUT" "$runtime: /m/$i (501:501 on the host)"
		else
			assert_match "*m $i 1000:1000 plain*" "$OUT" "$runtime: /m/$i (1000:1000 on the host)"
		fi
	done
	[ -s "$trace" ] || fail "$runtime: no strace output: did the hook run?"
	assert_eq 1 "$(grep -c CLONE_NEWUSER "$trace")" "$runtime: user namespaces the hook made"
done

# Few fds: 24, fewer than the 32 volumes to idmap.
b=$TEST_TMP/bundle-fds
make_bundle "$b"
bundle_user "$b" 1000 1000
bundle_args "$b" sh -c "$LOOK"
mkdir "$b/rootfs/m"
_spec "$b" "${ops[@]:1}"
# shellcheck disable=SC2016
bundle_hook "$b" createRuntime /bin/sh sh -c 'ulimit -n 24 && exec "$0" --log-level info' "$HOOK"
run_probe runc "$b" fds
assert_eq 0 "$RC" "runc exit code, ulimit -n 24"
assert_eq 32 "$(grep -c '^m [0-9]* 1000:1000 idmapped' <<<"$OUT")" "idmapped volumes under ulimit -n 24"
assert_no_match "*Too many open files*" "$ERR" "the hook's log under ulimit -n 24"
exit 0
