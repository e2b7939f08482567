#!/bin/sh
# shellcheck shell=dash
# tests/kernels/cases.sh: the kernel-dependent end-to-end cases, run inside a
# guest (busybox sh, as root) by tests/kernels/init.sh, with runc and crun.
# Each expectation is chosen by what this kernel can do, probed first by
# doing it (never by its version), so the same list runs on every kernel:
#   ext4_idmap        an ext4 directory can be idmapped (idmap_mount)
#   tmpfs_idmap       a tmpfs can be idmapped (Linux 6.3)
#   attach_detached   a mount can be moved into a detached tree (6.15)
#   statmount_maps    statmount reports a mount's maps (6.15)
#   open_tree_attr    open_tree_attr exists (6.15)
# Results go to the console: "@@ PASS name", "@@ FAIL name" with "@@   "
# lines saying what differed, "@@ features ...", and at the end
# "@@ guest: N passed, N failed, N known to fail".  A case whose expectation
# this kernel is known not to meet yet says so (known_bug): it is then
# "@@ XFAIL name: why", and "@@ XPASS" (a failure: remove the mark) once it
# passes.  CASES (from the kernel command line, see tests/kernels/run.sh)
# keeps the cases whose name contains one of its words, commas between.
# Volume owners: 501:501, no account or group of that id anywhere (a full
# swap), for a container user 1000:1000.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin LC_ALL=C
K=/k
HOOK=$K/oci-idmap-hook
ROOTFS=$K/rootfs
CASES=$(echo "${CASES:-}" | tr , " ")
passed=0 failed=0 xfailed=0 errs='' bug=''

# --- outcome --------------------------------------------------------------------

# expect WHAT EXPECTED ACTUAL: note a difference.
expect() {
	[ "$2" = "$3" ] || errs="$errs
$1: expected '$2', got '$3'"
}

# expect_glob WHAT GLOB ACTUAL
expect_glob() {
	# shellcheck disable=SC2254
	case $3 in $2) ;; *) errs="$errs
$1: '$3' does not match '$2'" ;; esac
}

# expect_no_glob WHAT GLOB ACTUAL
expect_no_glob() {
	# shellcheck disable=SC2254
	case $3 in $2) errs="$errs
$1: '$3' matches '$2'" ;; esac
}

# wanted NAME: is case NAME in CASES (all when CASES is empty)?
wanted() {
	[ -z "$CASES" ] && return 0
	for w in $CASES; do
		case $1 in *"$w"*) return 0 ;; esac
	done
	return 1
}

# known_bug WHY: this case's expectation is not met on this kernel yet.
known_bug() {
	bug=$*
}

# done_case NAME: PASS, FAIL (with what differed), XFAIL or XPASS, and the
# case's seconds (since case_t0).
done_case() {
	local secs=$(($(date +%s) - case_t0))
	if [ -z "$errs" ] && [ -z "$bug" ]; then
		passed=$((passed + 1))
		echo "@@ PASS $1 (${secs}s)"
	elif [ -z "$errs" ]; then
		failed=$((failed + 1))
		echo "@@ XPASS $1 (${secs}s): passes, though marked: $bug (remove the mark)"
	elif [ -n "$bug" ]; then
		xfailed=$((xfailed + 1))
		echo "@@ XFAIL $1 (${secs}s): known: $bug"
		printf '%s\n' "$errs" | sed '/^$/d; s/^/@@     /'
	else
		failed=$((failed + 1))
		echo "@@ FAIL $1 (${secs}s)"
		printf '%s\n' "$errs" | sed '/^$/d; s/^/@@     /'
	fi
	errs='' bug=''
}

# --- features -------------------------------------------------------------------

# can_idmap DIR: an idmapped clone of DIR can be made (and is undone).
can_idmap() {
	mkdir -p /tmp/probe-at
	"$K/idmap_mount" "$1" /tmp/probe-at "0 1 1" 2>/dev/null || return 1
	umount /tmp/probe-at
}

# has FEATURE: yes or no, probed once at the start (F_<feature>).
has() {
	eval "[ \"\$F_$1\" = yes ]"
}

