#!/bin/bash
# Propagation (runc).  Four 501:501 volumes, each a shared mount on the host,
# bound rshared, rslave, with no propagation option (the runtime's default,
# slave) and rprivate.  Between `runc create` (the hook runs) and `runc start`
# the host mounts a tmpfs in each volume; then the container (user 1000 with
# CAP_SYS_ADMIN) mounts a tmpfs in each.  With the hook, as without it:
#   - each idmapped mount keeps its propagation (mountinfo: shared:M master:N
#     for rshared, master:N for rslave and the default, none for rprivate,
#     N the host volume's peer group);
#   - the host's mount shows up inside exactly where propagation says so;
#   - nothing the container mounts ever appears on the host.
# crun is not tested here: its harness (run_crun) makes every mount private
# in a namespace of its own, so there is no host peer group to keep.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
need_runtime runc
need_hook

vols="vs vl vd vp"
for v in $vols; do
	make_volume "$TEST_TMP/$v" 501 501
	mkdir "$TEST_TMP/$v/h" "$TEST_TMP/$v/m"
	chown 501:501 "$TEST_TMP/$v/h" "$TEST_TMP/$v/m"
	mount --bind "$TEST_TMP/$v" "$TEST_TMP/$v" || fail "cannot bind $v"
	mount --make-shared "$TEST_TMP/$v" || fail "cannot make $v shared"
done
host_mounts=$(mounts_under "$TEST_TMP")

# peer_group DIR: N of shared:N of the host's mount at DIR.
peer_group() {
	awk -v p="$1" '$5 == p { for (i = 7; $i != "-"; i++) if ($i ~ /^shared:/) print substr($i, 8) }' \
		/proc/self/mountinfo
}

# shellcheck disable=SC2016
LOOK='for v in /vs /vl /vd /vp; do
	line=$(grep " $v " /proc/self/mountinfo | tail -n1)
	set -- $line
	shift 6
	fields=
	while [ "$1" != - ]; do fields="$fields $1"; shift; done
	echo "prop $v${fields}"
	stat -c "owner $v %u:%g" $v
	if [ -e $v/h/marker ]; then echo "marker $v yes"; else echo "marker $v no"; fi
	if mount -t tmpfs inside $v/m && touch $v/m/inside; then echo "mounted $v"; fi
done'

# run_created BUNDLE ID: runc create (the hooks run), the host mounts a tmpfs
# with a marker in each volume, runc start, wait for the end; OUT, ERR set.
run_created() {
	local b=$1 id=$2 root="$TEST_TMP/state/runc" v
	mkdir -p "$root"
	_lib_containers+=("runc:$id")
	timeout -k 5 "$CONTAINER_TIMEOUT" runc --root "$root" create --bundle "$b" "$id" \
		</dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" || {
		OUT=$(cat "$TEST_TMP/out") ERR=$(cat "$TEST_TMP/err")
		fail "runc create failed"
	}
	for v in $vols; do
		mount -t tmpfs host-event "$TEST_TMP/$v/h" || fail "cannot mount on the host"
		touch "$TEST_TMP/$v/h/marker"
	done
	runc --root "$root" start "$id" || fail "runc start failed"
	for _ in $(seq 600); do
		runc --root "$root" state "$id" 2>/dev/null | grep -q '"status": "stopped"' && break
		sleep 0.1
	done
	runc --root "$root" state "$id" | grep -q '"status": "stopped"' || fail "the container did not stop"
	runc --root "$root" delete "$id" || fail "runc delete failed"
	OUT=$(cat "$TEST_TMP/out") ERR=$(cat "$TEST_TMP/err")
	for v in $vols; do
		umount "$TEST_TMP/$v/h" || fail "cannot unmount $TEST_TMP/$v/h"
	done
}

# expect_host_untouched WHEN: the host's mounts and the volumes' m directories as before.
expect_host_untouched() {
	assert_eq "$host_mounts" "$(mounts_under "$TEST_TMP")" "the host's mounts $1"
	for v in $vols; do
		assert_eq "" "$(ls -A "$TEST_TMP/$v/m")" "the host's $v/m $1"
	done
}

b=$TEST_TMP/bundle
make_bundle "$b"
bundle_user "$b" 1000 1000
bundle_caps "$b" CAP_SYS_ADMIN
bundle_args "$b" sh -c "$LOOK"
bundle_bind "$b" "$TEST_TMP/vs" /vs rbind rshared
bundle_bind "$b" "$TEST_TMP/vl" /vl rbind rslave
bundle_bind "$b" "$TEST_TMP/vd" /vd rbind
bundle_bind "$b" "$TEST_TMP/vp" /vp rbind rprivate
mkdir "$b/rootfs/vs" "$b/rootfs/vl" "$b/rootfs/vd" "$b/rootfs/vp"

run_created "$b" "$(container_id without)"
without=$OUT
expect_host_untouched "after a container without the hook"
for v in $vols; do
	assert_match "*mounted /$v*" "$without" "the container's mount in /$v, without the hook"
done

bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook
plan=$TEST_TMP/plan.json
plan_to "$plan" "$b"
for v in $vols; do
	expect_plan "$plan" "/$v" idmap
done
run_created "$b" "$(container_id with)"
expect_host_untouched "after a container with the hook"
for v in $vols; do
	assert_match "*owner /$v 1000:1000*" "$OUT" "owner of /$v inside (idmapped)"
	assert_match "*mounted /$v*" "$OUT" "the container's mount in /$v"
done
normalize() { sed -E "s/shared:[0-9]+/shared:M/g" <<<"$1"; } # peer group numbers differ
assert_eq "$(normalize "$(grep -E '^(prop|marker) ' <<<"$without")")" \
	"$(normalize "$(grep -E '^(prop|marker) ' <<<"$OUT")")" "propagation, without the hook and with"
assert_match "prop /vs shared:* master:$(peer_group "$TEST_TMP/vs")" "$(grep '^prop /vs' <<<"$OUT")" "/vs (rshared)"
assert_eq "prop /vl master:$(peer_group "$TEST_TMP/vl")" "$(grep '^prop /vl' <<<"$OUT")" "/vl (rslave)"
assert_eq "prop /vd master:$(peer_group "$TEST_TMP/vd")" "$(grep '^prop /vd' <<<"$OUT")" "/vd (default)"
assert_eq "prop /vp" "$(grep '^prop /vp' <<<"$OUT")" "/vp (rprivate)"
for v in vs vl vd; do
	assert_match "*marker /$v yes*" "$OUT" "the host's mount in $v, seen inside"
done
assert_match "*marker /vp no*" "$OUT" "the host's mount in vp, seen inside (rprivate)"
exit 0
