#!/bin/bash
# `oci-idmap-hook status [--json] PID` on a real container (runc; crun through the
# -crun symlink), right after `create` (the init waits, pivot_root done):
# /data, a 501:501 volume for a 1000:1000 user, shows idmapped with the maps
# plan printed, stacked on the runtime's mount (covered, not idmapped);
# /proc is not idmapped; the document validates against
# schemas/status.schema.json.  A bad pid and a vanished one are one line and
# exit 1.  Without the hook, /data is not idmapped.  A kernel that cannot
# report maps (statmount or listmount failing with ENOSYS, injected): the
# maps are null, maps_reported false, idmapped still right.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
runtime=$(runtime_of_test)
need_runtime "$runtime"
need_kernel statmount_maps
need_hook
need_inject
"$PY" -c 'import jsonschema' 2>/dev/null || skip "needs python3-jsonschema"

# status_of RUNTIME BUNDLE ID OUT: create the container, run status on its
# init into OUT (and, with statmount or listmount failing with ENOSYS, into
# OUT.statmount and OUT.listmount), delete it; prints the init's pid.  crun runs, as in lib.sh,
# in a private mount namespace with cgroup2 at /sys/fs/cgroup.
status_of() {
	local root="$TEST_TMP/state/$1"
	mkdir -p "$root"
	_lib_containers+=("$1:$3")
	# shellcheck disable=SC2016
	timeout -k 5 "$CONTAINER_TIMEOUT" unshare -m sh -c '
		mount --make-rprivate / || exit 125
		if [ "$1" = crun ]; then
			umount -R /sys/fs/cgroup 2>/dev/null
			mount -t cgroup2 none /sys/fs/cgroup || exit 125
			set -- "$@" --cgroup-manager=disabled
		fi
		rt=$1 root=$2 bundle=$3 id=$4 out=$5 hook=$6 inject=$7
		shift 7
		"$rt" --root "$root" "$@" create --bundle "$bundle" "$id" </dev/null >/dev/null || exit 124
		pid=$("$rt" --root "$root" state "$id" | sed -n "s/.*\"pid\": *\([0-9]*\).*/\1/p")
		"$hook" status --json "$pid" >"$out"
		rc=$?
		"$hook" status "$pid" >"$out.table" || rc=$?
		for sc in statmount listmount; do
			"$inject" $sc ENOSYS -- "$hook" status --json "$pid" >"$out.$sc" || rc=$?
		done
		"$rt" --root "$root" delete -f "$id" >/dev/null 2>&1
		echo "$pid"
		exit $rc' sh "$1" "$root" "$2" "$3" "$4" "$HOOK" "$INJECT"
}

vol=$TEST_TMP/vol b=$TEST_TMP/bundle
make_volume "$vol" 501 501
before=$(snapshot "$vol")
probe_bundle "$b" "$vol"

# Without the hook: /data is the runtime's bind mount, not idmapped.
pid=$(status_of "$runtime" "$b" "$(container_id plain)" "$TEST_TMP/plain.json") ||
	fail "status without the hook: exit $?: $(cat "$TEST_TMP/plain.json")"
"$PY" "$REPO/tests/schema/validate.py" "$REPO/schemas/status.schema.json" "$TEST_TMP/plain.json" >/dev/null ||
	fail "status does not validate"
assert_eq "$pid" "$(json_q "$TEST_TMP/plain.json" 's["pid"]')" "status: pid"
assert_eq false "$(json_q "$TEST_TMP/plain.json" 'm["/data"]["idmapped"]')" "status without the hook: /data idmapped"
assert_eq false "$(json_q "$TEST_TMP/plain.json" '"uid_map" in m["/data"]')" "status without the hook: /data has maps"
assert_eq true "$(json_q "$TEST_TMP/plain.json" 'm["/data"]["root"].endswith("/vol")')" \
	"status without the hook: /data's root is the volume ($(json_q "$TEST_TMP/plain.json" 'm["/data"]["root"]'))"

# With the hook: the idmapped clone on top, with the maps plan promised.
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook
"$HOOK" plan --json --bundle "$b" >"$TEST_TMP/plan.json" || fail "plan: exit $?"
s=$TEST_TMP/status.json
status_of "$runtime" "$b" "$(container_id hooked)" "$s" >/dev/null ||
	fail "status with the hook: exit $?: $(cat "$s")"