probe_features() {
	mkdir -p /vol/probe /tmp/probe-tmpfs
	mount -t tmpfs probe /tmp/probe-tmpfs
	F_ext4_idmap=no F_tmpfs_idmap=no F_attach_detached=no F_statmount_maps=no F_open_tree_attr=no
	can_idmap /vol/probe && F_ext4_idmap=yes
	can_idmap /tmp/probe-tmpfs && F_tmpfs_idmap=yes
	umount /tmp/probe-tmpfs
	for f in attach_detached statmount_maps open_tree_attr; do
		if "$K/kprobe" $f >/dev/null; then eval "F_$f=yes"; else eval "F_$f=no"; fi
	done
	echo "@@ features ext4_idmap=$F_ext4_idmap tmpfs_idmap=$F_tmpfs_idmap" \
		"attach_detached=$F_attach_detached statmount_maps=$F_statmount_maps" \
		"open_tree_attr=$F_open_tree_attr"
}

# --- volumes ---------------------------------------------------------------------

# volume DIR: hello, notes.txt and sub/deep, all 501:501.
volume() {
	mkdir -p "$1/sub"
	echo 'hello from the host' >"$1/hello"
	echo 'deep' >"$1/sub/deep"
	chown -R 501:501 "$1"
	chmod 0755 "$1" "$1/sub"
}

# snap DIR: owner, mode, size and content of every entry under DIR (a few
# processes: each one costs under TCG).
snap() {
	(cd "$1" && find . -exec stat -c '%n %u:%g %a %s' {} + | sort &&
		find . -type f -exec md5sum {} + | sort)
}

setup_volumes() {
	volume /vol/data
	volume /vol/cache
	volume /vol/cache2
	chown -R 502:502 /vol/cache2
	mkdir /vol/data/cache
	chown 501:501 /vol/data/cache
	echo 'from the cache' >/vol/cache/cf
	chown 501:501 /vol/cache/cf
	# A tmpfs volume.
	mkdir -p /tvol
	mount -t tmpfs -o mode=0755,uid=501,gid=501 tvol /tvol
	volume /tvol
	# An idmapped view of /vol/disk: 501 shows as 2000 and 2000 as 501.
	volume /vol/disk
	mkdir -p /vol/idm
	swap="0 0 501
501 2000 1
502 502 1498
2000 501 1
2001 2001 4294965294"
	"$K/idmap_mount" /vol/disk /vol/idm "$swap" || echo "@@ setup: idmap_mount failed"
	# rbind trees: /vol/tree with an ext4 submount, /vol/ttree with a tmpfs one.
	volume /vol/tree
	volume /vol/subvol
	mkdir /vol/tree/in
	chown 501:501 /vol/tree/in
	mount --bind /vol/subvol /vol/tree/in
	volume /vol/ttree
	mkdir /vol/ttree/in
	mount -t tmpfs -o mode=0755,uid=501,gid=501 ttree /vol/ttree/in
	volume /vol/ttree/in
}

# --- bundles and runs --------------------------------------------------------------

# The container's view of /data: tests/helpers/probe.sh (key=value lines),
# then the owner and mount of a nested volume or submount, every mount at
# its path (id:parent, bottom up), and /data's mount id.
# shellcheck disable=SC2016
LOOK="$(cat "$K/probe.sh")"'
for d in /data/cache /data/in; do
	[ -d $d ] || continue
	stat -c "owner $d %u:%g" $d
	grep " $d " /proc/self/mountinfo | tail -n1 | { read -r id parent _ _ _ opts _; echo "mnt $d $id $parent $opts"; }
	grep " $d " /proc/self/mountinfo | { s=""; while read -r id parent _; do s="$s $id:$parent"; done; echo "at $d$s"; }
done
grep " /data " /proc/self/mountinfo | tail -n1 | { read -r id _; echo "dataid=$id"; }'

# bundle DIR HOOK-ARGS-JSON MOUNT-JSON...: a bundle running LOOK as
# 1000:1000 on the shared rootfs, with the hook at createRuntime unless
# HOOK-ARGS-JSON is null.
bundle() {
	local dir=$1 hargs=$2 mounts
	shift 2
	mkdir -p "$dir"
	rm -f "$dir/plan.json"
	mounts=$(printf '%s\n' "$@" | jq -s .)
	jq --arg look "$LOOK" --arg rootfs "$ROOTFS" --arg hook "$HOOK" \
		--argjson hargs "$hargs" --argjson mounts "$mounts" '
		.process.terminal = false | .process.user = {uid: 1000, gid: 1000}
		| .process.args = ["sh", "-c", $look] | .root = {path: $rootfs}
		| .mounts += $mounts
		| if $hargs == null then . else .hooks = {createRuntime: [{path: $hook, args: $hargs}]} end
		' "$K/base.json" >"$dir/config.json"
}

