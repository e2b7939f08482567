#!/bin/bash
# runc (and crun, through the -crun symlink), a container with its own user
# namespace (0..65535 -> host 100000..),
# hook at createRuntime: user 1000:1000 (host 101000) sees the 501:501 volume
# as 1000:1000, writes, and its new files are 501:501 on the host.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
runtime=$(runtime_of_test)
need_runtime "$runtime"
need_hook

vol=$TEST_TMP/vol b=$TEST_TMP/bundle
make_volume "$vol" 501 501
before=$(snapshot "$vol")
probe_bundle "$b" "$vol"
bundle_userns "$b" 100000 65536
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook
expect_idmapped_rw "$runtime" "$b" "$vol" "$before" 501:501
