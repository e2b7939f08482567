#!/bin/bash
# Hostile images: a mount destination that is a symlink in the image
# (absolute "/data -> /etc", relative and climbing, chained, a symlinked
# directory in the middle of the path) or that climbs with "..".  The runtime
# resolves the destination inside the rootfs; the hook must act on exactly
# the mount the runtime made there and on nothing else: its one new mount is
# idmapped, on top of the runtime's mount of the volume, inside the rootfs
# (the container's mount table just before and just after the hook), and
# the host's mount table does not change.  Under runc and crun.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../helpers/hostile.sh
. "$REPO/tests/helpers/hostile.sh"
need_hook
need_runtime runc
runtimes=runc
command -v crun >/dev/null && runtimes="runc crun"

# name | links to create in the image (path=target ...) | destination | where
# the container finds the volume
table='
absolute | /data=/etc                                          | /data            | /etc
relative | /data=../../../../../../../../srv                   | /data            | /srv
chained  | /data=/l1 /l1=l2 /l2=../../etc/../srv/../opt         | /data            | /opt
middle   | /d=../../../../..                                   | /d/srv/x         | /srv/x
dotdot   | -                                                   | /../../../srv/y  | /srv/y
'

for rt in $runtimes; do
	while IFS='|' read -r name links dest seen; do
		read -r name <<<"$name"
		[ -n "$name" ] || continue
		read -r dest <<<"$dest"
		read -r seen <<<"$seen"
		read -r -a links <<<"$links"
		what="$rt $name ($dest)"
		echo "case: $what"

		vol=$TEST_TMP/vol-$rt-$name b=$TEST_TMP/b-$rt-$name
		make_volume "$vol" 501 501
		before=$(snapshot "$vol")
		watched_bundle "$b"
		rootfs=$(cd "$b/rootfs" && pwd -P)
		mkdir -p "$rootfs/srv" "$rootfs/opt"
		for l in "${links[@]}"; do
			[ "$l" = - ] && continue
			rm -rf "$rootfs${l%%=*}"
			ln -s "${l#*=}" "$rootfs${l%%=*}"
		done
		bundle_user "$b" 1000 1000
		# shellcheck disable=SC2016 # expanded in the container
		bundle_args "$b" sh -c 'stat -c "%u:%g" "$1/hello"; cat "$1/hello"' sh "$seen"
		bundle_bind "$b" "$vol" "$dest"
		run_watched "$rt" "$b" "$rt-$name"

		assert_eq 0 "$RC" "$what: $rt exit code"
		assert_eq "1000:1000
hello from the host" "$OUT" "$what: $seen/hello inside (owner, content)"
		assert_contained "$b" "$rootfs"
		at=$(mount_point_of "$b" "$vol")
		assert_eq "$rootfs$seen" "$at" "$what: where $rt mounted the volume"
		mine=$(new_mounts "$b")
		assert_eq 1 "$(grep -c . <<<"$mine")" "$what: mounts the hook added: $mine"
		assert_eq "$at" "$(cut -d' ' -f5 <<<"$mine")" "$what: the hook's mount point"
		assert_match "*idmapped*" "$(cut -d' ' -f6 <<<"$mine")" "$what: the hook's mount"
		assert_no_new "$before" "$vol"
	done <<<"$table"
done
