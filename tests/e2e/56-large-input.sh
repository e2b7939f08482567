#!/bin/bash
# Valid input the runtimes accept starts with the hook as without it (runc
# and crun, each against a control): one config.json with a 70 KiB
# annotation (CRI-O copies pod annotations into the state), an annotation
# holding \u0000, an extension field nested 5000 deep that the hook never
# reads, 5000 mounts, and 5 MiB in all.  The volume at /data is idmapped,
# the 5000 others (root-owned) are skipped, and the hook says nothing worse
# than info.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_hook
MOUNTS=5000

vol=$TEST_TMP/vol empty=$TEST_TMP/empty
make_volume "$vol" 501 501
mkdir -p "$empty"
_open_path_to "$empty"

# big_config BUNDLE [HOOK-ARGV...]: add it all to BUNDLE/config.base.json
# (and the hook, if given) into BUNDLE/config.json.  Python cannot read
# the result back (too deep for it), so it is written from the base each time.
big_config() {
	"$PY" -I -S - "$1" "$empty" "$MOUNTS" "${@:2}" <<-'EOF' || fail "cannot write the config"
		import json, sys
		b, empty, n, hook = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
		path = b + "/config.json"
		spec = json.load(open(b + "/config.base.json"))
		if hook:
		    spec.setdefault("hooks", {}).setdefault("createRuntime", []).append(
		        {"path": hook[0], "args": hook[1:]})
		ann = spec.setdefault("annotations", {})
		ann["example.com/big"] = "x" * (70 * 1024)
		ann["example.com/nul"] = "before\u0000after"
		ann["example.com/pad"] = "p" * (5 * 1024 * 1024)
		deep = "[" * 5000 + "]" * 5000
		for i in range(n):
		    spec["mounts"].append({"destination": "/m%d" % i, "type": "bind",
		                           "source": empty, "options": ["bind"]})
		text = json.dumps(spec)
		text = text[:-1] + ', "example.com/deep": ' + deep + "}"
		open(path, "w").write(text)
	EOF
}

for rt in runc crun; do
	need_runtime $rt
	b=$TEST_TMP/b-$rt
	probe_bundle "$b" "$vol"
	cp "$b/config.json" "$b/config.base.json"
	big_config "$b"
	size=$(stat -c %s "$b/config.json")
	[ "$size" -gt $((5 * 1024 * 1024)) ] || fail "config.json is only $size bytes"
	run_probe $rt "$b" without
	assert_eq 0 "$RC" "$rt: exit code without the hook"
	assert_eq 501:501 "$(get data "$OUT")" "$rt: owner of /data without the hook"
	big_config "$b" "$HOOK" oci-idmap-hook --log-level info --log-file "$b.log"
	t0=$(date +%s%N)
	run_probe $rt "$b" with
	t1=$(date +%s%N)
	assert_eq 0 "$RC" "$rt: exit code"
	assert_eq 1000:1000 "$(get data "$OUT")" "$rt: owner of /data"
	assert_match "*idmapped*" "$(get mnt "$OUT")" "$rt: /data inside"
	assert_eq ok "$(get write "$OUT")" "$rt: write into /data"
	assert_match "*/data: idmapped*" "$(cat "$b.log")" "$rt: the log"
	assert_eq "$MOUNTS" "$(grep -c ': skip: source is owned by root' "$b.log")" "$rt: the skipped mounts"
	assert_no_match "*: error: *" "$(cat "$b.log")" "$rt: the log"
	rm -f "$vol/new"
	echo "$rt: config.json $size bytes, $MOUNTS mounts: $(((t1 - t0) / 1000000)) ms with the hook"
done
exit 0
