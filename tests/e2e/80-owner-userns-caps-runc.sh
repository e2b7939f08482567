#!/bin/bash
# The owner rule under a user namespace (lib/owner.h), under runc (and crun
# through the -crun symlink): through the mount, the container's
# capabilities reach no on-disk id beyond the owner's.  A container with its
# own user namespace (0..65535 -> host 100000..) on a 501:501 volume that
# holds the owner's private file and a world-writable pub/ (1777):
#  - as its root with CAP_CHOWN, CAP_FOWNER, CAP_FSETID, CAP_DAC_OVERRIDE,
#    CAP_SETUID (root, or a user a setuid binary of the image makes root);
#  - as user 1000 with CAP_CHOWN, CAP_FOWNER, CAP_FSETID (ambient).
# Each makes a file, chowns it to the container's uid 5 and sets its setuid
# bit, chowns the owner's private file to 7, and has its uid 2000 write in
# pub/.  Without the hook the volume is 65534:65534 inside: nothing of it
# lands on disk but pub/'s file, as host 102000.  With the hook the volume
# is the container user's and its file lands as 501:501, but chown to any
# other id of the container fails (EOVERFLOW) and so does the write of uid
# 2000 in pub/ (the price of the rule): on the host no file of the
# container's range, and no setuid file but the owner's.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
runtime=$(runtime_of_test)
need_runtime "$runtime"
need_hook
need_ids

vol=$TEST_TMP/vol
make_volume "$vol" 501 501
printf 'owner secret\n' >"$vol/private"
mkdir "$vol/pub"
chown 501:501 "$vol/private" "$vol/pub"
chmod 0600 "$vol/private" && chmod 1777 "$vol/pub"
before=$(snapshot "$vol")

# shellcheck disable=SC2016
ACT='echo "id=$(id -u):$(id -g)"
stat -c "data=%u:%g" /data
try() { if err=$("$@" 2>&1); then echo ok; else echo "fail:${err##*: }"; fi; }
echo "make=$(try touch /data/f)"
echo "chown=$(try chown 5:5 /data/f)"
echo "setuid=$(try chmod 6755 /data/f)"
echo "private=$(try chown 7:7 /data/private)"
echo "other=$(try ids --as 2000 touch /data/pub/o)"'

# caps_bundle BUNDLE UID CAP...: ACT as UID:UID with CAPs.
caps_bundle() {
	make_bundle "$1"
	_spec "$1" user "$2" "$2" ';;' args sh -c "$ACT" ';;' bind "$vol" /data rbind
	bundle_userns "$1" 100000 65536
	bundle_caps "$1" "${@:3}"
	cp "$IDS" "$1/rootfs/bin/ids"
}

# expect_nothing_of_the_range WHAT: no file on the host of the container's
# range (100000..165535), no setuid or setgid file but the owner's.
expect_nothing_of_the_range() {
	assert_eq "" "$(find "$vol" \( -uid +99999 -o -gid +99999 \) -printf '%p %U:%G ')" \
		"$1: files of the container's range on the host"
	assert_eq "" "$(find "$vol" -perm /6000 ! -uid 501 -printf '%p %U:%G %m ')" \
		"$1: setuid or setgid files not the owner's"
	assert_kept "$before" "$vol"
}

for who in root user; do
	if [ $who = root ]; then
		uid=0 caps="CAP_CHOWN CAP_FOWNER CAP_FSETID CAP_DAC_OVERRIDE CAP_SETUID CAP_SETGID"
	else
		uid=1000 caps="CAP_CHOWN CAP_FOWNER CAP_FSETID CAP_SETUID CAP_SETGID"
	fi
	# shellcheck disable=SC2086 # caps: one word each
	caps_bundle "$TEST_TMP/$who-without" $uid $caps
	run_probe "$runtime" "$TEST_TMP/$who-without" "$who-without"
	assert_eq 0 "$RC" "$who without the hook: $runtime exit code"
	assert_eq "$uid:$uid" "$(get id "$OUT")" "$who without the hook: container user"
	assert_eq 65534:65534 "$(get data "$OUT")" "$who without the hook: /data inside"
	assert_eq "fail:Permission denied" "$(get make "$OUT")" "$who without the hook: touch"
	assert_match "fail:*" "$(get private "$OUT")" "$who without the hook: chown private"
	assert_eq ok "$(get other "$OUT")" "$who without the hook: uid 2000 in pub/"
	assert_eq 102000:102000 "$(stat -c %u:%g "$vol/pub/o")" \
		"$who without the hook: uid 2000's file on the host"
	rm -f "$vol/pub/o"
	expect_nothing_of_the_range "$who without the hook"

	b=$TEST_TMP/$who-with
	# shellcheck disable=SC2086
	caps_bundle "$b" $uid $caps
	bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --strict
	run_probe "$runtime" "$b" "$who-with"
	assert_eq 0 "$RC" "$who with the hook: $runtime exit code"
	assert_eq "$uid:$uid" "$(get data "$OUT")" "$who with the hook: /data inside"
	assert_eq ok "$(get make "$OUT")" "$who with the hook: touch"
	assert_eq "fail:Value too large for defined data type" "$(get chown "$OUT")" \
		"$who with the hook: chown to the container's uid 5"
	assert_eq ok "$(get setuid "$OUT")" "$who with the hook: setuid on the owner's file"
	assert_eq "fail:Value too large for defined data type" "$(get private "$OUT")" \
		"$who with the hook: chown of the owner's private file"
	assert_eq "fail:Value too large for defined data type" "$(get other "$OUT")" \
		"$who with the hook: uid 2000 in pub/"
	assert_eq "501:501 6755" "$(stat -c '%u:%g %a' "$vol/f")" "$who with the hook: f on the host"
	rm -f "$vol/f"
	expect_nothing_of_the_range "$who with the hook"
	plan=$TEST_TMP/plan-$who.json
	plan_to "$plan" "$b"
	expect_plan "$plan" /data idmap
	# 501 is the container user's host id; the container's other ids: none.
	assert_eq "[[0, 0, 501], [501, $((100000 + uid)), 1], [502, 502, 99498], \
[165536, 165536, 4294801759]]" "$(plan_q "$plan" 'm["/data"]["uid_map"]')" "$who: plan's uid map"
done
