#!/bin/bash
# The owner rule (lib/owner.h), for groups (runc, and crun through the -crun
# symlink): through the hook the container user acts as a volume's owner
# and never as more.  The test makes host accounts (removed at exit):
# oih-team (group 7520), oih-owner (7501, primary group 7501, not in
# oih-team) and oih-member (7502, primary group oih-team).  One bundle, run
# as 1000:1000, binds:
#   /run/docker.sock  a socket 0:7520 0660 (as docker.sock is root:docker)
#   /secret           a file 0:7520 0640 (as /etc/shadow is root:shadow)
#   /team             a directory 0:7520 2775 (a setgid team directory)
#   /owned            a directory 7501:7520 0775, holding team/ 7501:7520 2775
#   /member           a directory 7502:7520 0755
# and tries to connect, read, and in each directory create a file and set
# its setgid bit.  Without the hook (the control) and with it: no connect
# (Permission denied), no read, nothing made in /team, and no setgid
# oih-team file on the host: root's volumes are left whole, and
# oih-owner's group stays oih-owner's.  With the hook the container user
# acts as oih-owner in /owned (sees 1000:7520; its files land as 7501:1000,
# the owner's uid and its own gid) and as oih-member in /member (sees
# 1000:1000; its files land as 7502:7520).  `plan` says why each volume or
# group was left, also where the uid already matches (the container user
# 7501 on /owned) and only the gid would differ.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
# shellcheck source=../helpers/host_accounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/host_accounts.sh"
runtime=$(runtime_of_test)
need_runtime "$runtime"
need_hook
need_host_accounts
need_cmd gcc find

UCONNECT=$REPO/build/tests/uconnect
if [ ! -x "$UCONNECT" ] || [ "$REPO/tests/helpers/uconnect.c" -nt "$UCONNECT" ]; then
	mkdir -p "$(dirname "$UCONNECT")"
	gcc -static -O2 -Wall -o "$UCONNECT.tmp.$$" "$REPO/tests/helpers/uconnect.c" ||
		fail "cannot build tests/helpers/uconnect.c (static)"
	mv -f "$UCONNECT.tmp.$$" "$UCONNECT"
fi

TEAM=7520 OWNER=7501 MEMBER=7502
host_group oih-team $TEAM
host_group oih-owner $OWNER
host_user oih-owner $OWNER $OWNER
host_user oih-member $MEMBER $TEAM

v=$TEST_TMP/vols
mkdir -p "$v"
"$PY" -I -S -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
	"$v/docker.sock" || fail "cannot make a socket"
chown 0:$TEAM "$v/docker.sock" && chmod 0660 "$v/docker.sock"
printf 'root:secret\n' >"$v/secret" && chown 0:$TEAM "$v/secret" && chmod 0640 "$v/secret"
mkdir "$v/team" && chown 0:$TEAM "$v/team" && chmod 2775 "$v/team"
mkdir -p "$v/owned/team" && chown $OWNER:$TEAM "$v/owned" "$v/owned/team" &&
	chmod 0775 "$v/owned" && chmod 2775 "$v/owned/team"
mkdir "$v/member" && chown $MEMBER:$TEAM "$v/member" && chmod 0755 "$v/member"
_open_path_to "$v"
before=$(snapshot "$v")

# shellcheck disable=SC2016
ACT='echo "id=$(id -u):$(id -g)"
echo "sock=$(/bin/uconnect /run/docker.sock)"
if err=$(cat /secret 2>&1); then echo "secret=read"; else echo "secret=fail:${err##*: }"; fi
for d in /team /owned /owned/team /member; do
	stat -c "owner $d=%u:%g" $d
	if err=$(touch $d/f 2>&1); then
		chmod g+s $d/f
		echo "write $d=ok"
		stat -c "new $d=%u:%g" $d/f
	else echo "write $d=fail:${err##*: }"; fi
done'

# groups_bundle BUNDLE UID GID: the bundle above, run as UID:GID.
groups_bundle() {
	make_bundle "$1"
	cp "$UCONNECT" "$1/rootfs/bin/uconnect"
	_spec "$1" user "$2" "$3" ';;' args sh -c "$ACT" ';;' \
		bind "$v/docker.sock" /run/docker.sock bind ';;' bind "$v/secret" /secret bind ';;' \
		bind "$v/team" /team rbind ';;' bind "$v/owned" /owned rbind ';;' \
		bind "$v/member" /member rbind
}

