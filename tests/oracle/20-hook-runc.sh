#!/bin/bash
# The oracle with the hook (tests/oracle/oracle.py: the rules), runc; crun
# through the -crun symlink.  ORACLE_CASES (150) cases from ORACLE_SEED.
# shellcheck source=common.bash source-path=SCRIPTDIR
. "$(dirname "$0")/common.bash" "$@"
oracle_main ""
