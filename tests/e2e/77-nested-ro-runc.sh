#!/bin/bash
# Read-only mounts nested in an idmapped rbind volume stay read-only (issue
# 21, runc, and crun through the -crun symlink, which makes them read-only
# only after the createRuntime hooks).  A 501:501 volume at /data (rbind,
# rw), and after it in config.json, inside it, each read-only:
#   /data/match   a directory whose owner already matches (1000:1000)
#   /data/optout  a 501:501 directory opted out (io.oci-idmap-hook.skip)
#   /data/rootf   a file bind of a root-owned file anyone may write
#   /data/own     a file bind of a 501:501 file (itself remapped)
#   /data/tmp     a tmpfs
# Against a control run without the hook: none takes a write, and /data
# does; with the hook the same, /data and /data/own read 1000:1000, and the
# host's files behind the read-only binds are unchanged.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
runtime=$(runtime_of_test)
need_runtime "$runtime"
need_hook

vol=$TEST_TMP/vol match=$TEST_TMP/match optout=$TEST_TMP/optout
make_volume "$vol" 501 501
make_volume "$match" 1000 1000
make_volume "$optout" 501 501
for d in "$vol" "$match" "$optout"; do
	: >"$d/w"
	chmod 0666 "$d/w"
done
chown 1000:1000 "$match/w"
chown 501:501 "$optout/w" "$vol/w"
printf 'root file\n' >"$TEST_TMP/rootf"
chmod 0666 "$TEST_TMP/rootf"
printf 'own file\n' >"$TEST_TMP/own"
chmod 0666 "$TEST_TMP/own"
chown 501:501 "$TEST_TMP/own"
# The mount points, in the volume already: the runtime writes nothing there.
mkdir "$vol/match" "$vol/optout" "$vol/tmp"
: >"$vol/rootf"
: >"$vol/own"
chown 501:501 "$vol/match" "$vol/optout" "$vol/tmp" "$vol/rootf" "$vol/own"
snap() {
	snapshot "$vol"
	snapshot "$match"
	snapshot "$optout"
	stat -c '%n %u:%g %a %s' "$TEST_TMP/rootf" "$TEST_TMP/own"
	md5sum "$TEST_TMP/rootf" "$TEST_TMP/own"
}
before=$(snap)

# shellcheck disable=SC2016
LOOK='w() { if err=$(sh -c "echo x >>$1" 2>&1); then echo "write $1 ok"; else echo "write $1 fail:${err##*: }"; fi; }
w /data/w; w /data/match/w; w /data/optout/w; w /data/rootf; w /data/own; w /data/tmp/x
for p in /data /data/match /data/optout /data/own; do echo "owner $p $(stat -c %u:%g $p)"; done'

b=$TEST_TMP/bundle
make_bundle "$b"
bundle_user "$b" 1000 1000
bundle_args "$b" sh -c "$LOOK"
bundle_bind "$b" "$vol" /data rbind
bundle_bind "$b" "$match" /data/match bind ro
bundle_bind "$b" "$optout" /data/optout bind ro
bundle_bind "$b" "$TEST_TMP/rootf" /data/rootf bind ro
bundle_bind "$b" "$TEST_TMP/own" /data/own bind ro
"$PY" -I -S - "$b/config.json" <<-'EOF' || fail "cannot add the tmpfs"
	import json, sys
	spec = json.load(open(sys.argv[1]))
	spec["mounts"].append({"destination": "/data/tmp", "type": "tmpfs", "source": "tmpfs",
	                       "options": ["ro", "nosuid", "mode=0777"]})
	json.dump(spec, open(sys.argv[1], "w"), indent=1)
EOF
bundle_annotation "$b" io.oci-idmap-hook.skip /data/optout

run_probe "$runtime" "$b" without
assert_eq 0 "$RC" "$runtime exit code without the hook"
without=$OUT
assert_match "*write /data/w ok*" "$without" "without the hook"
for p in /data/match/w /data/optout/w /data/rootf /data/own /data/tmp/x; do
	assert_match "*write $p fail:Read-only file system*" "$without" "without the hook"
done
# The control's write to the volume, undone.
: >"$vol/w"
assert_eq "$before" "$(snap)" "the host's files after the control run"

bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook
run_probe "$runtime" "$b" with
assert_eq 0 "$RC" "$runtime exit code with the hook"
assert_eq "$(grep '^write ' <<<"$without")" "$(grep '^write ' <<<"$OUT")" \
	"what the container can write, without the hook and with"
assert_match "*owner /data 1000:1000*" "$OUT" "owner of /data inside"
assert_match "*owner /data/own 1000:1000*" "$OUT" "owner of /data/own inside"
assert_match "*owner /data/optout 501:501*" "$OUT" "owner of /data/optout inside (opted out)"
: >"$vol/w"
assert_eq "$before" "$(snap)" "the host's files after the run with the hook"
exit 0
