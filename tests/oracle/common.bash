#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tests/oracle/common.bash: the body of every oracle test; NN-MODE-RUNTIME.sh
# sources it with MODE (hook | sanity).  In a private mount namespace (the
# containers' host, see tests/helpers/e2e_mounts.sh): a busybox rootfs with
# the probe, runc's base config.json, then tests/oracle/oracle.py.
# ORACLE_SEED, ORACLE_CASES, ORACLE_CASE select the cases (oracle.py).
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"

oracle_main() {
	local mode=$1 runtime here rootfs work d rerun
	runtime=$(runtime_of_test)
	here=$REPO/tests/oracle
	need_runtime "$runtime"
	[ "$mode" = sanity ] || need_hook
	need_idmap_mount
	"$PY" "$here/selftest.py" || fail "the oracle's rules fail their own test (selftest.py)"
	make_bundle "$TEST_TMP/base"
	rootfs=$TEST_TMP/base/rootfs work=$TEST_TMP/work
	install -m 0755 "$here/probe" "$rootfs/probe" || fail "cannot copy the probe"
	for d in v0 v1 v2 v3; do mkdir -p "$rootfs/$d"; done
	touch "$rootfs/f0" "$rootfs/f1"
	mkdir -p "$work" && chmod 0711 "$work"
	rerun="bash tests/oracle/$(basename "$0")"
	[ -z "${OCI_IDMAP_HOOK:-}" ] || rerun="OCI_IDMAP_HOOK=$OCI_IDMAP_HOOK $rerun"
	"$PY" "$here/oracle.py" --runtime "$runtime" ${mode:+"--$mode"} --hook "$HOOK" \
		--work "$work" --rootfs "$rootfs" --base-config "$TEST_TMP/base/config.json" \
		--idmap-mount "$IDMAP_MOUNT" --rerun "$rerun"
}
