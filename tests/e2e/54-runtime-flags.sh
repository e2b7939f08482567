#!/bin/bash
# What the container sees is what the runtime mounted, only remapped (runc
# and crun, each against a control run without the hook).  A 501:501 volume
# with a tmpfs submount (501:501) at sub, mounted with:
#   - runc's recursive options rro, rnosuid, rnoexec, rnodev, and nosymfollow:
#     every restriction stays, on the volume and its submount (crun 1.8
#     ignores nosymfollow, with the hook as without);
#   - rbind,ro: the runtime makes only the top read-only (runc) and the
#     submount stays writable; the hook keeps it so;
#   - crun's own mapping as an option (idmap=uids=..;gids=..): the runtime's
#     mapping stays, the hook leaves the mount alone;
#   - one destination spelled twice (/data rw, then //data or /data/. ro, or
#     an image symlink /link -> /data): the runtime leaves /data read-only,
#     and so does the hook (it handles the one mount that is visible there).
# For each, the container's view (writes, exec, symlinks, device nodes) is
# the control's, and with the hook the volume reads 1000:1000 where it is
# idmapped.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
need_hook
need_kernel tmpfs_idmap

vol=$TEST_TMP/vol
make_volume "$vol" 501 501
mount -t tmpfs -o mode=0755,uid=501,gid=501 vol-sub "$vol/sub" || fail "cannot mount a tmpfs"
# In the volume and in its submount: a script, a symlink, a device node and a
# file anyone may write (so that writes tell ro from rw, idmapped or not).
for d in "$vol" "$vol/sub"; do
	printf '#!/bin/sh\necho ran\n' >"$d/run.sh"
	printf 'hello\n' >"$d/hello"
	ln -s hello "$d/link"
	mknod -m 0666 "$d/null" c 1 3 || fail "cannot make a device node"
	: >"$d/w"
	chmod 0755 "$d/run.sh"
	chmod 0666 "$d/w"
	chown -h 501:501 "$d/run.sh" "$d/hello" "$d/link" "$d/null" "$d/w"
done
before=$(snapshot "$vol")

# What the container can do at D (a path inside it): one line per probe.
# shellcheck disable=SC2016
LOOK='for d in "$@"; do
	if echo x >>$d/w 2>/dev/null; then echo "$d write ok"; else echo "$d write no"; fi
	if out=$($d/run.sh 2>/dev/null); then echo "$d exec $out"; else echo "$d exec no"; fi
	if cat $d/link >/dev/null 2>&1; then echo "$d symlink ok"; else echo "$d symlink no"; fi
	if echo x >>$d/null 2>/dev/null; then echo "$d dev ok"; else echo "$d dev no"; fi
	echo "$d owner $(stat -c %u:%g $d)"
done
grep -E " /(data|link)[ /]" /proc/self/mountinfo | while read -r _ _ _ _ t o _; do
	case $o in *idmapped*) echo "mnt $t idmapped" ;; *) echo "mnt $t plain" ;; esac
done'

# The lines of a view that the hook must not change (all but owners and idmapped).
behaviour() {
	grep -E ' (write|exec|symlink|dev) ' <<<"$1"
}

# run_pair RUNTIME NAME SETUP...: a bundle with SETUP (bundle edits, given as
# "bind SRC DST OPT..." words separated by ";"), run without and with the
# hook; sets WITHOUT and OUT.
run_pair() {
	local rt=$1 name=$2 b=$TEST_TMP/b-$1-$2
	shift 2
	make_bundle "$b"
	bundle_user "$b" 1000 1000
	bundle_args "$b" sh -c "$LOOK" sh /data /data/sub
	"$@" "$b"
	run_probe "$rt" "$b" "$name-without"
	assert_eq 0 "$RC" "$rt, $name: exit code without the hook"
	WITHOUT=$OUT
	bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --log-level info --log-file "$b.log"
	run_probe "$rt" "$b" "$name-with"
	assert_eq 0 "$RC" "$rt, $name: exit code"
	assert_eq "$(behaviour "$WITHOUT")" "$(behaviour "$OUT")" \
		"$rt, $name: what the container can do, without the hook and with"
	assert_kept "$(grep -v '/w ' <<<"$before")" "$vol"
}

