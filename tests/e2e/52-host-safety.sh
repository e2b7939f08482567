#!/bin/bash
# Host safety: the hook changes nothing on the host's volume; only what the
# container writes changes, and what it creates belongs to the volume's
# owner.  A volume tree (owner 501:501) with subdirectories, other owners
# (root, 777:777, a private 502:21 directory), a setuid file, a setgid
# directory, a hard link, symlinks (one to a host path), a fifo and an empty
# file is recorded (type, owner, mode, size, link target, content hash and
# mtime of every entry) before a runc container run, with the hook, and
# compared after it.  The container (1000:1000, sees the volume as its own)
# reads everything, appends to one file, writes to a world-writable file of
# another owner, creates a file and a directory, and fails to write where it
# may not.  Without and with a container user namespace.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_runtime runc
need_hook
need_cmd mkfifo md5sum find

# record DIR: one line per entry: path type owner mode size mtime link [md5].
# Directories' mtimes are left out: creating an entry changes its directory.
record() {
	(cd "$1" && find . -mindepth 1 -printf '%P %y %U:%G %m %s %T@ %l\n' | sort |
		while read -r p y owner mode size t link; do
			case $y in
			d) echo "$p $y $owner $mode" ;;
			f) echo "$p $y $owner $mode $size $t $(md5sum <"$p" | cut -d' ' -f1)" ;;
			*) echo "$p $y $owner $mode $size $t $link" ;;
			esac
		done)
}

make_tree() {
	local v=$1
	make_volume "$v" 501 501
	cp "$(command -v busybox)" "$v/setuid-tool"
	chown 501:501 "$v/setuid-tool" && chmod 4755 "$v/setuid-tool"
	mkdir "$v/shared" && chown 501:501 "$v/shared" && chmod 2775 "$v/shared"
	printf 'group data\n' >"$v/shared/g" && chown 501:501 "$v/shared/g"
	printf 'root only\n' >"$v/root-file" && chmod 0644 "$v/root-file"
	printf 'anyone\n' >"$v/sub/world-writable" && chown 777:777 "$v/sub/world-writable" &&
		chmod 0666 "$v/sub/world-writable"
	mkdir "$v/private" && printf 'secret\n' >"$v/private/s" && chown -R 502:21 "$v/private" &&
		chmod 0700 "$v/private"
	ln "$v/hello" "$v/hello-hardlink"
	ln -s hello "$v/link" && chown -h 501:501 "$v/link"
	ln -s /etc/shadow "$v/host-link"
	mkfifo "$v/fifo" && chown 501:501 "$v/fifo"
	: >"$v/empty" && chown 501:501 "$v/empty"
	# mtimes in the past: any write would show even within the same second.
	find "$v" -type f -exec touch -h -d '2020-01-01 00:00:00' {} +
}

# What the container does, as 1000:1000; prints one line per check.
# shellcheck disable=SC2016
ACT='cd /data || exit 1
id=$(id -u):$(id -g)
echo "id $id"
echo owner $(stat -c %u:%g . hello setuid-tool shared link fifo empty)
echo mode $(stat -c %a setuid-tool shared)
cat hello hello-hardlink link shared/g sub/deep notes.txt empty setuid-tool >/dev/null && echo read=ok
echo "from the container" >>notes.txt && echo append=ok
echo "written by the container" >>sub/world-writable && echo other-owner=ok
echo "new" >new.txt && mkdir newdir && echo "inner" >newdir/inner && echo "g" >shared/new && echo create=ok
(echo x >>root-file) 2>/dev/null && echo root-file=WRITTEN
(ls private) >/dev/null 2>&1 && echo private=READ
(cat host-link) >/dev/null 2>&1 && echo host-link=READ
echo done'

for mode in plain userns; do
	echo "case: $mode"
	vol=$TEST_TMP/vol-$mode b=$TEST_TMP/b-$mode
	make_tree "$vol"
	before=$(record "$vol")
	[ "$(grep -c . <<<"$before")" = 16 ] || fail "the tree was not made: $before"
	make_bundle "$b"
	bundle_user "$b" 1000 1000
	bundle_args "$b" sh -c "$ACT"
	bundle_bind "$b" "$vol" /data
	[ $mode = userns ] && bundle_userns "$b" 100000 65536
	bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook
	OUT=$(run_runc "$b" "$(container_id "$mode")" 2>"$TEST_TMP/stderr")
	RC=$? ERR=$(cat "$TEST_TMP/stderr")
	assert_eq 0 "$RC" "$mode: runc exit code"
	assert_eq "id 1000:1000
owner 1000:1000 1000:1000 1000:1000 1000:1000 1000:1000 1000:1000 1000:1000
mode 4755 2775
read=ok
append=ok
other-owner=ok
create=ok
done" "$OUT" "$mode: what the container saw and did"

	after=$(record "$vol")
	# Changed: the two files written; new: what was created.  Nothing else.
	changed=$(comm -13 <(echo "$before") <(echo "$after") | cut -d' ' -f1 | tr '\n' ' ')
	gone=$(comm -23 <(echo "$before") <(echo "$after") | cut -d' ' -f1 | tr '\n' ' ')
	assert_eq "new.txt newdir newdir/inner notes.txt shared/new sub/world-writable " "$changed" \
		"$mode: entries new or changed on the host"
	assert_eq "notes.txt sub/world-writable " "$gone" "$mode: entries whose old record is gone"
	for p in newdir newdir/inner new.txt shared/new notes.txt; do
		assert_eq 501:501 "$(stat -c %u:%g "$vol/$p")" "$mode: owner of $p on the host"
	done
	assert_eq 777:777 "$(stat -c %u:%g "$vol/sub/world-writable")" "$mode: owner of sub/world-writable"
	assert_eq "line one
line two
from the container" "$(cat "$vol/notes.txt")" "$mode: notes.txt on the host"
	assert_eq 4755 "$(stat -c %a "$vol/setuid-tool")" "$mode: mode of the setuid file"
done
