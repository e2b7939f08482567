#!/bin/bash
# A destination swapped for a symlink between the runtime's mount and the
# hook.  An image cannot do that (it is data, read before the mounts), but a
# process that can write the rootfs or a shared volume at that moment can:
# root in another container sharing the volume, or another hook.  Simulated
# by a hook that runs just before ours (same createRuntime list), on the
# host: it renames the directory the runtime mounted on and leaves a symlink
# in its place (the runtime's mount moves with the directory).
# The hook must act only on the mount the runtime made inside the rootfs, or
# skip it: nothing is mounted outside the rootfs, no mount lands on another
# mount than the runtime's mount of that source, the host's mount table does
# not change, the container starts, and the volume keeps its data.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../helpers/hostile.sh
. "$REPO/tests/helpers/hostile.sh"
need_runtime runc
need_kernel attach_detached
need_hook

# The attacker: renames $1/$2 to $1/$2.moved and makes $1/$2 a symlink to $3.
# shellcheck disable=SC2016
SWAP='mv "$1/$2" "$1/$2.moved" && ln -s "$3" "$1/$2"'

# For each path argument: "PATH owner content-of-hello|-".
# shellcheck disable=SC2016
LOOK='for d in "$@"; do
	echo "$d $(stat -c %u:%g "$d/." 2>/dev/null || echo -) $(cat "$d/hello" 2>/dev/null || echo -)"
done'

# name | the symlink left in place of rootfs/data | the reason the hook skips
table='
absolute  | /etc                      | no mount at the destination
relative  | ../../../../../../../etc  | no mount at the destination
to-mount  | /proc                     | the mount at the destination is not the runtime'"'"'s mount
'
while IFS='|' read -r name target reason; do
	read -r name <<<"$name"
	[ -n "$name" ] || continue
	read -r target <<<"$target"
	reason=$(sed 's/^ *//; s/ *$//' <<<"$reason")
	what="rootfs /data -> $target ($name)"
	echo "case: $what"
	vol=$TEST_TMP/vol-$name b=$TEST_TMP/b-$name
	make_volume "$vol" 501 501
	before=$(snapshot "$vol")
	mkdir -p "$b"
	rootfs=$(cd "$b" && pwd -P)/rootfs
	watched_bundle "$b" "$SWAP" "$rootfs" data "$target"
	bundle_user "$b" 1000 1000
	bundle_args "$b" sh -c "$LOOK" sh /data.moved
	bundle_bind "$b" "$vol" /data
	run_watched runc "$b" "$name"

	assert_eq 0 "$RC" "$what: runc exit code"
	[ -L "$rootfs/data" ] || fail "$what: the attacker did not run"
	assert_eq "/data.moved 501:501 hello from the host" "$OUT" "$what: the volume inside (moved)"
	assert_contained "$b" "$rootfs"
	assert_eq "" "$(new_mounts "$b")" "$what: mounts the hook added"
	assert_match "*/data: *$reason*" "$LOG" "$what: the hook's log"
	assert_no_new "$before" "$vol"
done <<<"$table"

# Two mounts of one volume, /data and /other; /data is swapped for a symlink
# to /other.  Both destinations now lead to the runtime's mount of the same
# source: the hook may idmap there (it is that source, inside the rootfs).
what="rootfs /data -> /other, both mounts of the same volume"
echo "case: $what"
vol=$TEST_TMP/vol-same b=$TEST_TMP/b-same
make_volume "$vol" 501 501
before=$(snapshot "$vol")
mkdir -p "$b"
rootfs=$(cd "$b" && pwd -P)/rootfs
watched_bundle "$b" "$SWAP" "$rootfs" data /other
bundle_user "$b" 1000 1000
bundle_args "$b" sh -c "$LOOK" sh /data.moved /other
bundle_bind "$b" "$vol" /data
bundle_bind "$b" "$vol" /other
run_watched runc "$b" same
assert_eq 0 "$RC" "$what: runc exit code"
assert_contained "$b" "$rootfs"
assert_eq "/data.moved 501:501 hello from the host" "$(sed -n 1p <<<"$OUT")" "$what: /data.moved inside"
assert_match "/other * hello from the host" "$(sed -n 2p <<<"$OUT")" "$what: /other inside"
assert_no_new "$before" "$vol"

