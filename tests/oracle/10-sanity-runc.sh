#!/bin/bash
# The oracle's self-check (runc; crun through the -crun symlink): each case
# run twice without the hook must show no difference, or the oracle's rules
# see noise.  ORACLE_SANITY_CASES (20) cases from ORACLE_SEED.
# shellcheck source=common.bash source-path=SCRIPTDIR
. "$(dirname "$0")/common.bash" "$@"
ORACLE_CASES=${ORACLE_SANITY_CASES:-20} oracle_main sanity
