#!/bin/bash
# The owner rule and another user namespace's ids (lib/owner.h), under runc
# (and crun through the -crun symlink).  The host's /etc/subuid and
# /etc/subgid give user rt20b the range 200000..265535 (bound over them in
# the test's own mount namespace, where the runtimes and the hook run):
#  - a volume owned by 200000:200000, the root of a container of that range
#    (B: 0..65535 -> 200000..), is handed to a plain uid-1000 container (A)
#    that copies a program in and makes it setuid.  Without the hook A cannot
#    write; with the hook on main it could, and B ran the program as its
#    root.  Now it is left whole, as without the hook, and plan says why;
#  - a volume owned by 200500:200500, B's uid 500, goes to B's user 1000:
#    B's own ids are B's to have.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
runtime=$(runtime_of_test)
need_runtime "$runtime"
need_hook
need_ids

for f in subuid subgid; do
	[ -f "/etc/$f" ] || skip "no /etc/$f to bind over (shadow's useradd makes it)"
	{ cat "/etc/$f"; echo "rt20b:200000:65536"; } >"$TEST_TMP/$f"
	mount --bind "$TEST_TMP/$f" "/etc/$f" || fail "cannot bind over /etc/$f"
done

roots=$TEST_TMP/roots svc=$TEST_TMP/svc
make_volume "$roots" 200000 200000
make_volume "$svc" 200500 200500
before=$(snapshot "$roots")

# shellcheck disable=SC2016
PLANT='echo "id=$(id -u):$(id -g)"
stat -c "data=%u:%g" /data
if err=$(cp /bin/ids /data/ids 2>&1 && chmod 4755 /data/ids); then echo planted=ok
else echo "planted=fail:${err##*: }"; fi'

# plant_bundle BUNDLE: A, uid 1000 without a user namespace, on the roots' volume.
plant_bundle() {
	make_bundle "$1"
	_spec "$1" user 1000 1000 ';;' args sh -c "$PLANT" ';;' bind "$roots" /data rbind
	cp "$IDS" "$1/rootfs/bin/ids"
}

# expect_not_planted WHAT: A saw root's volume as someone else's and left
# nothing in it.
expect_not_planted() {
	assert_eq 0 "$RC" "$1: $runtime exit code"
	assert_eq 1000:1000 "$(get id "$OUT")" "$1: container user"
	assert_eq 200000:200000 "$(get data "$OUT")" "$1: /data inside"
	assert_eq "fail:Permission denied" "$(get planted "$OUT")" "$1: planting a setuid program"
	assert_no_new "$before" "$roots"
}

plant_bundle "$TEST_TMP/a-without"
run_probe "$runtime" "$TEST_TMP/a-without" a-without
expect_not_planted "A without the hook"

b=$TEST_TMP/a-with
plant_bundle "$b"
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --strict
run_probe "$runtime" "$b" a-with
expect_not_planted "A with the hook"
plan_to "$TEST_TMP/plan-a.json" "$b"
expect_plan "$TEST_TMP/plan-a.json" /data skip "source is owned by uid 200000 (a subordinate id \
of rt20b in /etc/subuid); handed only to a container whose user namespace maps it"

# B, the range's own container, runs what A might have left, as its user.
b=$TEST_TMP/b
make_bundle "$b"
_spec "$b" user 1000 1000 ';;' args sh -c '/data/ids || echo ran=no' ';;' bind "$roots" /data rbind
bundle_userns "$b" 200000 65536
run_probe "$runtime" "$b" b
assert_eq 0 "$RC" "B: $runtime exit code"
assert_eq no "$(get ran "$OUT")" "B: a program A left"

# C: B's range, its user 1000 on the volume of B's uid 500.
for mode in without with; do
	b=$TEST_TMP/c-$mode
	probe_bundle "$b" "$svc"
	bundle_userns "$b" 200000 65536
	[ $mode = without ] || bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --strict
	run_probe "$runtime" "$b" "c-$mode"
	assert_eq 0 "$RC" "C $mode the hook: $runtime exit code"
	if [ $mode = without ]; then
		assert_eq 500:500 "$(get data "$OUT")" "C without the hook: /data inside"
		assert_eq "fail:Permission denied" "$(get write "$OUT")" "C without the hook: touch"
	else
		assert_eq 1000:1000 "$(get data "$OUT")" "C with the hook: /data inside"
		assert_eq ok "$(get write "$OUT")" "C with the hook: touch"
		assert_eq 200500:200500 "$(stat -c %u:%g "$svc/new")" "C's new file on the host"
	fi
done
