#!/bin/bash
# A container user namespace of several ranges (runc and crun): uid 1000 and
# gid 1000 have host ids of their own (300000, 400000) between two ranges
# that map the rest.  The 501:501 volume reads 1000:1000 inside and the
# container's new files land 501:501 on the host; a file owned by another
# mapped host id (100005, the container's uid 5) reads as the overflow id
# through the mount (lib/owner.h: through it the container acts on disk as
# the owner and as none of its other ids; without the hook it reads as 5);
# a volume already owned by the user's host ids is left alone.  plan shows
# the translated user and both decisions.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
need_hook

vol=$TEST_TMP/vol own=$TEST_TMP/own
make_volume "$vol" 501 501
printf 'other\n' >"$vol/other"
chown 100005:100005 "$vol/other"
make_volume "$own" 300000 400000
before=$(snapshot "$vol")

for runtime in runc crun; do
	need_runtime $runtime
	b=$TEST_TMP/bundle-$runtime
	probe_bundle "$b" "$vol"
	bundle_args "$b" sh -c "$PROBE
stat -c other=%u:%g /data/other
stat -c own=%u:%g /own
echo \"ownmnt=\$(grep ' /own ' /proc/self/mountinfo | tail -n1 | cut -d' ' -f6)\""
	mkdir "$b/rootfs/own" # the container's root (host 100000) cannot make it
	bundle_bind "$b" "$own" /own
	bundle_add_namespace "$b" user
	bundle_uid_map "$b" 0 100000 1000 1000 300000 1 1001 101001 64535
	bundle_gid_map "$b" 0 100000 1000 1000 400000 1 1001 101001 64535
	bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook

	plan=$TEST_TMP/plan-$runtime.json
	plan_to "$plan" "$b"
	assert_eq '{"uid": 300000, "gid": 400000}' "$(plan_q "$plan" 'p["container"]["host_user"]')" \
		"plan: host ids of the container user"
	expect_plan "$plan" /data idmap
	assert_eq '[501, 300000, 1]' "$(plan_q "$plan" '[e for e in m["/data"]["uid_map"] if e[0] == 501][0]')" \
		"plan: uid map of /data sends 501 to the user's host uid"
	assert_eq '[501, 400000, 1]' "$(plan_q "$plan" '[e for e in m["/data"]["gid_map"] if e[0] == 501][0]')" \
		"plan: gid map of /data sends 501 to the user's host gid"
	expect_plan "$plan" /own skip "owner 300000:400000 already matches the container user"

	expect_idmapped_rw $runtime "$b" "$vol" "$before" 501:501
	rm -f "$vol/new"
	assert_eq 65534:65534 "$(get other "$OUT")" \
		"$runtime: owner of a file of host id 100005 (the container's 5) inside"
	assert_eq 1000:1000 "$(get own "$OUT")" "$runtime: owner of /own inside"
	assert_no_match "*idmapped*" "$(get ownmnt "$OUT")" "$runtime: mount options of /own"
done
exit 0
