#!/bin/bash
# runc, hook at createRuntime, only the group differs (volume 1000:20): the
# container sees 1000:1000, writes, and its new files are 1000:20 on the host.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_runtime runc
need_hook

vol=$TEST_TMP/vol b=$TEST_TMP/bundle
make_volume "$vol" 1000 20
before=$(snapshot "$vol")
probe_bundle "$b" "$vol"
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook
expect_idmapped_rw runc "$b" "$vol" "$before" 1000:20
