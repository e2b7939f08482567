#!/bin/bash
# Docker Engine (Debian's docker.io) with oci-idmap-runtime registered as
# runtime "idmap", one dockerd for the whole file, each case against a control
# run with plain runc:
#  - `--user 1000:1000 -v SRC:/data`: 1000:1000 inside, writes land 501:501;
#  - `-v SRC:/data:ro`: 1000:1000 inside, still read-only;
#  - a named volume (its data 501:501): the same as a bind;
#  - `--mount type=bind`: the same;
#  - the engine's /etc/hosts, /etc/hostname, /etc/resolv.conf (root's) stay
#    0:0 and not writable by the user;
#  - 10 `docker run` at once: all succeed and see their volume as their own;
#    afterwards no process of the hook or the wrapper, no mount of the
#    volumes, no shim of this daemon is left.
# shellcheck source=../helpers/engines.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/engines.sh" "$@"
need_engine docker
need_cmd tar

install_wrapper
# shellcheck disable=SC2119 # no extra dockerd options here
dockerd_start
busybox_image "$TEST_TMP/image"
tar -C "$TEST_TMP/image" -c . | DOCKER import - oih/busybox:test >/dev/null ||
	fail "docker import failed"

vol=$TEST_TMP/vol
make_volume "$vol" 501 501
before=$(snapshot "$vol")

# -v SRC:/data
drun control runc -v "$vol:/data"
expect_control "$vol" "$before"
expect_etc_kept control
drun bind idmap -v "$vol:/data"
expect_own "-v" "$vol" "$before"
expect_etc_kept "-v"

# -v SRC:/data:ro
drun ro idmap -v "$vol:/data:ro"
expect_own "-v :ro" "$vol" "$before" ro

# --mount type=bind
drun mount idmap --mount "type=bind,src=$vol,dst=/data"
expect_own "--mount type=bind" "$vol" "$before"

# A named volume whose data belongs to 501:501.
DOCKER volume create oih-named >/dev/null || fail "docker volume create failed"
nvol=$(DOCKER volume inspect -f '{{.Mountpoint}}' oih-named) || fail "docker volume inspect failed"
make_volume "$nvol" 501 501
nbefore=$(snapshot "$nvol")
drun named-control runc -v oih-named:/data
expect_control "$nvol" "$nbefore"
drun named idmap -v oih-named:/data
expect_own "named volume" "$nvol" "$nbefore"

# 10 at once, each with a volume of its own and the shared one.
N=10
for i in $(seq $N); do
	make_volume "$TEST_TMP/own-$i" 501 501
done
# shellcheck disable=SC2016 # expanded in the container
MANY='stat -c %u:%g /data/hello /shared/hello | tr "\n" " "; touch /data/c /shared/c-$1 && echo ok'
baseline=$(leftovers "$TEST_TMP")
pids=()
for i in $(seq $N); do
	timeout -k 5 "$CONTAINER_TIMEOUT" "$DOCKER_BIN" -H "unix://$DOCKER_SOCK" run --rm \
		--name "oih-many-$i-$$" --runtime idmap --network none --user 1000:1000 \
		-v "$TEST_TMP/own-$i:/data" -v "$vol:/shared" oih/busybox:test \
		sh -c "$MANY" sh "$i" >"$TEST_TMP/many-$i.out" 2>&1 &
	pids+=($!)
done
wait "${pids[@]}"
for i in $(seq $N); do
	assert_eq "1000:1000 1000:1000 ok" "$(cat "$TEST_TMP/many-$i.out")" "concurrent run $i"
	assert_eq 501:501 "$(stat -c %u:%g "$TEST_TMP/own-$i/c")" "run $i: its file on the host"
	assert_eq 501:501 "$(stat -c %u:%g "$vol/c-$i")" "run $i: its file in the shared volume"
done
assert_eq "" "$(DOCKER ps -aq)" "containers left"
assert_eq "$baseline" "$(leftovers "$TEST_TMP")" "processes and mounts left after the runs"
assert_eq "" "$(pgrep -f "containerd-shim.* -address $DOCKER_EXEC/")" "shims of this dockerd left"
exit 0
