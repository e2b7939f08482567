#!/bin/bash
# What plan shows is what a start does (issue 21, runc, and crun through the
# -crun symlink).  At createRuntime a first hook runs `oci-idmap-hook plan
# --state -`, then the hook runs.  The bundle: a 501:501 volume at /data
# (rbind, rshared; on the host a shared mount point) holding a tmpfs of the
# host's at sm, and inside it, after it in
# config.json, a read-only bind of a 1000:1000 directory (kept), a
# ro,noexec bind of a 501:501 directory (itself remapped) and a read-only
# tmpfs; /ro, a ro,nodev bind of a 501:501 volume; /plain, a bind of one.
# The plan validates against schemas/plan.schema.json, and for every mount
# of every tree it prints, the container at its start shows at that path:
#   - an idmapped mount exactly where the plan says idmap;
#   - exactly the flags (ro, nosuid, nodev, noexec, nosymfollow) the plan
#     says it ends with, and no fewer than the runtime alone gives it (a
#     control run without the hooks);
#   - the propagation type it has without the hook: the plan says the hook
#     gives each clone the type the runtime's mount has when the hook runs
#     (/data's tree is assembled from several clones, and /data is shared
#     again after it); whatever the runtime does after the hooks then does
#     the same to both (crun applies rootfsPropagation, rprivate by default,
#     to / after pivot_root; runc changes nothing, so there the final type
#     is the plan's too).
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
runtime=$(runtime_of_test)
need_runtime "$runtime"
need_hook
"$PY" -c 'import jsonschema' 2>/dev/null || skip "needs python3-jsonschema"

for v in vol ro plain own; do
	make_volume "$TEST_TMP/$v" 501 501
done
make_volume "$TEST_TMP/mine" 1000 1000
vol=$TEST_TMP/vol
mkdir "$vol/sm" "$vol/keep" "$vol/own" "$vol/tmp"
chown 501:501 "$vol/sm" "$vol/keep" "$vol/own" "$vol/tmp"
mount --bind "$vol" "$vol" && mount --make-shared "$vol" || fail "cannot make $vol shared"
mount -t tmpfs -o mode=0755,uid=501,gid=501 vol-sm "$vol/sm" || fail "cannot mount a tmpfs"

b=$TEST_TMP/bundle plan=$TEST_TMP/plan.json
make_bundle "$b"
bundle_user "$b" 1000 1000
bundle_args "$b" sh -c 'cat /proc/self/mountinfo'
bundle_bind "$b" "$vol" /data rbind rshared
bundle_bind "$b" "$TEST_TMP/mine" /data/keep bind ro
bundle_bind "$b" "$TEST_TMP/own" /data/own bind ro noexec
bundle_mount "$b" tmpfs tmpfs /data/tmp ro nosuid mode=0755
bundle_bind "$b" "$TEST_TMP/ro" /ro bind ro nodev
bundle_bind "$b" "$TEST_TMP/plain" /plain bind
mkdir "$b/rootfs/ro" "$b/rootfs/plain"

run_probe "$runtime" "$b" without
assert_eq 0 "$RC" "$runtime exit code without the hooks"
printf '%s\n' "$OUT" >"$TEST_TMP/without.txt"

# shellcheck disable=SC2016
bundle_hook "$b" createRuntime /bin/sh sh -c '"$0" plan --json --state - >"$1"' "$HOOK" "$plan"
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook
run_probe "$runtime" "$b" with
assert_eq 0 "$RC" "$runtime exit code with the hooks"
printf '%s\n' "$OUT" >"$TEST_TMP/with.txt"
[ -s "$plan" ] || fail "the plan hook wrote nothing to $plan"
why=$("$PY" "$REPO/tests/schema/validate.py" "$REPO/schemas/plan.schema.json" "$plan") ||
	fail "the plan is not valid against plan.schema.json: $why"

# One line per tree node that does not hold; the number of nodes checked.
report=$("$PY" -I -S - "$plan" "$TEST_TMP/without.txt" "$TEST_TMP/with.txt" "$runtime" <<-'EOF'
	import json, os, sys

	FLAGS = {"ro", "nosuid", "nodev", "noexec", "nosymfollow"}
	plan = json.load(open(sys.argv[1]))


	def unescape(s):
	    return s.encode().decode("unicode_escape")


	def table(path):
	    """Path -> (flags, idmapped, propagation) of the topmost mount there."""
	    top = {}
	    for line in open(path):
	        f = line.split()
	        if len(f) < 7 or "-" not in f:
	            continue
	        opts = set(f[5].split(","))
	        fields = f[6:f.index("-")]
	        prop = [w for w in ("shared", "master", "unbindable")
	                if any(x == w or x.startswith(w + ":") for x in fields)]
	        top[unescape(f[4])] = (opts & FLAGS, "idmapped" in opts,
	                               ",".join(prop).replace("master", "slave") or "private")
	    return top


	without, with_ = table(sys.argv[2]), table(sys.argv[3])
	checked = 0
	for m in plan["mounts"]:
	    if m["action"] != "idmap":
	        continue
	    if "tree" not in m:
	        print(m["destination"], "has no tree in the plan")
	    for n in m.get("tree", []):
	        p = n["path"]
	        checked += 1
	        if p not in with_ or p not in without:
	            print(p, "is not in the container's table")
	            continue
	        flags, idmapped, prop = with_[p]
	        if set(n["flags"]) != flags:
	            print(p, "plan says flags", sorted(n["flags"]), "the container has", sorted(flags))
	        if not set(without[p][0]) <= set(n["flags"]):
	            print(p, "plan's flags", sorted(n["flags"]), "fewer than the runtime's", sorted(without[p][0]))
	        if idmapped != (n["role"] == "idmap"):
	            print(p, "plan says", n["role"], "the container shows idmapped:", idmapped)
	        if prop != without[p][2] or (sys.argv[4] == "runc" and prop != n["propagation"]):
	            print(p, "propagation: plan", n["propagation"], "with", prop, "without", without[p][2])
	print("checked", checked)
EOF
) || fail "cannot compare the plan with the container's table"
assert_eq "" "$(grep -v '^checked ' <<<"$report")" "the plan against what the container shows"
# /data, sm, keep, own, tmp; /data/own again (its own tree entry); /ro; /plain.
assert_eq "checked 8" "$(grep '^checked ' <<<"$report")" "tree nodes compared"
expect_plan "$plan" /data/keep skip "*already matches*"
assert_eq '["ro", "nosuid", "noexec"]' "$(plan_q "$plan" "[n for n in m['/data']['tree'] if n['path'] == '/data/own'][0]['flags']")" \
	"plan: the flags /data/own ends with"
assert_eq assembled "$(plan_q "$plan" "m['/data']['tree'][0]['clone']")" "plan: how /data is cloned"
assert_match "shared*" "$(plan_q "$plan" "m['/data']['tree'][0]['propagation']")" "plan: propagation of /data"
assert_eq keep "$(plan_q "$plan" "[n for n in m['/data']['tree'] if n['path'] == '/data/keep'][0]['role']")" \
	"plan: role of /data/keep in /data's tree"
exit 0
