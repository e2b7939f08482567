#!/bin/bash
# The owner rule and groups that only NSS knows (lib/owner.h), under runc
# (and crun through the -crun symlink).  In the test's own mount namespace,
# where the runtimes and the hook run, /etc/nsswitch.conf says "group: files
# systemd" (Debian 12's line) and systemd's userdb has a drop-in group
# rt20grp, 47777, which getent sees but /etc/group does not list.  A volume
# of 7601:47777 (7601 has no account here) goes to a uid-1000 container that
# makes a file and sets its setgid bit:
#  - without the hook it cannot write;
#  - with the hook the uid is handed over and the group left, plan says why,
#    and the file lands as 7601 with the container user's own gid: no
#    setgid-47777 file on the host (on main, the gid was swapped and it was
#    one);
#  - a 501:501 volume in the same container keeps its full swap.
# Then, with "group: files sss", a group missing from the files may exist
# anywhere: plan leaves the 501:501 volume's gid, saying why.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
runtime=$(runtime_of_test)
need_runtime "$runtime"
need_hook
need_cmd getent

[ -z "$(getent passwd 7601)" ] || skip "the host has an account 7601"
! grep -q '^[^:]*:[^:]*:47777:' /etc/group || skip "the host's /etc/group has 47777"

# nsswitch FILE_TEXT: bind a test nsswitch.conf over the host's.
nsswitch() {
	printf '%s\n' "$1" >"$TEST_TMP/nsswitch.conf.$2"
	mount --bind "$TEST_TMP/nsswitch.conf.$2" /etc/nsswitch.conf ||
		fail "cannot bind over /etc/nsswitch.conf"
}
nsswitch $'passwd: files systemd\ngroup: files systemd' systemd
mount -t tmpfs -o mode=0755 tmpfs /usr/local/lib || fail "cannot mount a tmpfs on /usr/local/lib"
mkdir /usr/local/lib/userdb
printf '{"groupName":"rt20grp","gid":47777}\n' >/usr/local/lib/userdb/rt20grp.group
ln -s rt20grp.group /usr/local/lib/userdb/47777.group
assert_eq "rt20grp:x:47777:" "$(getent group 47777)" "getent group 47777 (the host's NSS)"

team=$TEST_TMP/team foreign=$TEST_TMP/foreign
make_volume "$team" 7601 47777
chmod 0775 "$team"
make_volume "$foreign" 501 501
before=$(snapshot "$team")

# shellcheck disable=SC2016
ACT='echo "id=$(id -u):$(id -g)"
stat -c "team=%u:%g" /team
stat -c "foreign=%u:%g" /foreign
if err=$(touch /team/f 2>&1 && chmod 2755 /team/f); then echo made=ok; stat -c "f=%u:%g %a" /team/f
else echo "made=fail:${err##*: }"; fi'

nss_bundle() {
	make_bundle "$1"
	_spec "$1" user 1000 1000 ';;' args sh -c "$ACT" ';;' bind "$team" /team rbind \
		';;' bind "$foreign" /foreign rbind
}

nss_bundle "$TEST_TMP/without"
run_probe "$runtime" "$TEST_TMP/without" without
assert_eq 0 "$RC" "without the hook: $runtime exit code"
assert_eq 7601:47777 "$(get team "$OUT")" "without the hook: /team inside"
assert_eq "fail:Permission denied" "$(get made "$OUT")" "without the hook: a file in /team"
assert_no_new "$before" "$team"

b=$TEST_TMP/with
nss_bundle "$b"
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --strict
run_probe "$runtime" "$b" with
assert_eq 0 "$RC" "with the hook: $runtime exit code"
assert_eq 1000:47777 "$(get team "$OUT")" "with the hook: /team inside"
assert_eq 1000:1000 "$(get foreign "$OUT")" "with the hook: /foreign inside"
assert_eq ok "$(get made "$OUT")" "with the hook: a file in /team"
assert_eq "1000:1000 2755" "$(get f "$OUT")" "with the hook: the file inside"
assert_eq "7601:1000 2755" "$(stat -c '%u:%g %a' "$team/f")" "with the hook: the file on the host"
assert_eq "" "$(find "$team" -gid 47777 -perm -2000 -printf '%p ')" \
	"with the hook: setgid-47777 files on the host"
assert_kept "$before" "$team"
plan_to "$TEST_TMP/plan.json" "$b"
expect_plan "$TEST_TMP/plan.json" /team idmap "group 47777 left: owner 7601 has no account here \
and the host may have a group 47777: /usr/local/lib/userdb/47777.group, systemd's userdb"
expect_plan "$TEST_TMP/plan.json" /foreign idmap ""

umount /etc/nsswitch.conf
nsswitch $'passwd: files sss\ngroup: files sss' sss
plan_to "$TEST_TMP/plan-sss.json" "$b"
expect_plan "$TEST_TMP/plan-sss.json" /foreign idmap "group 501 left: owner 501 has no account \
here and the host may have a group 501: /etc/nsswitch.conf's group line lists sss, which is not read"