# bind SRC DST [OPTION...]: a bind mount, as JSON.
bind() {
	local src=$1 dst=$2 opts
	shift 2
	opts=$(printf '"%s",' "${@:-rbind}")
	echo "{\"destination\": \"$dst\", \"type\": \"bind\", \"source\": \"$src\", \"options\": [${opts%,}]}"
}

# run RUNTIME BUNDLE ID: sets OUT, ERR, RC; checks that the guest's own mount
# table is the same after the run as before it.
run() {
	local before t0
	before=$(cat /proc/self/mountinfo)
	t0=$(cut -d' ' -f1 /proc/uptime)
	case $1 in
	runc) OUT=$(timeout 300 runc --root /run/runc run --bundle "$2" "$3" </dev/null 2>/tmp/err) ;;
	crun) OUT=$(timeout 300 crun --root /run/crun --cgroup-manager=disabled run --bundle "$2" "$3" \
		</dev/null 2>/tmp/err) ;;
	esac
	RC=$?
	ERR=$(cat /tmp/err)
	take_out
	"$1" --root "/run/$1" delete -f "$3" >/dev/null 2>&1
	echo "run $3: $(awk -v t0="$t0" '{ print $1 - t0 }' /proc/uptime) s"
	expect "$3: the guest's mount table after the run" "$before" "$(cat /proc/self/mountinfo)"
}

# start ID RUNTIME HOOK-ARGS-JSON MOUNT-JSON...: a bundle (/tmp/b/ID, in b)
# and its run as container ID (OUT, ERR, RC).
start() {
	local id=$1 rt=$2 hargs=$3
	shift 3
	b=/tmp/b/$id
	bundle "$b" "$hargs" "$@"
	run "$rt" "$b" "$id"
}

# take_out: V_KEY for each KEY=VALUE line LOOK printed in OUT (no process:
# each costs under TCG).
take_out() {
	V_id='' V_data='' V_hello='' V_content='' V_mnt='' V_write='' V_new='' V_dataid=''
	while IFS= read -r line; do
		case ${line%%=*} in
		id | data | hello | content | mnt | write | new | dataid) eval "V_${line%%=*}=\${line#*=}" ;;
		esac
	done <<-EOF
		$OUT
	EOF
}

# plan BUNDLE DEST FIELD: a field of DEST's entry in the plan (BUNDLE/plan.json,
# made once per bundle), or what went wrong.
plan() {
	if [ ! -s "$1/plan.json" ] && ! "$HOOK" plan --json --bundle "$1" >"$1/plan.json" 2>/tmp/plan.err; then
		echo "plan failed: $(cat /tmp/plan.err)"
		rm -f "$1/plan.json"
		return
	fi
	jq -r --arg d "$2" ".mounts[] | select(.destination == \$d) | .$3 // \"\"" "$1/plan.json"
}

# syslog ID: what the hook sent to syslog for container ID.  A marker sent
# after it and seen in the file means the daemon has written all before it.
syslog() {
	local i=0
	logger -t kcases "after $1"
	while ! grep -q "kcases: after $1\$" /var/log/messages && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	grep "oci-idmap-hook.*: $1: " /var/log/messages
}

# expect_rc WHAT EXPECTED: the runtime's exit code (its stderr when not).
expect_rc() {
	expect "$1: exit code (stderr: $ERR)" "$2" "$RC"
}

# remapped WHAT: OUT shows /data remapped (1000:1000, idmapped, writable).
remapped() {
	expect_rc "$1" 0
	expect "$1: owner of /data" 1000:1000 "$V_data"
	expect "$1: owner of /data/hello" 1000:1000 "$V_hello"
	expect "$1: content of /data/hello" "hello from the host" "$V_content"
	expect_glob "$1: mount options of /data" "*idmapped*" "$V_mnt"
	expect "$1: touch /data/new" ok "$V_write"
	expect "$1: owner of /data/new inside" 1000:1000 "$V_new"
}

# left WHAT OWNER [MOUNT-OPTIONS]: OUT shows /data as the runtime made it:
# OWNER, not writable, its mount options (default rw,relatime: not idmapped).
left() {
	expect_rc "$1" 0
	expect "$1: owner of /data" "$2" "$V_data"
	expect "$1: content of /data/hello" "hello from the host" "$V_content"
	expect "$1: mount options of /data" "${3:-rw,relatime}" "$V_mnt"
	expect "$1: touch /data/new" "fail:Permission denied" "$V_write"
}