# What no run may leave: a setgid file of oih-team where the owner is not in
# it (oih-member is: its files are its to make setgid), anything in /team.
expect_no_more() {
	local what=$1
	assert_eq "" "$(find "$v/team" "$v/owned" -type f -perm -2000 -group $TEAM)" \
		"$what: setgid oih-team files on the host"
	assert_eq "" "$(find "$v/team" -mindepth 1)" "$what: what was made in the team directory"
	assert_eq "Permission denied" "$(get sock "$OUT")" "$what: connect to /run/docker.sock"
	assert_eq "fail:Permission denied" "$(get secret "$OUT")" "$what: read /secret"
	assert_eq 0:$TEAM "$(get "owner /team" "$OUT")" "$what: owner of /team inside"
	assert_eq "fail:Permission denied" "$(get "write /team" "$OUT")" "$what: create in /team"
	assert_kept "$before" "$v"
}

# Control: the runtime alone.
b=$TEST_TMP/bundle-without
groups_bundle "$b" 1000 1000
run_probe "$runtime" "$b" without
assert_eq 0 "$RC" "$runtime exit code without the hook"
expect_no_more "without the hook"
for d in /owned /owned/team /member; do
	assert_eq "fail:Permission denied" "$(get "write $d" "$OUT")" "without the hook: create in $d"
done

# With the hook: the plan says why, and the container is held to it.
b=$TEST_TMP/bundle-with
groups_bundle "$b" 1000 1000
log=$TEST_TMP/hook.log
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --strict --log-level info --log-file "$log"
plan=$TEST_TMP/plan.json
plan_to "$plan" "$b"
for d in /run/docker.sock /secret /team; do
	expect_plan "$plan" $d skip "source is owned by root; never handed to a container user"
done
expect_plan "$plan" /owned idmap \
	"group $TEAM left: owner $OWNER (oih-owner) is not in group $TEAM (oih-team)"
expect_plan "$plan" /member idmap ""

run_probe "$runtime" "$b" with
assert_eq 0 "$RC" "$runtime exit code with the hook"
expect_no_more "with the hook"
assert_eq 1000:$TEAM "$(get "owner /owned" "$OUT")" "owner of /owned inside"
assert_eq 1000:$TEAM "$(get "owner /owned/team" "$OUT")" "owner of /owned/team inside"
assert_eq 1000:1000 "$(get "owner /member" "$OUT")" "owner of /member inside"
for d in /owned /owned/team /member; do
	assert_eq ok "$(get "write $d" "$OUT")" "create in $d"
done
assert_eq $OWNER:1000 "$(stat -c %u:%g "$v/owned/f")" "owner of /owned/f on the host"
assert_eq $OWNER:$TEAM "$(stat -c %u:%g "$v/owned/team/f")" "owner of /owned/team/f on the host"
assert_eq $MEMBER:$TEAM "$(stat -c %u:%g "$v/member/f")" "owner of /member/f on the host"
assert_match "*info: /owned: idmap (owner $OWNER:$TEAM -> 1000:$TEAM); group $TEAM left: owner \
$OWNER (oih-owner) is not in group $TEAM (oih-team)*" "$(cat "$log")" "the hook's log of /owned"
assert_match "*info: /member: idmap (owner $MEMBER:$TEAM -> 1000:1000)
*" "$(cat "$log")" "the hook's log of /member"
assert_match "*info: /run/docker.sock: skip: source is owned by root; never handed to a container \
user*" "$(cat "$log")" "the hook's log of /run/docker.sock"
rm -f "$v/owned/f" "$v/owned/team/f" "$v/member/f"
assert_no_new "$before" "$v"

# The uid already matches, only the gid differs: the same rule.
b=$TEST_TMP/bundle-as-owner
groups_bundle "$b" $OWNER $OWNER
plan_to "$plan" "$b"
expect_plan "$plan" /owned skip "owner $OWNER:$TEAM: uid already matches the container user; \
group $TEAM left: owner $OWNER (oih-owner) is not in group $TEAM (oih-team)"
b=$TEST_TMP/bundle-as-member
groups_bundle "$b" $MEMBER $MEMBER
plan_to "$plan" "$b"
expect_plan "$plan" /member idmap ""
assert_eq "[$TEAM, $MEMBER, 1]" \
	"$(plan_q "$plan" "[e for e in m['/member']['gid_map'] if e[0] == $TEAM][0]")" \
	"plan: oih-member's /member hands oih-team to the container user"
