#!/bin/bash
# Docker Engine with --userns-remap=default: container ids 0..65535 are host
# R..R+65535 (R is 100000 on a fresh host: the subordinate ids of the user
# dockremap, which dockerd creates; the test removes it again if it did not
# exist before).  Through oci-idmap-runtime, against
# plain runc:
#  - a 501:501 volume (-v): the control sees 65534:65534 (501 is not mapped
#    in the container) and cannot write; with the hook the user sees
#    1000:1000 and writes, and its files land 501:501;
#  - the engine's /etc/hosts, /etc/hostname, /etc/resolv.conf, owned on the
#    host by the container's root (R:R): 0:0 inside and not
#    writable by the user, with and without the hook;
#  - a named volume, which the engine creates owned by the container's root:
#    the same.
# shellcheck source=../helpers/engines.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/engines.sh" "$@"
need_engine docker
need_cmd tar useradd userdel flock

# Another test run creating or removing dockremap at the same time would race.
host_lock dockremap
# shellcheck disable=SC2034 # read by _engines_cleanup
getent passwd dockremap >/dev/null || _engine_made_dockremap=1
install_wrapper
dockerd_start --userns-remap=default
[ -z "${_engine_made_dockremap:-}" ] || getent passwd dockremap >/dev/null ||
	fail "dockerd --userns-remap=default did not create dockremap"
busybox_image "$TEST_TMP/image"
tar -C "$TEST_TMP/image" -c . | DOCKER import - oih/busybox:test >/dev/null ||
	fail "docker import failed"
remap_root=$(DOCKER info -f '{{.DockerRootDir}}') || fail "docker info failed"
# <data-root>/R.R: the container's root on the host.
root_ids=${remap_root##*/}
case $root_ids in [1-9]*.[1-9]*) ;; *) fail "not remapped: data root $remap_root" ;; esac
root_ids=${root_ids/./:}

vol=$TEST_TMP/vol
make_volume "$vol" 501 501
before=$(snapshot "$vol")

drun control runc -v "$vol:/data"
expect_control "$vol" "$before" 65534:65534
expect_etc_kept control
drun remap idmap -v "$vol:/data"
expect_own "userns-remap -v" "$vol" "$before"
expect_etc_kept "userns-remap"

# The engine's files on the host (of a kept container): the container's
# root's, and not written to.
DOCKER create --name "oih-kept-$$" --runtime idmap --network none --user 1000:1000 \
	-v "$vol:/data" oih/busybox:test sh -c "$ETC" >/dev/null || fail "docker create failed"
OUT=$(timeout -k 5 "$CONTAINER_TIMEOUT" "$DOCKER_BIN" -H "unix://$DOCKER_SOCK" start -a "oih-kept-$$" 2>"$TEST_TMP/stderr")
# shellcheck disable=SC2034 # fail (lib.sh) shows it
ERR=$(cat "$TEST_TMP/stderr")
expect_etc_kept "userns-remap (kept container)"
cid=$(DOCKER inspect -f '{{.Id}}' "oih-kept-$$") || fail "docker inspect failed"
for f in hosts hostname resolv.conf; do
	assert_eq "$root_ids" "$(stat -c %u:%g "$remap_root/containers/$cid/$f")" \
		"owner of the engine's $f on the host"
	grep -qx x "$remap_root/containers/$cid/$f" && fail "the engine's $f was written to"
done
DOCKER rm "oih-kept-$$" >/dev/null

# A named volume: the engine creates it owned by the container's root.
DOCKER volume create oih-named >/dev/null || fail "docker volume create failed"
nvol=$(DOCKER volume inspect -f '{{.Mountpoint}}' oih-named) || fail "docker volume inspect failed"
assert_eq "$root_ids" "$(stat -c %u:%g "$nvol")" "owner of the named volume on the host"
printf 'hello from the host\n' >"$nvol/hello"
chown "$root_ids" "$nvol/hello"
nbefore=$(snapshot "$nvol")
for rt in runc idmap; do
	drun "named-$rt" $rt -v oih-named:/data
	assert_eq 0 "$RC" "named volume, $rt: docker run exit code"
	assert_eq 0:0 "$(get data "$OUT")" "named volume, $rt: owner of /data inside"
	assert_eq 0:0 "$(get hello "$OUT")" "named volume, $rt: owner of /data/hello inside"
	assert_no_match "*idmapped*" "$(get mnt "$OUT")" "named volume, $rt: mount options of /data"
	assert_eq "fail:Permission denied" "$(get write "$OUT")" "named volume, $rt: touch /data/new"
	assert_no_new "$nbefore" "$nvol"
done
exit 0