# --- the cases ----------------------------------------------------------------------

# An ext4 volume: remapped; what it writes lands as 501:501; nothing to syslog.
case_ext4() {
	local rt=$1 b before
	before=$(snap /vol/data)
	start "ext4-$rt-without" "$rt" null "$(bind /vol/data /data)"
	left "without the hook" 501:501
	start "ext4-$rt" "$rt" '["oci-idmap-hook"]' "$(bind /vol/data /data)"
	if has ext4_idmap; then
		expect "plan: /data" idmap "$(plan "$b" /data action)"
		remapped "with the hook"
		expect "owner of the new file on the disk" 501:501 "$(stat -c %u:%g /vol/data/new)"
		expect "syslog (a clean start sends nothing)" "" "$(syslog "ext4-$rt")"
	else
		expect "plan: /data" skip "$(plan "$b" /data action)"
		left "with the hook" 501:501
	fi
	rm -f /vol/data/new
	expect "the volume on the disk" "$before" "$(snap /vol/data)"
}

# A tmpfs volume: remapped where tmpfs can be idmapped; else left as it was,
# with the reason in plan and in syslog, exit 0.
case_tmpfs() {
	local rt=$1 b
	start "tmpfs-$rt" "$rt" '["oci-idmap-hook"]' "$(bind /tvol /data)"
	if has tmpfs_idmap; then
		expect "plan: /data" idmap "$(plan "$b" /data action)"
		remapped "with the hook"
	else
		expect "plan: /data (tmpfs cannot be idmapped here)" skip "$(plan "$b" /data action)"
		expect_glob "plan: the reason for /data" "*tmpfs*" "$(plan "$b" /data reason)"
		left "with the hook" 501:501
		expect_glob "syslog" "*daemon.warn*oci-idmap-hook*: tmpfs-$rt: warn: *cannot idmap*/data*Invalid argument*" \
			"$(syslog "tmpfs-$rt")"
	fi
	rm -f /tvol/new
}

# Nested volumes, both on ext4: /data and /data/cache, remapped on any kernel
# that can idmap ext4, the cache volume on top of the idmapped /data.  With
# one owner (one map) /data is cloned whole; with two (/vol/cache2 is
# 502:502) the tree is assembled detached where the kernel can attach a mount
# to a detached tree (6.15), else stacked: /data's clone attached first,
# then the clone of /data/cache on its copy in it, which makes one mount
# more at /data/cache (STACK: how many the container's table has there).
nested() {
	local rt=$1 id=$2 cache=$3 stack=$4 top at n
	start "$id-$rt" "$rt" '["oci-idmap-hook"]' "$(bind /vol/data /data)" "$(bind "$cache" /data/cache)"
	expect "plan: /data" idmap "$(plan "$b" /data action)"
	expect "plan: /data/cache" idmap "$(plan "$b" /data/cache action)"
	remapped "/data"
	expect "owner of /data/cache" "owner /data/cache 1000:1000" "$(echo "$OUT" | grep '^owner /data/cache')"
	top=$(echo "$OUT" | sed -n 's/^mnt \/data\/cache //p')
	at=$(echo "$OUT" | sed -n 's/^at \/data\/cache //p')
	expect "/data/cache stands on the idmapped /data" "$V_dataid" "$(below_stack "$at")"
	n=0
	for _ in $at; do n=$((n + 1)); done
	expect "mounts at /data/cache ($at)" "$stack" "$n"
	expect_glob "/data/cache idmapped" "*idmapped*" "$top"
	expect "syslog" "" "$(syslog "$id-$rt")"
	rm -f /vol/data/new
}

# below_stack "ID:PARENT...": the mounts at one path, bottom up; the mount
# that the visible one (the last) stands on, through those stacked at the
# path (a stacked tree's copy of the runtime's mount, say).
below_stack() {
	local at=" $1 " id=${1##* } parent
	id=${id%%:*}
	while :; do
		parent=${at#* "$id":}
		parent=${parent%% *}
		case $at in *" $parent:"*) id=$parent ;; *) break ;; esac
	done
	echo "$parent"
}

# The runtime's /data/cache, and the one of /data's clone on it.
case_nested() {
	local b
	nested "$1" nested /vol/cache 2
}