"$PY" "$REPO/tests/schema/validate.py" "$REPO/schemas/status.schema.json" "$s" >/dev/null ||
	fail "status does not validate"
assert_eq true "$(json_q "$s" 'm["/data"]["idmapped"]')" "status: /data idmapped"
assert_eq true "$(json_q "$s" 's["maps_reported"]')" "status: maps reported by this kernel (6.15+)"
assert_eq '[[0, 0, 501], [501, 1000, 1], [502, 502, 498], [1000, 501, 1], [1001, 1001, 4294966294]]' \
	"$(json_q "$s" 'm["/data"]["uid_map"]')" "status: uid_map of /data"
assert_eq '[[0, 0, 501], [501, 1000, 1], [502, 502, 498], [1000, 501, 1], [1001, 1001, 4294966294]]' \
	"$(json_q "$s" 'm["/data"]["gid_map"]')" "status: gid_map of /data"
plan_maps=$(plan_q "$TEST_TMP/plan.json" '[m["/data"]["uid_map"], m["/data"]["gid_map"]]')
assert_eq "$plan_maps" "$(json_q "$s" '[m["/data"]["uid_map"], m["/data"]["gid_map"]]')" "status: the maps plan printed"
assert_eq '[false]' "$(json_q "$s" '[x["idmapped"] for x in s["mounts"] if x["destination"] == "/data" and x["covered"]]')" \
	"status: the runtime's /data under the clone"
assert_eq false "$(json_q "$s" 'm["/proc"]["idmapped"]')" "status: /proc idmapped"
assert_eq proc "$(json_q "$s" 'm["/proc"]["fstype"]')" "status: fstype of /proc"
assert_eq false "$(json_q "$s" '"uid_map" in m["/proc"]')" "status: /proc has maps"
assert_eq '[]' "$(json_q "$s" '[x["destination"] for x in s["mounts"] if "rootfs" in x["destination"]]')" \
	"status: destinations outside the container's view"

# The same, as the table people read by default: /data's visible mount
# idmapped with the swap as first:lower:count, the runtime's under it covered.
swap=0:0:501,501:1000:1,502:502:498,1000:501:1,1001:1001:4294966294
assert_eq "DESTINATION FSTYPE SOURCE IDMAPPED UID_MAP GID_MAP" "$(head -1 "$s.table" | tr -s ' ')" \
	"status table: header"
assert_eq "yes $swap $swap
no,covered - -" "$(awk '$1 == "/data" { print $4, $5, $6 }' "$s.table" | sort -r)" "status table: /data"
assert_eq "$(json_q "$s" 'len(s["mounts"])')" "$(($(wc -l <"$s.table") - 1))" "status table: a row per mount"

# A kernel that cannot report maps.
for sc in statmount listmount; do
	"$PY" "$REPO/tests/schema/validate.py" "$REPO/schemas/status.schema.json" "$s.$sc" >/dev/null ||
		fail "status without $sc does not validate"
	assert_eq false "$(json_q "$s.$sc" 's["maps_reported"]')" "status without $sc: maps reported"
	assert_eq true "$(json_q "$s.$sc" 'm["/data"]["idmapped"]')" "status without $sc: /data idmapped"
	assert_eq '[null, null]' "$(json_q "$s.$sc" '[m["/data"]["uid_map"], m["/data"]["gid_map"]]')" \
		"status without $sc: the maps of /data"
	assert_eq false "$(json_q "$s.$sc" 'm["/proc"]["idmapped"]')" "status without $sc: /proc idmapped"
done

# A bad pid, a pid that is gone: one line, exit 1.
for bad in abc 0 -5 99999999999; do
	err=$("$HOOK" status --json "$bad" 2>&1 >/dev/null)
	assert_eq 1 "$?" "status $bad: exit code"
	assert_eq "oci-idmap-hook: status: pid '$bad': must be a process id (1..2147483647)" "$err" "status $bad"
done
sh -c 'exit 0' &
gone=$!
wait "$gone"
err=$("$HOOK" status --json "$gone" 2>&1 >/dev/null)
assert_eq 1 "$?" "status of a pid that is gone: exit code"
assert_eq "oci-idmap-hook: status: pid $gone: no such process" "$err" "status of a pid that is gone"
err=$("$HOOK" status --json 2>&1 >/dev/null)
assert_eq 2 "$?" "status without a pid: exit code"
assert_kept "$before" "$vol"
