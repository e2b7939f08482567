#!/bin/bash
# crun, hook at createRuntime: user 1000:1000 sees a 501:20 volume as its own,
# can write to it, and its new files are 501:20 on the host.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_runtime crun
need_hook

vol=$TEST_TMP/vol b=$TEST_TMP/bundle
make_volume "$vol" 501 20
before=$(snapshot "$vol")
probe_bundle "$b" "$vol"
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook
expect_idmapped_rw crun "$b" "$vol" "$before" 501:20
