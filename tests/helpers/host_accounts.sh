#!/bin/bash
# tests/helpers/host_accounts.sh: host accounts and groups a test makes and
# removes (the owner rule reads /etc/passwd and /etc/group: lib/owner.h).
# Source it after lib.sh.
#
# Test runs sharing the host take turns (the lock 66-podman-rootless takes
# too), for the whole test.  Each account or group is removed when the test
# exits, however it ends (at_exit); one that a killed run left behind (same
# name and id, and for an account the comment HOST_ACCOUNT_MARK) is removed
# before it is made again.  Any other account or group with that name or id
# fails the test: it is not ours.

HOST_ACCOUNT_MARK="oci-idmap-hook test account"

need_host_accounts() {
	need_root
	need_cmd useradd userdel groupadd groupdel flock
	exec 8>>/tmp/oci-idmap-hook.useradd.lock || fail "cannot open the useradd lock"
	flock -w 600 8 || fail "waited 10 minutes for the useradd lock"
}

# host_group NAME GID
host_group() {
	local name=$1 gid=$2 have
	have=$(awk -F: -v n="$name" -v g="$gid" '$1 == n || $3 == g { print $1 ":" $3 }' /etc/group)
	if [ -n "$have" ]; then
		[ "$have" = "$name:$gid" ] || fail "the host has group $have, where the test makes $name:$gid"
		groupdel "$name" || fail "cannot remove group $name, left by an earlier run"
	fi
	groupadd -g "$gid" "$name" || fail "cannot make group $name ($gid)"
	at_exit _host_groupdel "$name"
}

# host_user NAME UID PRIMARY_GID: an account with no home, no login, no
# subordinate ids.
host_user() {
	local name=$1 uid=$2 gid=$3 have
	have=$(awk -F: -v n="$name" -v u="$uid" '$1 == n || $3 == u { print $1 ":" $3 ":" $5 }' /etc/passwd)
	if [ -n "$have" ]; then
		[ "$have" = "$name:$uid:$HOST_ACCOUNT_MARK" ] ||
			fail "the host has account $have, where the test makes $name ($uid)"
		_host_userdel "$name"
	fi
	useradd -u "$uid" -g "$gid" -M -N -d /nonexistent -s /usr/sbin/nologin \
		-c "$HOST_ACCOUNT_MARK" -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$name" ||
		fail "cannot make account $name ($uid)"
	at_exit _host_userdel "$name"
}

# userdel also removes a group named as the account when it is left empty.
_host_userdel() {
	userdel "$1" 2>/dev/null || echo "warning: cannot remove account $1" >&2
}

_host_groupdel() {
	! grep -q "^$1:" /etc/group || groupdel "$1" || echo "warning: cannot remove group $1" >&2
}
