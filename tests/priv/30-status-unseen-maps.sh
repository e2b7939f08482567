#!/bin/bash
# `status` on a mount namespace whose idmapped mount has maps the caller's
# user namespace cannot see.  A process in its own user namespace (ids
# 0..65535 are host 100000..165535) and mount namespace holds an idmapped
# view (tests/helpers/idmap_mount.c: 501<->2000 for uids and gids) made from the
# host: every line of its maps names host ids outside that range, so
# statmount, asked from inside, shows none of them.  Run from inside,
# status exits 0, says the kernel reports maps, and gives that mount null
# maps (not the whole document failed, nor maps_reported false); run from
# the host, the same mount shows its maps.  Nothing reaches the host's mount
# table (the test runs in a private mount namespace of its own).
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
need_hook
need_kernel statmount_maps
need_idmap_mount
need_cmd nsenter

UIDS=$(swap_map 501 2000) GIDS=$(swap_map 501 2000)

disk=$TEST_TMP/disk view=$TEST_TMP/view
make_volume "$disk" 501 501
mkdir "$view"

unshare --user --mount --propagation private sleep 300 &
pid=$!
# shellcheck disable=SC2317 # run by the EXIT trap
_status_cleanup() {
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	_mounts_cleanup
}
trap _status_cleanup EXIT
for _ in $(seq 100); do
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sleep ] && break
	sleep 0.1
done
[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sleep ] || fail "the namespaced process did not start"
for f in uid_map gid_map; do # one write each, from the parent user namespace
	"$PY" -c 'import os, sys; os.write(os.open(sys.argv[1], os.O_WRONLY), b"0 100000 65536\n")' \
		"/proc/$pid/$f" || fail "cannot write /proc/$pid/$f"
done
nsenter -m -t "$pid" "$IDMAP_MOUNT" "$disk" "$view" "$UIDS" "$GIDS" ||
	fail "cannot make an idmapped mount in the process's mount namespace"

# From the host: the maps as written (this kernel reports them, or skip).
host=$TEST_TMP/host.json
"$HOOK" status --json "$pid" >"$host" || fail "status from the host: exit $?"
[ "$(json_q "$host" 's["maps_reported"]')" = true ] || skip "this kernel does not report maps (Linux 6.15)"
assert_eq true "$(json_q "$host" "m['$view']['idmapped']")" "status from the host: $view idmapped"
assert_eq '[[0, 0, 501], [501, 2000, 1], [502, 502, 1498], [2000, 501, 1], [2001, 2001, 4294965294]]' \
	"$(json_q "$host" "m['$view']['uid_map']")" "status from the host: uid_map of $view"

# From inside its user namespace: none of the lines is visible there.
inside=$TEST_TMP/inside.json
nsenter -U -m -t "$pid" "$HOOK" status --json "$pid" >"$inside" 2>"$TEST_TMP/inside.err"
rc=$?
assert_eq 0 "$rc" "status from inside the user namespace: exit code ($(cat "$TEST_TMP/inside.err"))"
"$PY" "$REPO/tests/schema/validate.py" "$REPO/schemas/status.schema.json" "$inside" >/dev/null ||
	fail "status from inside does not validate"
assert_eq true "$(json_q "$inside" 's["maps_reported"]')" "status from inside: maps reported"
assert_eq true "$(json_q "$inside" "m['$view']['idmapped']")" "status from inside: $view idmapped"
assert_eq '[null, null]' "$(json_q "$inside" "[m['$view']['uid_map'], m['$view']['gid_map']]")" \
	"status from inside: the maps of $view"
exit 0
