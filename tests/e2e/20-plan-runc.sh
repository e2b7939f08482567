#!/bin/bash
# plan and hook agree on a real runc container: at createRuntime, a first hook
# runs `oci-idmap-hook plan --json --state -` on the state runc sends, then the hook
# itself runs.  The mounts the container sees as idmapped are exactly the
# plan's idmap destinations (and show the container user as owner); the
# plan's skips show their source's host owner.  /other is left too: /skipme,
# the same source skipped by annotation, is another mount of its files
# without nosuid (lib/owner.h), which plan sees in the container.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_runtime runc
need_hook

b=$TEST_TMP/bundle plan=$TEST_TMP/plan.json
make_volume "$TEST_TMP/v501" 501 501
make_volume "$TEST_TMP/vroot" 0 0
make_volume "$TEST_TMP/vmine" 1000 1000
make_volume "$TEST_TMP/v502" 502 502
make_bundle "$b"
bundle_user "$b" 1000 1000
bundle_bind "$b" "$TEST_TMP/v501" /data
bundle_bind "$b" "$TEST_TMP/v501" /ro rbind ro
bundle_bind "$b" "$TEST_TMP/vroot" /rootvol
bundle_bind "$b" "$TEST_TMP/vmine" /mine
bundle_bind "$b" "$TEST_TMP/v502" /other
bundle_bind "$b" "$TEST_TMP/v502" /skipme
bundle_annotation "$b" io.oci-idmap-hook.skip /skipme
dests="/data /ro /rootvol /mine /other /skipme"
# shellcheck disable=SC2016
bundle_args "$b" sh -c 'for d in '"$dests"'; do stat -c "owner $d %u:%g" $d; done
grep idmapped /proc/self/mountinfo | cut -d" " -f5 | while read -r m; do echo "idmapped $m"; done'
# shellcheck disable=SC2016
bundle_hook "$b" createRuntime /bin/sh sh -c '"$0" plan --json --state - >"$1"' "$HOOK" "$plan"
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook

id=$(container_id plan-runc)
OUT=$(run_runc "$b" "$id")
assert_eq 0 "$?" "runc exit code"
[ -s "$plan" ] || fail "the plan hook wrote nothing to $plan"

assert_eq "$id" "$(plan_q "$plan" 'p["id"]')" "id in the plan (from runc's state)"
assert_eq "$b" "$(plan_q "$plan" 'p["bundle"]')" "bundle in the plan (from runc's state)"

planned=$(plan_q "$plan" '" ".join(sorted(m["destination"] for m in p["mounts"] if m["action"] == "idmap"))')
seen=$(grep '^idmapped ' <<<"$OUT" | cut -d' ' -f2 | sort | tr '\n' ' ')
assert_eq "/data /ro" "$planned" "the plan's idmap destinations"
assert_eq "/skipme, another mount of its filesystem without nosuid, shows its files: a setuid \
file made here would run there as the owner" \
	"$(plan_q "$plan" "[m['reason'] for m in p['mounts'] if m['destination'] == '/other'][0]")" \
	"the plan's reason for /other"
assert_eq "$planned " "$seen" "idmapped mounts in the container"

for d in $dests; do
	seen_owner=$(grep "^owner $d " <<<"$OUT" | cut -d' ' -f3)
	if [ "$(plan_q "$plan" "[m['action'] for m in p['mounts'] if m['destination'] == '$d'][0]")" = idmap ]; then
		assert_eq 1000:1000 "$seen_owner" "owner of idmapped $d inside"
	else
		src=$(plan_q "$plan" "[m['source'] for m in p['mounts'] if m['destination'] == '$d'][0]")
		assert_eq "$(stat -c %u:%g "$src")" "$seen_owner" "owner of skipped $d inside (its host owner)"
	fi
done
# The same plan as the table people read by default: a row per mount with
# its owner, action, and the owner the container user is shown.
"$HOOK" plan --bundle "$b" >"$TEST_TMP/plan.table" || fail "plan (table): exit $?"
row() { awk -v d="$1" '$1 == d { print $2, $3, $4 }' "$TEST_TMP/plan.table"; }
assert_eq "501:501 idmap 1000:1000" "$(row /data)" "plan table: /data"
assert_eq "0:0 skip -" "$(row /rootvol)" "plan table: /rootvol"
assert_eq "1000:1000 skip -" "$(row /mine)" "plan table: /mine"
assert_eq "$(plan_q "$plan" 'len(p["mounts"])')" "$(grep -c '^/' "$TEST_TMP/plan.table")" "plan table: a row per mount"
exit 0