# Stacked: the runtime's, its copy in /data's clone, the clone of
# /data/cache on that copy.
case_nested_owners() {
	local b stack=3
	! has attach_detached || stack=2
	nested "$1" nestedo /vol/cache2 "$stack"
	expect "owner of /vol/cache2 on the disk" 502:502 "$(stat -c %u:%g /vol/cache2)"
}

# /data on ext4 with a tmpfs volume nested at /data/cache: /data remapped;
# /data/cache remapped where tmpfs can be, else left with its own reason,
# naming its own source.
case_nested_tmpfs() {
	local rt=$1 b
	start "nestedt-$rt" "$rt" '["oci-idmap-hook"]' "$(bind /vol/data /data)" "$(bind /tvol /data/cache)"
	expect "plan: /data" idmap "$(plan "$b" /data action)"
	remapped "/data"
	if has tmpfs_idmap; then
		expect "plan: /data/cache" idmap "$(plan "$b" /data/cache action)"
		expect "owner of /data/cache" "owner /data/cache 1000:1000" "$(echo "$OUT" | grep '^owner /data/cache')"
	else
		expect "plan: /data/cache" skip "$(plan "$b" /data/cache action)"
		expect "owner of /data/cache" "owner /data/cache 501:501" "$(echo "$OUT" | grep '^owner /data/cache')"
		expect_glob "syslog: /data/cache with its own source" "*warn: *cannot idmap*/data/cache: /tvol*" \
			"$(syslog "nestedt-$rt")"
		expect_no_glob "syslog: nothing about /data" "*cannot idmap*/data: *" "$(syslog "nestedt-$rt")"
	fi
	rm -f /vol/data/new
}

# A source that is itself idmapped (disk 501:501 seen as 2000:2000): composed
# where the kernel reports maps and has open_tree_attr; else left, exit 0.
case_idmapped_source() {
	local rt=$1 b
	start "idm-$rt-without" "$rt" null "$(bind /vol/idm /data)"
	left "without the hook" 2000:2000 rw,relatime,idmapped
	start "idm-$rt" "$rt" '["oci-idmap-hook"]' "$(bind /vol/idm /data)"
	if has statmount_maps && has open_tree_attr; then
		expect "plan: /data" idmap "$(plan "$b" /data action)"
		remapped "with the hook"
		expect "owner of the new file on the disk" 501:501 "$(stat -c %u:%g /vol/disk/new)"
	else
		expect "plan: /data" skip "$(plan "$b" /data action)"
		expect_glob "plan: the reason for /data" "*idmapped*" "$(plan "$b" /data reason)"
		left "with the hook" 2000:2000 rw,relatime,idmapped
		expect_glob "syslog" "*daemon.warn*: idm-$rt: warn: */data*" "$(syslog "idm-$rt")"
	fi
	rm -f /vol/disk/new
}

# tree_remapped: /data, an rbind tree, remapped with its submount at /data/in.
tree_remapped() {
	expect "plan: /data" idmap "$(plan "$b" /data action)"
	remapped "with the hook"
	expect "owner of /data/in" "owner /data/in 1000:1000" "$(echo "$OUT" | grep '^owner /data/in')"
	expect_glob "/data/in idmapped" "*idmapped*" "$(echo "$OUT" | grep '^mnt /data/in ')"
}

# An rbind tree with an ext4 submount: both remapped.
case_rbind() {
	local rt=$1 b
	start "rbind-$rt" "$rt" '["oci-idmap-hook"]' "$(bind /vol/tree /data rbind)"
	tree_remapped
	rm -f /vol/tree/new
}

# An rbind tree with a tmpfs submount: remapped where tmpfs can be idmapped;
# else the whole volume left as the runtime made it, and plan says so.
case_rbind_tmpfs() {
	local rt=$1 b
	start "rbindt-$rt" "$rt" '["oci-idmap-hook"]' "$(bind /vol/ttree /data rbind)"
	if has tmpfs_idmap; then
		tree_remapped
	else
		expect "plan: /data (a tmpfs submount)" skip "$(plan "$b" /data action)"
		left "with the hook" 501:501
		expect "owner of /data/in" "owner /data/in 501:501" "$(echo "$OUT" | grep '^owner /data/in')"
		expect_glob "syslog" "*daemon.warn*: rbindt-$rt: warn: */data*" "$(syslog "rbindt-$rt")"
	fi
	rm -f /vol/ttree/new
}