# A volume shared with an attacker: /data is volume 1, /data/sub volume 2 on
# top of it; the attacker (root elsewhere, sharing volume 1) swaps volume 1's
# sub for a symlink to /etc, absolute and relative.  The runtime's mount of
# volume 2 moves to /data/sub.moved.
n=0
for target in /etc ../../../../../../etc; do
	for opt in bind rbind; do
		what="volume sub -> $target, /data mounted with $opt"
		echo "case: $what"
		n=$((n + 1))
		v1=$TEST_TMP/shared-$n v2=$TEST_TMP/sub-$n b=$TEST_TMP/b-shared-$n
		make_volume "$v1" 501 501
		make_volume "$v2" 502 21
		printf 'volume 2\n' >"$v2/hello"
		before=$(snapshot "$v2")
		mkdir -p "$b"
		rootfs=$(cd "$b" && pwd -P)/rootfs
		watched_bundle "$b" "$SWAP" "$v1" sub "$target"
		bundle_user "$b" 1000 1000
		bundle_args "$b" sh -c "$LOOK" sh /data /data/sub.moved
		bundle_bind "$b" "$v1" /data "$opt"
		bundle_bind "$b" "$v2" /data/sub "$opt"
		run_watched runc "$b" "shared-$n"
		assert_eq 0 "$RC" "$what: runc exit code"
		[ -L "$v1/sub" ] || fail "$what: the attacker did not run"
		assert_contained "$b" "$rootfs"
		assert_match "*/data/sub: skip: no mount at the destination*" "$LOG" "$what: the hook's log"
		assert_match "*/data: idmapped*" "$LOG" "$what: the hook's log"
		assert_eq "/data 1000:1000 hello from the host" "$(sed -n 1p <<<"$OUT")" "$what: /data inside"
		# The clone of volume 1 is a clone of what the runtime mounted there,
		# volume 2 included, where the attacker moved it: still 502:21 (with
		# rbind it gets volume 1's map, which leaves 502:21 as it is).
		assert_eq "/data/sub.moved 502:21 volume 2" "$(sed -n 2p <<<"$OUT")" \
			"$what: volume 2 inside, where the attacker moved it"
		assert_no_new "$before" "$v2"
	done
done

# The race inside the hook: it found the runtime's mount at /data, and just
# before it resolves /data again to attach the clone there, /data becomes a
# symlink to /etc (the injector runs the swap at the hook's 2nd openat2 and
# only then lets the call run).  The clone must not land on /etc.
need_inject
what="rootfs /data -> /etc between the hook's check and its attach"
echo "case: $what"
vol=$TEST_TMP/vol-race b=$TEST_TMP/b-race
make_volume "$vol" 501 501
before=$(snapshot "$vol")
mkdir -p "$b"
rootfs=$(cd "$b" && pwd -P)/rootfs
WRAP=("$INJECT")
WRAP_ARGV=(inject --trace "$b.trace" --nth 2 --run "mv '$rootfs/data' '$rootfs/data.moved' && ln -s /etc '$rootfs/data'" openat2 none -- "$HOOK")
watched_bundle "$b"
WRAP=() WRAP_ARGV=()
bundle_user "$b" 1000 1000
bundle_args "$b" sh -c "$LOOK" sh /data.moved /etc
bundle_bind "$b" "$vol" /data
run_watched runc "$b" race
assert_eq 0 "$RC" "$what: runc exit code"
[ -L "$rootfs/data" ] || fail "$what: the attacker did not run"
assert_contained "$b" "$rootfs"
assert_eq "" "$(new_mounts "$b")" "$what: mounts the hook added"
assert_eq "/data.moved 501:501 hello from the host" "$(sed -n 1p <<<"$OUT")" "$what: the volume inside (moved)"
assert_eq "/etc 0:0 -" "$(sed -n 2p <<<"$OUT")" "$what: the container's /etc"
assert_match "*cannot idmap*/data: *" "$LOG" "$what: the hook's log"
assert_no_new "$before" "$vol"

# The same race inside a clone being assembled: /data (volume 1) and
# /data/sub (volume 2), both idmapped, so volume 2's clone is placed into
# volume 1's detached clone.  Just before the hook resolves sub in the
# runtime's tree to clone it (its 4th openat2: /data and /data/sub to look,
# /data again to clone it, then sub below it), an attacker sharing volume 1
# swaps volume 1's sub for a symlink to /etc.  Volume 2 must not land on
# /etc: nothing is attached, both stay as runc made them.
what="volume 1's sub -> /etc between the hook's check and the carry-over"
echo "case: $what"
v1=$TEST_TMP/race-1 v2=$TEST_TMP/race-2 b=$TEST_TMP/b-race-group
make_volume "$v1" 501 501
make_volume "$v2" 502 21
printf 'volume 2\n' >"$v2/hello"
before=$(snapshot "$v2")
mkdir -p "$b"
rootfs=$(cd "$b" && pwd -P)/rootfs
WRAP=("$INJECT")
WRAP_ARGV=(inject --trace "$b.trace" --nth 4 --run "mv '$v1/sub' '$v1/sub.moved' && ln -s /etc '$v1/sub'" openat2 none -- "$HOOK")
watched_bundle "$b"
WRAP=() WRAP_ARGV=()
bundle_user "$b" 1000 1000
bundle_args "$b" sh -c "$LOOK" sh /data /data/sub.moved /etc
bundle_bind "$b" "$v1" /data
bundle_bind "$b" "$v2" /data/sub
run_watched runc "$b" race-group
assert_eq 0 "$RC" "$what: runc exit code"
[ -L "$v1/sub" ] || fail "$what: the attacker did not run"
assert_contained "$b" "$rootfs"
assert_eq "" "$(new_mounts "$b")" "$what: mounts the hook added"
assert_eq "/data 501:501 hello from the host
/data/sub.moved 502:21 volume 2
/etc 0:0 -" "$OUT" "$what: what the container sees"
assert_match "*cannot idmap*/data: */data/sub: resolve sub beneath the mount: Too many levels of symbolic links*" \
	"$LOG" "$what: the hook's log"
assert_match "*cannot idmap*/data/sub: *" "$LOG" "$what: the hook's log"
assert_no_new "$before" "$v2"
