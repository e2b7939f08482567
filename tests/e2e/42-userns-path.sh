#!/bin/bash
# A user namespace joined by path (linux.namespaces [{"type": "user", "path":
# "/proc/PID/ns/user"}]) of a helper process whose maps the test wrote
# (0..65535 -> 100000..).  The hook reads the maps from the container's pid:
# user 1000 is host 101000, and the 501:501 volume reads 1000:1000 inside.
#   crun accepts the path with no uidMappings/gidMappings: the maps can only
#     come from /proc/<pid>.
#   runc 1.1 refuses a user namespace without mappings in config.json ("User
#     namespaces enabled, but no uid mappings found"), so its config repeats
#     the helper's maps next to the path, as runc needs.
# plan needs --pid for such a config: without it, it says for /data that it
# cannot know the maps, and exits 0.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
need_hook

# A process in a new user namespace, with maps written from here.
unshare -U sleep 600 &
helper=$!
# shellcheck disable=SC2317 # called by the EXIT trap
_helper_cleanup() {
	kill "$helper" 2>/dev/null
	_mounts_cleanup
}
trap _helper_cleanup EXIT
for _ in $(seq 100); do
	[ "$(readlink /proc/$helper/ns/user)" != "$(readlink /proc/self/ns/user)" ] && break
	sleep 0.1
done
[ "$(readlink /proc/$helper/ns/user)" != "$(readlink /proc/self/ns/user)" ] ||
	fail "the helper has no user namespace of its own"
echo "0 100000 65536" >/proc/$helper/uid_map || fail "cannot write the helper's uid_map"
echo "0 100000 65536" >/proc/$helper/gid_map || fail "cannot write the helper's gid_map"

vol=$TEST_TMP/vol
make_volume "$vol" 501 501
before=$(snapshot "$vol")

# join_userns BUNDLE: the user namespace by path, and no mappings.
join_userns() {
	"$PY" -I -S - "$1/config.json" "/proc/$helper/ns/user" <<-'EOF' || fail "cannot edit config.json"
		import json, sys
		spec = json.load(open(sys.argv[1]))
		linux = spec["linux"]
		linux["namespaces"] = [n for n in linux["namespaces"] if n["type"] != "user"]
		linux["namespaces"].append({"type": "user", "path": sys.argv[2]})
		linux.pop("uidMappings", None)
		linux.pop("gidMappings", None)
		json.dump(spec, open(sys.argv[1], "w"), indent=1)
	EOF
}

for runtime in crun runc; do
	need_runtime $runtime
	b=$TEST_TMP/bundle-$runtime
	probe_bundle "$b" "$vol"
	join_userns "$b"
	if [ $runtime = runc ]; then
		bundle_uid_map "$b" 0 100000 65536
		bundle_gid_map "$b" 0 100000 65536
	fi
	bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook

	plan=$TEST_TMP/plan-$runtime.json
	if [ $runtime = crun ]; then
		"$HOOK" plan --json --bundle "$b" >"$TEST_TMP/plan-nopid.json" 2>"$TEST_TMP/err"
		assert_eq 0 "$?" "plan exit code without --pid"
		expect_plan "$TEST_TMP/plan-nopid.json" /data skip \
			"cannot know the container user's host ids: *joined by path*--pid*"
	fi
	plan_to "$plan" "$b" --pid "$helper"
	assert_eq '{"uid": 101000, "gid": 101000}' "$(plan_q "$plan" 'p["container"]["host_user"]')" \
		"plan: host ids of the container user, from the helper's maps"
	expect_plan "$plan" /data idmap
	assert_eq '[501, 101000, 1]' "$(plan_q "$plan" '[e for e in m["/data"]["uid_map"] if e[0] == 501][0]')" \
		"plan: uid map of /data"

	expect_idmapped_rw $runtime "$b" "$vol" "$before" 501:501
	rm -f "$vol/new"
done
exit 0