# --strict on a tmpfs volume: fails the start where tmpfs cannot be idmapped.
case_strict() {
	local rt=$1 b
	start "strict-$rt" "$rt" '["oci-idmap-hook", "--strict"]' "$(bind /tvol /data)"
	if has tmpfs_idmap; then
		remapped "--strict"
	else
		expect_glob "--strict: exit code" "[1-9]*" "$RC"
		expect "--strict: the container did not start" "" "$V_id"
		expect_glob "--strict: syslog" \
			"*daemon.err*: strict-$rt: error: /data: /tvol: *Invalid argument*" \
			"$(syslog "strict-$rt")"
		[ "$rt" = crun ] || # crun does not show a hook's stderr
			expect_glob "--strict: the hook's error line" \
				"*oci-idmap-hook: strict-$rt: /data: /tvol: *Invalid argument*" "$ERR"
	fi
	rm -f /tvol/new
}

# check: what it says of ext4, tmpfs and proc.
case_check() {
	local out
	out=$("$HOOK" check /vol 2>&1)
	expect "check /vol: exit $?" "/vol: yes (ext4)" "$out"
	out=$("$HOOK" check /tvol 2>&1)
	if has tmpfs_idmap; then
		expect "check /tvol: exit $?" "/tvol: yes (tmpfs)" "$out"
	else
		expect_glob "check /tvol: exit $?" "/tvol: no: tmpfs filesystem: *Invalid argument*" "$out"
	fi
	out=$("$HOOK" check /proc 2>&1)
	expect_glob "check /proc: exit $?" "/proc: no: proc filesystem: *" "$out"
}

# status right after create: /data idmapped; its maps where statmount
# reports them, else null and maps_reported false.
case_status() {
	local rt=$1 b=/tmp/b/status-$1 id=status-$1 pid s rc
	bundle "$b" '["oci-idmap-hook"]' "$(bind /vol/data /data)"
	case $rt in
	runc) runc --root /run/runc create --bundle "$b" "$id" </dev/null >/dev/null 2>/tmp/err ;;
	crun) crun --root /run/crun --cgroup-manager=disabled create --bundle "$b" "$id" </dev/null \
		>/dev/null 2>/tmp/err ;;
	esac
	rc=$?
	expect "$rt create: exit code ($(cat /tmp/err))" 0 "$rc"
	pid=$("$rt" --root "/run/$rt" state "$id" | jq .pid)
	"$HOOK" status --json "$pid" >/tmp/status.json 2>/tmp/status.err
	rc=$?
	expect "status: exit code ($(cat /tmp/status.err))" 0 "$rc"
	"$rt" --root "/run/$rt" delete -f "$id" >/dev/null 2>&1
	s='[.mounts[] | select(.destination == "/data" and (.covered | not))][0]'
	expect "status: /data idmapped" true "$(jq "$s.idmapped" /tmp/status.json)"
	expect "status: maps_reported" "$F_statmount_maps" \
		"$(jq -r 'if .maps_reported then "yes" else "no" end' /tmp/status.json)"
	if has statmount_maps; then
		expect "status: /data's uid_map, as plan printed" "$(plan "$b" /data uid_map | jq -c .)" \
			"$(jq -c "$s.uid_map" /tmp/status.json)"
	else
		expect "status: /data's maps" "null null" "$(jq -r "$s | \"\(.uid_map) \(.gid_map)\"" /tmp/status.json)"
	fi
}

RUNTIMES="runc crun"
CASES_PER_RUNTIME="ext4 tmpfs nested nested_owners nested_tmpfs idmapped_source rbind rbind_tmpfs strict status"

main() {
	local t0 rt c mounts_at_start
	t0=$(date +%s)
	case_t0=$t0
	mkdir -p /tmp/b /run/runc /run/crun
	(cd /tmp && runc spec && mv config.json "$K/base.json")
	probe_features
	setup_volumes
	echo "@@ setup: $(($(date +%s) - t0)) s"
	mounts_at_start=$(cat /proc/self/mountinfo)
	for c in $CASES_PER_RUNTIME; do
		for rt in $RUNTIMES; do
			wanted "$c-$rt" || continue
			case_t0=$(date +%s)
			"case_$c" "$rt"
			done_case "$c-$rt"
		done
	done
	case_t0=$(date +%s)
	if wanted check; then
		case_check
		done_case check
	fi
	case_t0=$(date +%s)
	expect "the guest's mount table at the end" "$mounts_at_start" "$(cat /proc/self/mountinfo)"
	done_case host-mounts
	echo "@@ guest: $passed passed, $failed failed, $xfailed known to fail ($(($(date +%s) - t0)) s)"
}

main
