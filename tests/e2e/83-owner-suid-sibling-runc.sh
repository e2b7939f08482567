#!/bin/bash
# The owner rule and setuid through another mount (lib/owner.h), under runc
# (and crun through the -crun symlink).  The owner's volume P/mac/proj
# (501:501) at /proj, and its parent P at /home as a plain bind without
# nosuid (as -v /home:/home:ro); P/mac/secret is 501's private file.  A
# uid-1000 container (no_new_privs off) copies a program into /proj, makes
# it setuid and runs it as /home/mac/proj/e on the secret:
#  - without the hook it cannot write /proj;
#  - with the hook on main it could, and the program ran as 501 through
#    /home and read the secret.  Now /proj is left as without the hook, plan
#    names /home, and nothing is planted;
#  - with /home nosuid, /proj is idmapped: the program is made, and runs as
#    the container user only.
# shellcheck source=../helpers/e2e_mounts.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/e2e_mounts.sh" "$@"
runtime=$(runtime_of_test)
need_runtime "$runtime"
need_hook
need_ids

P=$TEST_TMP/home
make_volume "$P/mac/proj" 501 501
chown 501:501 "$P/mac" && chmod 0755 "$P/mac"
printf 'id_rsa of 501\n' >"$P/mac/secret"
chown 501:501 "$P/mac/secret" && chmod 0600 "$P/mac/secret"
before=$(snapshot "$P")

# shellcheck disable=SC2016
ACT='echo "id=$(id -u):$(id -g)"
stat -c "proj=%u:%g" /proj
if err=$(cp /bin/ids /proj/e 2>&1 && chmod 4755 /proj/e); then echo planted=ok
else echo "planted=fail:${err##*: }"; fi
/home/mac/proj/e /home/mac/secret 2>&1 || echo ran=no'

# sibling_bundle BUNDLE [HOME_OPTION...]: P at /home, P/mac/proj at /proj.
sibling_bundle() {
	make_bundle "$1"
	_spec "$1" user 1000 1000 ';;' args sh -c "$ACT" ';;' bind "$P" /home rbind ro "${@:2}" \
		';;' bind "$P/mac/proj" /proj rbind
	"$PY" -I -S -c 'import json, sys
p = sys.argv[1]; s = json.load(open(p)); s["process"]["noNewPrivileges"] = False
json.dump(s, open(p, "w"))' "$1/config.json" || fail "cannot edit $1/config.json"
	cp "$IDS" "$1/rootfs/bin/ids"
}

# expect_not_planted WHAT: /proj was the owner's, nothing was made in it.
expect_not_planted() {
	assert_eq 0 "$RC" "$1: $runtime exit code"
	assert_eq 501:501 "$(get proj "$OUT")" "$1: /proj inside"
	assert_eq "fail:Permission denied" "$(get planted "$OUT")" "$1: planting in /proj"
	assert_eq "<missing euid>" "$(get euid "$OUT")" "$1: a program run from /home"
	assert_no_new "$before" "$P"
}

sibling_bundle "$TEST_TMP/without"
run_probe "$runtime" "$TEST_TMP/without" without
expect_not_planted "without the hook"

b=$TEST_TMP/with
sibling_bundle "$b"
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --strict
run_probe "$runtime" "$b" with
expect_not_planted "with the hook"
assert_no_match "*idmapped*" "$(grep " $P" /proc/self/mountinfo)" "the host's mounts"

# The plan the hook ran: its log says why /proj was left.
b=$TEST_TMP/with-log
sibling_bundle "$b"
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --log-level info --log-file "$TEST_TMP/hook.log"
run_probe "$runtime" "$b" with-log
assert_eq 0 "$RC" "with the log: $runtime exit code"
assert_match "*/proj*/home, another mount of its filesystem without nosuid, shows its files: a \
setuid file made here would run there as the owner*" "$(cat "$TEST_TMP/hook.log")" "the hook's log"

# /home nosuid: /proj is idmapped, and what is made there is no setuid 501.
b=$TEST_TMP/nosuid
sibling_bundle "$b" nosuid
bundle_hook "$b" createRuntime "$HOOK" oci-idmap-hook --strict
run_probe "$runtime" "$b" nosuid
assert_eq 0 "$RC" "/home nosuid: $runtime exit code"
assert_eq 1000:1000 "$(get proj "$OUT")" "/home nosuid: /proj inside"
assert_eq ok "$(get planted "$OUT")" "/home nosuid: a program in /proj"
assert_eq 1000 "$(get euid "$OUT")" "/home nosuid: euid of the program run from /home"
assert_eq "fail:Permission denied" "$(get read "$OUT")" "/home nosuid: the secret"
assert_eq "501:501 4755" "$(stat -c '%u:%g %a' "$P/mac/proj/e")" "/home nosuid: on the host"