for rt in runc crun; do
	need_runtime $rt

	# Recursive restrictions: each holds on the volume and on its submount.
	for opt in rro rnosuid rnoexec rnodev nosymfollow; do
		with_opt() { bundle_bind "$1" "$vol" /data rbind "$opt"; }
		run_pair $rt "$opt" with_opt
		assert_match "*/data owner 1000:1000*" "$OUT" "$rt, $opt: owner of /data"
		# The restriction is there (crun 1.8 ignores nosymfollow, with the
		# hook as without: the comparison above holds it to that).
		[ "$rt/$opt" != crun/nosymfollow ] || continue
		case $opt in
		rro) assert_match "*/data write no*/data/sub write no*" "$OUT" "$rt, $opt" ;;
		rnoexec) assert_match "*/data exec no*/data/sub exec no*" "$OUT" "$rt, $opt" ;;
		rnodev) assert_match "*/data dev no*/data/sub dev*" "$OUT" "$rt, $opt" ;;
		nosymfollow) assert_match "*/data symlink no*" "$OUT" "$rt, $opt" ;;
		esac
	done

	# rbind,ro: read-only on top, the submount as the runtime left it.
	rbind_ro() { bundle_bind "$1" "$vol" /data rbind ro; }
	run_pair $rt rbind-ro rbind_ro
	assert_match "*/data write no*" "$OUT" "$rt, rbind,ro: /data"
	assert_match "*/data owner 1000:1000*" "$OUT" "$rt, rbind,ro: owner of /data"
	if [ $rt = runc ]; then # runc: ro on top only, the submount stays rw
		assert_match "*/data/sub write ok*" "$WITHOUT" "$rt, rbind,ro: /data/sub without the hook"
		assert_match "*/data/sub write ok*" "$OUT" "$rt, rbind,ro: /data/sub"
	fi

	# One destination, spelled twice: the runtime's last mount is the one seen.
	for second in //data /data/. /link; do
		twice() {
			bundle_bind "$1" "$vol" /data rbind
			bundle_bind "$1" "$vol" "$second" rbind ro
			[ "$second" != /link ] || ln -s data "$1/rootfs/link"
		}
		run_pair $rt "twice-${second//\//_}" twice
		assert_match "*/data write no*" "$WITHOUT" "$rt, /data then $second ro, without the hook"
		assert_match "*/data write no*" "$OUT" "$rt, /data then $second ro: /data"
		assert_match "*/data owner 1000:1000*" "$OUT" "$rt, /data then $second ro: owner of /data"
		assert_match "*/data: skip: hidden by $second, which config.json mounts later*" \
			"$(cat "$TEST_TMP/b-$rt-twice-${second//\//_}.log")" "$rt, /data then $second: the log"
	done
done

# crun's own mapping as an option: crun maps the mount, the hook leaves it.
need_runtime crun
crun_idmap() {
	_spec "$1" add-namespace user ';;' uid-map 0 100000 65536 ';;' gid-map 0 100000 65536
	bundle_bind "$1" "$vol" /data rbind "idmap=uids=501-101000-1;gids=501-101000-1"
}
run_pair crun idmap-option crun_idmap
assert_eq "$(grep owner <<<"$WITHOUT")" "$(grep owner <<<"$OUT")" "crun idmap=: owners, without the hook and with"
assert_match "*/data owner 1000:1000*" "$OUT" "crun idmap=: crun's mapping"
assert_no_match "*/data: idmapped*" "$(cat "$TEST_TMP/b-crun-idmap-option.log")" "crun idmap=: the log"
exit 0
