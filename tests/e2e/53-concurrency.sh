#!/bin/bash
# Concurrency: 16 runc containers with 4 volumes each (two volumes shared by
# all of them, 501:501 and 502:502, and two of their own, 503:503 and 504:504),
# started at the same moment.  Every container sees all four as 1000:1000
# through idmapped mounts and writes to each; the host gets 501:501 .. 504:504
# files.  Afterwards nothing of the hook is left: no process and no user
# namespace.  The run happens in a PID namespace and a mount namespace of its
# own: every process left in it is a leftover (the hook's user namespaces
# live only as long as the short-lived children that hold them), and so is
# any user namespace other than the host's, and any nsfs mount.
# shellcheck source=../lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../lib.sh"
need_runtime runc
need_hook
need_cmd unshare

N=16
# shellcheck disable=SC2016
PROBE4='for d in /s1 /s2 /o1 /o2; do
	m=$(grep " $d " /proc/self/mountinfo | tail -n1 | cut -d" " -f6)
	case $m in *idmapped*) m=idmapped ;; *) m=plain ;; esac
	echo "$d $(stat -c %u:%g "$d" "$d/hello" | tr "\n" " ")$m $(echo "$1" >"$d/from-$1" && echo write=ok)"
done'

make_volume "$TEST_TMP/shared-1" 501 501
make_volume "$TEST_TMP/shared-2" 502 502
for i in $(seq 1 $N); do
	b=$TEST_TMP/b$i
	make_volume "$TEST_TMP/own-$i-1" 503 503
	make_volume "$TEST_TMP/own-$i-2" 504 504
	make_bundle "$b"
	_spec "$b" user 1000 1000 ';;' args sh -c "$PROBE4" sh "c$i" ';;' \
		bind "$TEST_TMP/shared-1" /s1 rbind ';;' bind "$TEST_TMP/shared-2" /s2 rbind ';;' \
		bind "$TEST_TMP/own-$i-1" /o1 rbind ';;' bind "$TEST_TMP/own-$i-2" /o2 rbind ';;' \
		hook createRuntime "$HOOK" oci-idmap-hook --log-level info --log-file "$b.log"
done

# Inside the namespaces (pid 1 there): start all, release them at once, wait,
# then report what is left.
# shellcheck disable=SC2016
INNER='n=$1 tmp=$2 root=$tmp/state/conc
mount --make-rprivate / || exit 125
mkdir -p "$root"
self_userns=$(readlink /proc/self/ns/user)
nsfs_before=$(grep -c " nsfs " /proc/self/mountinfo)
for i in $(seq 1 "$n"); do
	(while [ ! -e "$tmp/go" ]; do sleep 0.02; done
	runc --root "$root" run --bundle "$tmp/b$i" "oih-conc-$i-$$" </dev/null >"$tmp/out$i" 2>"$tmp/err$i"
	echo $? >"$tmp/rc$i"
	runc --root "$root" delete -f "oih-conc-$i-$$" >/dev/null 2>&1) &
done
sleep 0.2
touch "$tmp/go"
wait
sleep 0.2 # let the last orphan, if any, be reparented here
for p in /proc/[0-9]*; do
	pid=${p#/proc/}
	[ "$pid" = 1 ] || [ "$pid" = "$BASHPID" ] || [ "$pid" = "$$" ] && continue
	[ -e "$p/comm" ] || continue
	echo "left: pid $pid $(cat "$p/comm" 2>/dev/null) $(tr "\0" " " <"$p/cmdline" 2>/dev/null)"
done
for u in /proc/[0-9]*/ns/user; do
	t=$(readlink "$u" 2>/dev/null) || continue
	[ "$t" = "$self_userns" ] || echo "left: user namespace $t (${u%/ns/user})"
done
[ "$(grep -c " nsfs " /proc/self/mountinfo)" = "$nsfs_before" ] || echo "left: nsfs mounts"
exit 0'

left=$(timeout -k 5 120 unshare -p -f -m --mount-proc bash -c "$INNER" inner "$N" "$TEST_TMP" </dev/null)
rc=$?
assert_eq 0 "$rc" "the run in its own namespaces"

for i in $(seq 1 $N); do
	OUT=$(cat "$TEST_TMP/out$i") ERR=$(cat "$TEST_TMP/err$i")
	assert_eq 0 "$(cat "$TEST_TMP/rc$i")" "container $i: runc exit code"
	for d in s1 s2 o1 o2; do
		assert_eq "/$d 1000:1000 1000:1000 idmapped write=ok" "$(grep "^/$d " <<<"$OUT")" \
			"container $i: /$d inside"
	done
	assert_eq "$(printf '%s: idmapped\n' /s1 /s2 /o1 /o2)" \
		"$(grep -o '/[so][12]: idmapped$' "$TEST_TMP/b$i.log")" "container $i: the hook's log"
	assert_eq 501:501 "$(stat -c %u:%g "$TEST_TMP/shared-1/from-c$i")" "container $i: its file on shared-1"
	assert_eq 502:502 "$(stat -c %u:%g "$TEST_TMP/shared-2/from-c$i")" "container $i: its file on shared-2"
	assert_eq 503:503 "$(stat -c %u:%g "$TEST_TMP/own-$i-1/from-c$i")" "container $i: its file on own-1"
	assert_eq 504:504 "$(stat -c %u:%g "$TEST_TMP/own-$i-2/from-c$i")" "container $i: its file on own-2"
done
OUT='' ERR=''
assert_eq "" "$left" "what is left after all containers exited"
echo "$N containers, $((N * 4)) idmapped mounts, nothing left"
