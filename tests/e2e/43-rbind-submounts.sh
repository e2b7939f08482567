#!/bin/bash
# An rbind source with submounts (runc and crun): the 501:501 volume holds a
# tmpfs (501:501) at t and a bind mount of another 501:501 directory at b, which
# holds a tmpfs of its own at b/n.  Inside, the whole tree is there and every
# part of it reads 1000:1000 through idmapped mounts; the container's writes
# land 501:501 on the host, in each filesystem.  With "bind" (not rbind) the
# runtime shows no submounts, and neither does the hook.  plan says idmap.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
need_hook
need_kernel tmpfs_idmap

vol=$TEST_TMP/vol other=$TEST_TMP/other
make_volume "$vol" 501 501
make_volume "$other" 501 501
mkdir "$vol/t" "$vol/b" "$other/n"
chown 501:501 "$vol/t" "$vol/b" "$other/n"
mount -t tmpfs -o mode=0755,uid=501,gid=501 vol-t "$vol/t" || fail "cannot mount a tmpfs"
printf 'on tmpfs\n' >"$vol/t/f"
mount --bind "$other" "$vol/b" || fail "cannot bind $other"
mount -t tmpfs -o mode=0755,uid=501,gid=501 vol-b-n "$vol/b/n" || fail "cannot mount a tmpfs"
printf 'deeper\n' >"$vol/b/n/f"
chown 501:501 "$vol/t/f" "$vol/b/n/f"
host_mounts=$(mounts_under "$vol")

# shellcheck disable=SC2016
TREE='for p in /data /data/t /data/t/f /data/b /data/b/hello /data/b/n /data/b/n/f; do
	stat -c "owner $p %u:%g" $p 2>&1
done
cat /data/t/f /data/b/n/f 2>&1
grep " /data" /proc/self/mountinfo | cut -d" " -f5,6 | sed "s/^/mnt /"
for d in /data /data/t /data/b/n; do
	if touch $d/new 2>/dev/null; then echo "write $d ok"; else echo "write $d fail"; fi
done'

# topmost PATH OUT: the options of the last (topmost) mount at PATH.
topmost() {
	grep "^mnt $1 " <<<"$2" | tail -n1 | cut -d' ' -f3
}

for runtime in runc crun; do
	need_runtime $runtime
	b=$TEST_TMP/bundle-$runtime
	make_bundle "$b"
	bundle_user "$b" 1000 1000
	bundle_args "$b" sh -c "$TREE"
	bundle_bind "$b" "$vol" /data rbind
	bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook

	plan=$TEST_TMP/plan-$runtime.json
	plan_to "$plan" "$b"
	expect_plan "$plan" /data idmap
	assert_eq false "$(plan_q "$plan" "'reason' in m['/data']")" "plan: a note on /data"

	run_probe $runtime "$b" rbind
	assert_eq 0 "$RC" "$runtime exit code"
	for p in /data /data/t /data/t/f /data/b /data/b/hello /data/b/n /data/b/n/f; do
		assert_match "*owner $p 1000:1000*" "$OUT" "$runtime: owner of $p inside"
	done
	assert_match "*on tmpfs*deeper*" "$OUT" "$runtime: content of the submounts"
	for p in /data /data/t /data/b /data/b/n; do
		assert_match "*idmapped*" "$(topmost $p "$OUT")" "$runtime: options of the topmost $p"
	done
	for d in /data /data/t /data/b/n; do
		assert_match "*write $d ok*" "$OUT" "$runtime: write into $d"
		assert_eq 501:501 "$(stat -c %u:%g "$vol/${d#/data}/new")" "$runtime: host owner of $d/new"
		rm -f "$vol/${d#/data}/new"
	done
	assert_eq "$host_mounts" "$(mounts_under "$vol")" "$runtime: the host's mounts under the volume"

	# "bind": no submounts, with or without the hook.
	"$PY" -I -S - "$b/config.json" <<-'EOF' || fail "cannot edit config.json"
		import json, sys
		spec = json.load(open(sys.argv[1]))
		for m in spec["mounts"]:
		    if m["destination"] == "/data":
		        m["options"] = ["bind"]
		json.dump(spec, open(sys.argv[1], "w"), indent=1)
	EOF
	run_probe $runtime "$b" bind
	assert_eq 0 "$RC" "$runtime exit code, bind"
	assert_match "*owner /data/t 1000:1000*" "$OUT" "$runtime, bind: owner of /data/t (the directory)"
	assert_match "*can't stat '/data/t/f'*" "$OUT" "$runtime, bind: /data/t/f"
	assert_eq 0 "$(grep -c '^mnt /data/' <<<"$OUT")" "$runtime, bind: mounts below /data"
	rm -f "$vol/new"
done
exit 0
