#!/bin/bash
# The harness itself, without our hook: runc (crun through the -crun symlink)
# runs a stand-in hook at
# createRuntime and prestart with the OCI state on stdin, and a 1000:1000
# container sees a 501:501 volume as it is.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
runtime=$(runtime_of_test)
need_runtime "$runtime"

vol=$TEST_TMP/vol b=$TEST_TMP/bundle
make_volume "$vol" 501 501
probe_bundle "$b" "$vol"
# shellcheck disable=SC2016 # the stand-in hook: write stdin to $1
echo '#!/bin/sh
exec cat >"$1"' >"$TEST_TMP/record"
chmod 0755 "$TEST_TMP/record"
bundle_hook "$b" createRuntime "$TEST_TMP/record" record "$TEST_TMP/state.createRuntime"
bundle_hook "$b" prestart "$TEST_TMP/record" record "$TEST_TMP/state.prestart"

run_probe "$runtime" "$b" harness
assert_eq 0 "$RC" "$runtime exit code"
assert_eq 501:501 "$(get data "$OUT")" "owner of /data inside"
for stage in createRuntime prestart; do
	state=$(cat "$TEST_TMP/state.$stage" 2>/dev/null) || fail "no $stage hook ran"
	assert_match "*\"id\":\"$(container_id harness)\"*" "$state" "$stage state"
	assert_match "*\"pid\":[1-9]*" "$state" "$stage state"
	assert_match "*\"bundle\":\"$b\"*" "$state" "$stage state"
done
