#!/bin/bash
# Kubernetes' route, tested the way the kubelet calls it: containerd 1.6's
# CRI plugin (CRI v1) driven over its socket by tests/helpers/cri/cri.js
# (Version, RunPodSandbox with a runtime handler, CreateContainer,
# StartContainer, ContainerStatus, the container's CRI log, StopPodSandbox,
# RemovePodSandbox), with the hook put in place by the DaemonSet's installer:
#  - examples/kubernetes/install.sh, run with busybox's sh and tools as the
#    init container runs it, against a scratch node root (NODE_ROOT: the
#    host's /usr read-only, its /usr/local and /etc scratch directories): it
#    installs the hook (after running it on the node), the wrapper and the
#    descriptor, and adds the runtime handler "idmap" (the node's runc
#    runtime, BinaryName = the wrapper) to the node's config.toml;
#  - run again it changes nothing; against a config.toml containerd refuses
#    it fails and leaves the file as it was;
#  - containerd starts with the config.toml it wrote (the node's /usr/local
#    is the scratch one in this test's mount namespace) and runs, as 1000:1000
#    with hostPath volumes (pods in the node's network namespace: no CNI):
#    handler idmap (a RuntimeClass's handler): a 501:501 volume is 1000:1000
#      inside and writes land 501:501; readOnly stays read-only; a volume of
#      the pod user and a root-owned one are left alone, as are /etc/hosts and
#      /dev/termination-log (kubelet-managed files) and containerd's
#      /etc/hostname and /etc/resolv.conf: all as the control pod sees them;
#    handler runc (control): the 501:501 volume is 501:501, not writable;
#    handler "" with default_runtime_name = "idmap": the volume is 1000:1000;
#  - the host's volumes keep their owners; no pod, task, shim, process of
#    the hook or wrapper, or mount is left; install.sh uninstall restores
#    config.toml byte for byte and removes the three files.
# shellcheck source=../helpers/engines.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/engines.sh" "$@"
need_engine containerd
need_cmd node npm chroot
for f in oci-idmap-hook oci-idmap-runtime; do
	[ -x "$REPO/build/$f" ] || skip "build/$f not built: run make"
done
# The volumes' owner 501:501 must be no host account (issue 20's rule
# would then keep its group).
[ -z "$(getent passwd 501)$(getent group 501)" ] || skip "the host has a user or group 501"

# --- the client: two npm packages, cached under build/ -------------------------

# cri_client: build/tests/cri/ holds cri.js, its proto and node_modules
# installed from package-lock.json (again when that changes), npm's cache in
# build/tests/npm-cache; one test run at a time.
cri_client() {
	local src=$REPO/tests/helpers/cri cache=$REPO/build/tests/cri tmp
	mkdir -p "$REPO/build/tests"
	exec 8>>"$REPO/build/tests/cri.lock" || fail "cannot open build/tests/cri.lock"
	flock -w 300 8 || fail "waited 5 minutes for build/tests/cri.lock"
	if ! cmp -s "$src/package-lock.json" "$cache/package-lock.json"; then
		tmp=$(mktemp -d "$REPO/build/tests/cri.XXXXXX") || fail "cannot make a directory in build/"
		cp "$src/package.json" "$src/package-lock.json" "$tmp/"
		(cd "$tmp" && npm ci --ignore-scripts --omit=dev --no-audit --no-fund \
			--cache "$REPO/build/tests/npm-cache") >"$TEST_TMP/npm.out" 2>&1 || {
			rm -rf "$tmp"
			skip "npm ci of tests/helpers/cri failed: $(tail -n 5 "$TEST_TMP/npm.out")"
		}
		rm -rf "$cache"
		mv "$tmp" "$cache" || fail "cannot move the CRI client into $cache"
	fi
	cp "$src/cri.js" "$src/runtime_v1.proto" "$cache/"
	exec 8>&-
	CRI_JS=$cache/cri.js
}
cri_client

# --- the node: a scratch root, as the DaemonSet mounts it at /host -------------

node=$TEST_TMP/node
local_dir=$TEST_TMP/usr-local
mkdir -p "$node/etc/containerd" "$local_dir"
# The node's /usr/local, here and in the node root: a scratch directory in
# this test's mount namespace.
mount --bind "$local_dir" /usr/local || fail "cannot bind $local_dir on /usr/local"
# node_bind DIR: the host's /DIR, read-only, at the node's /DIR (a symlink
# as a symlink: /lib -> usr/lib on a merged /usr).
node_bind() {
	if [ -L "/$1" ]; then
		ln -s "$(readlink "/$1")" "$node/$1" || fail "cannot link $node/$1"
	elif [ -d "/$1" ]; then
		mkdir -p "$node/$1"
		if ! mount --rbind "/$1" "$node/$1" || ! mount -o remount,bind,ro "$node/$1"; then
			fail "cannot bind /$1 read-only into $node"
		fi
	fi
}
for d in usr bin sbin lib lib32 lib64 libx32; do
	node_bind "$d"
done

# The node's config.toml before the installer: this test's containerd (own
# root, state, sockets; runc's state under TEST_TMP), the CRI plugin with a
# local sandbox image, no CNI (pods in the node's network namespace), and
# default_runtime_name = "idmap" (a pod without a RuntimeClass gets it).
image=docker.io/oih/busybox:cri
ctd=$TEST_TMP/containerd
mkdir -p "$ctd/cni-conf" "$ctd/cni-bin"
cfg=$node/etc/containerd/config.toml
{
	containerd_config
	cat <<-EOF
		[plugins."io.containerd.grpc.v1.cri"]
		  sandbox_image = "$image"
		  restrict_oom_score_adj = true
		  [plugins."io.containerd.grpc.v1.cri".cni]
		    bin_dir = "$ctd/cni-bin"
		    conf_dir = "$ctd/cni-conf"
		  [plugins."io.containerd.grpc.v1.cri".containerd]
		    default_runtime_name = "idmap"
		  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
		    runtime_type = "io.containerd.runc.v2"
		    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
		      Root = "$ctd/runc"
	EOF
} >"$cfg"
cp "$cfg" "$TEST_TMP/config.toml.orig"

# --- the installer ---------------------------------------------------------------

# examples/kubernetes runs what this test runs: the image's /install.sh is
# install.sh, the DaemonSet runs it with NODE_ROOT=/host (the node's / mounted
# there), and the RuntimeClass names the handler it adds.
k8s=$REPO/examples/kubernetes
grep -qxF 'COPY examples/kubernetes/install.sh /install.sh' "$k8s/Dockerfile" ||
	fail "examples/kubernetes/Dockerfile does not copy install.sh to /install.sh"
grep -qF 'command: ["sh", "/install.sh", "install"]' "$k8s/daemonset.yaml" ||
	fail "examples/kubernetes/daemonset.yaml does not run sh /install.sh install"
grep -A1 -e '- name: NODE_ROOT$' "$k8s/daemonset.yaml" | grep -qE '^ +value: /host$' ||
	fail "examples/kubernetes/daemonset.yaml does not set NODE_ROOT=/host"
host_root=$(grep -A2 -e '- name: host-root$' "$k8s/daemonset.yaml")
if ! grep -qE '^ +mountPath: /host$' <<<"$host_root" || ! grep -qE '^ +path: /$' <<<"$host_root"; then
	fail "examples/kubernetes/daemonset.yaml does not mount the node's / at /host"
fi
grep -qx 'handler: idmap' "$k8s/runtimeclass.yaml" ||
	fail "examples/kubernetes/runtimeclass.yaml does not name handler idmap"

# The image's /payload: make install DESTDIR=/payload PREFIX=/usr/local.
make -s -C "$REPO" -o build/oci-idmap-hook -o build/oci-idmap-runtime install \
	DESTDIR="$TEST_TMP/payload" PREFIX=/usr/local >"$TEST_TMP/make.out" 2>&1 ||
	fail "make install DESTDIR=$TEST_TMP/payload: $(cat "$TEST_TMP/make.out")"
# installer [NAME=VALUE...] [ARG...]: install.sh as the init container runs
# it, in busybox's sh, whose own tools (cp, awk, chroot, ...) come before
# PATH's as in the installer image; sets OUT (its messages) and RC.
installer() {
	local envs=()
	while [[ ${1:-} == *=* ]]; do
		envs+=("$1")
		shift
	done
	OUT=$(env -i PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		NODE_ROOT="$node" PAYLOAD="$TEST_TMP/payload" TMPDIR="$TEST_TMP" "${envs[@]}" \
		busybox sh "$REPO/examples/kubernetes/install.sh" "$@" 2>&1)
	RC=$?
}

# node_programs: processes of this mount namespace running a program of the
# node's /usr/local (the hook, the wrapper, their helpers).
node_programs() {
	local ns pid exe
	ns=$(readlink /proc/self/ns/mnt)
	find /proc/[0-9]*/exe -maxdepth 0 -lname '/usr/local/*' -printf '%h %l\n' 2>/dev/null |
		while read -r pid exe; do
			[ "$(readlink "$pid/ns/mnt" 2>/dev/null)" != "$ns" ] ||
				echo "process ${pid#/proc/}: $exe"
		done
}

# "mode path" of every file under the node's /usr/local and /etc.
node_files() {
	(cd "$node" && find usr/local etc ! -type d -printf '%m %p\n' | sort -k2)
}

# A configuration containerd refuses (a runtime idmap of the administrator's
# own, so the block would define it twice): the installer fails, the file
# stays as it was, nothing staged is left.
taken=$node/etc/containerd/taken.toml
{
	cat "$cfg"
	echo '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.idmap]'
} >"$taken"
cp "$taken" "$TEST_TMP/taken.toml.orig"
installer CONTAINERD_CONFIG=/etc/containerd/taken.toml
assert_eq 1 "$RC" "install.sh with a config.toml that defines idmap: exit code ($OUT)"
assert_match "*containerd does not accept*duplicated tables*" "$OUT" "its message"
cmp -s "$TEST_TMP/taken.toml.orig" "$taken" || fail "install.sh changed $taken: $(cat "$taken")"
rm "$taken"

installer install
assert_eq 0 "$RC" "install.sh exit code ($OUT)"
assert_match "*added runtime idmap to /etc/containerd/config.toml*" "$OUT" "install.sh message"
assert_eq "644 etc/containerd/config.toml
644 etc/containers/oci/hooks.d/oci-idmap-hook.json
755 usr/local/bin/oci-idmap-runtime
755 usr/local/libexec/oci/hooks.d/oci-idmap-hook" "$(node_files)" "files on the node"
cmp -s "$REPO/build/oci-idmap-hook" "$local_dir/libexec/oci/hooks.d/oci-idmap-hook" ||
	fail "the installed hook is not build/oci-idmap-hook"
# The node's file comes first, byte for byte; the block is runc's runtime
# renamed, its options (runc's state directory) kept, BinaryName the wrapper.
head -c "$(stat -c %s "$TEST_TMP/config.toml.orig")" "$cfg" | cmp -s - "$TEST_TMP/config.toml.orig" ||
	fail "config.toml does not start with the node's own: $(cat "$cfg")"
block=$(sed -n '/^# BEGIN oci-idmap-hook/,/^# END oci-idmap-hook/p' "$cfg")
for line in '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.idmap]' \
	'  runtime_type = "io.containerd.runc.v2"' \
	'  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.idmap.options]' \
	"    Root = \"$ctd/runc\""; do
	grep -qxF -- "$line" <<<"$block" || fail "the installer's block lacks '$line': $block"
done
assert_eq '    BinaryName = "/usr/local/bin/oci-idmap-runtime"
# END oci-idmap-hook' "$(tail -n 2 <<<"$block")" "the end of the installer's block"
installed=$(stat -c '%i %Y %s' "$cfg")

# Run again (a restarted DaemonSet pod): config.toml is not rewritten.
installer install
assert_eq 0 "$RC" "install.sh again: exit code ($OUT)"
assert_match "*has runtime idmap already: unchanged*" "$OUT" "install.sh again: message"
assert_eq "$installed" "$(stat -c '%i %Y %s' "$cfg")" "config.toml (inode, mtime, size) after install.sh ran again"

# --- containerd with the configuration the installer wrote ------------------------

containerd_start "$cfg"
busybox_image "$TEST_TMP/image"
# One image for the sandbox (it sleeps) and for the containers (their command).
"$PY" "$REPO/tests/helpers/image_archive.py" "$TEST_TMP/image" "$TEST_TMP/image.tar" \
	oih/busybox:cri "" sleep 3600 || fail "cannot write the image archive"
K8S=(ctr --address "$CTD_SOCK" --namespace k8s.io)
"${K8S[@]}" image import "$TEST_TMP/image.tar" >"$TEST_TMP/import.out" 2>&1 ||
	fail "ctr image import: $(cat "$TEST_TMP/import.out")"

# Remove whatever pod is left (a failed run) while containerd still runs.
# shellcheck disable=SC2317 # the EXIT trap
_cri_cleanup() {
	local id
	if [ -n "${CTD_SOCK:-}" ] && [ -S "$CTD_SOCK" ]; then
		for id in $(timeout 10 "${K8S[@]}" task ls -q 2>/dev/null); do
			timeout 20 "${K8S[@]}" task delete -f "$id" >/dev/null 2>&1
		done
		for id in $(timeout 10 "${K8S[@]}" container ls -q 2>/dev/null); do
			timeout 10 "${K8S[@]}" container rm "$id" >/dev/null 2>&1
		done
	fi
	_engines_cleanup
}
trap _cri_cleanup EXIT

# The volumes, and the files the kubelet mounts into every container.
make_volume "$TEST_TMP/vol" 501 501
make_volume "$TEST_TMP/rovol" 501 501
make_volume "$TEST_TMP/own" 1000 1000
make_volume "$TEST_TMP/rootvol" 0 0
kubelet=$TEST_TMP/kubelet
mkdir -p "$kubelet"
printf '127.0.0.1\tlocalhost\n' >"$kubelet/etc-hosts"
: >"$kubelet/termination-log"
chmod 0644 "$kubelet/etc-hosts"
chmod 0666 "$kubelet/termination-log"
_open_path_to "$kubelet"
for v in vol rovol own rootvol; do
	eval "before_$v=\$(snapshot \"\$TEST_TMP/$v\")"
done
baseline=$(leftovers "$TEST_TMP")

# What each container (sh -c PROBE sh POD) prints: per volume its owner, the
# owner of hello in it, its mount options and whether the user can create
# new-POD there; the owners of the files the kubelet and containerd mount.
# shellcheck disable=SC2016
probe='echo "id=$(id -u):$(id -g)"
for v in data ro own rootvol; do
	d=/$v
	echo "$v.owner=$(stat -c %u:%g $d)"
	echo "$v.hello=$(stat -c %u:%g $d/hello)"
	echo "$v.mnt=$(grep " $d " /proc/self/mountinfo | tail -n1 | cut -d" " -f6)"
	if err=$(touch $d/new-$1 2>&1); then echo "$v.write=ok"; stat -c "$v.new=%u:%g" $d/new-$1
	else echo "$v.write=fail:${err##*: }"; fi
done
for f in /etc/hosts /etc/hostname /etc/resolv.conf /dev/termination-log; do
	echo "$f=$(stat -c %u:%g $f)"
done'

spec=$TEST_TMP/pods.json
"$PY" -I -S - "$spec" "$CTD_SOCK" "$image" "/$ENGINE_CGROUP" "$TEST_TMP/cri" "$probe" \
	"$TEST_TMP" <<-'EOF' || fail "cannot write $spec"
	import json, sys
	out, sock, image, cgroup, d, probe, tmp = sys.argv[1:]
	mounts = [
	    {"container_path": "/data", "host_path": tmp + "/vol"},
	    {"container_path": "/ro", "host_path": tmp + "/rovol", "readonly": True},
	    {"container_path": "/own", "host_path": tmp + "/own"},
	    {"container_path": "/rootvol", "host_path": tmp + "/rootvol"},
	    {"container_path": "/etc/hosts", "host_path": tmp + "/kubelet/etc-hosts"},
	    {"container_path": "/dev/termination-log",
	     "host_path": tmp + "/kubelet/termination-log"},
	]
	pods = [{"name": n, "handler": h, "user": [1000, 1000],
	         "command": ["sh", "-c", probe, "sh", n], "mounts": mounts}
	        for n, h in (("idmap", "idmap"), ("control", "runc"), ("default", ""))]
	json.dump({"socket": sock, "image": image, "cgroup_parent": cgroup, "dir": d,
	           "pods": pods}, open(out, "w"), indent=1)
	EOF
mkdir -p "$TEST_TMP/cri"
OUT=$(timeout -k 5 120 node "$CRI_JS" "$spec" 2>"$TEST_TMP/cri.err")
RC=$?
# shellcheck disable=SC2034 # fail (lib.sh) shows it
ERR=$(cat "$TEST_TMP/cri.err")
assert_eq 0 "$RC" "cri.js exit code"
assert_match "containerd * v1*" "$(head -n1 <<<"$OUT")" "Version: runtime name, CRI version"
# pod NAME: what its container printed; the exit code must be 0.
pod() {
	assert_eq 0 "$(cat "$TEST_TMP/cri/$1.rc")" "pod $1: container exit code"
	cat "$TEST_TMP/cri/$1.out"
}
idmap=$(pod idmap)
control=$(pod control)
default=$(pod default)
OUT="$idmap
--- control:
$control
--- default:
$default"

# handler idmap: the 501:501 volume is the pod user's; readOnly stays so.
assert_eq 1000:1000 "$(get id "$idmap")" "idmap: container user"
for v in data ro; do
	assert_eq 1000:1000 "$(get $v.owner "$idmap")" "idmap: owner of /$v"
	assert_eq 1000:1000 "$(get $v.hello "$idmap")" "idmap: owner of /$v/hello"
	assert_match "*idmapped*" "$(get $v.mnt "$idmap")" "idmap: mount options of /$v"
done
assert_eq ok "$(get data.write "$idmap")" "idmap: touch /data/new"
assert_eq 1000:1000 "$(get data.new "$idmap")" "idmap: owner of /data/new inside"
assert_match "ro,*" "$(get ro.mnt "$idmap")" "idmap: mount options of /ro"
assert_eq "fail:Read-only file system" "$(get ro.write "$idmap")" "idmap: touch /ro/new"
# ... and the rest as plain runc shows it: the user's own volume, root's, and
# the kubelet's and containerd's files.
assert_eq 1000:1000 "$(get own.owner "$idmap")" "idmap: owner of /own"
assert_eq ok "$(get own.write "$idmap")" "idmap: touch /own/new"
assert_eq 0:0 "$(get rootvol.owner "$idmap")" "idmap: owner of /rootvol"
assert_eq "fail:Permission denied" "$(get rootvol.write "$idmap")" "idmap: touch /rootvol/new"
for f in /etc/hosts /etc/hostname /etc/resolv.conf /dev/termination-log; do
	assert_eq 0:0 "$(get "$f" "$idmap")" "idmap: owner of $f"
done
for k in own.owner own.hello own.mnt own.write own.new rootvol.owner rootvol.hello \
	rootvol.mnt rootvol.write /etc/hosts /etc/hostname /etc/resolv.conf /dev/termination-log; do
	assert_eq "$(get "$k" "$control")" "$(get "$k" "$idmap")" "idmap: $k as the control pod"
done

# handler runc: the volume as it is on the host.
assert_eq 1000:1000 "$(get id "$control")" "control: container user"
assert_eq 501:501 "$(get data.owner "$control")" "control: owner of /data"
assert_eq "fail:Permission denied" "$(get data.write "$control")" "control: touch /data/new"
assert_eq 501:501 "$(get ro.owner "$control")" "control: owner of /ro"
assert_no_match "*idmapped*" "$(get data.mnt "$control")" "control: mount options of /data"

# no handler, default_runtime_name = "idmap": as handler idmap.
for k in id data.owner data.hello data.write data.new ro.owner ro.write own.owner \
	rootvol.owner /etc/hosts; do
	assert_eq "$(get "$k" "$idmap")" "$(get "$k" "$default")" "default: $k as handler idmap"
done

# On the host: what the pods wrote, and the volumes' old entries unchanged.
assert_eq "501:501 501:501" "$(stat -c %u:%g "$TEST_TMP/vol/new-idmap" "$TEST_TMP/vol/new-default" |
	tr '\n' ' ' | sed 's/ $//')" "owner of /data/new-idmap, /data/new-default on the host"
assert_eq "1000:1000 1000:1000 1000:1000" "$(stat -c %u:%g "$TEST_TMP/own/new-idmap" \
	"$TEST_TMP/own/new-control" "$TEST_TMP/own/new-default" | tr '\n' ' ' | sed 's/ $//')" \
	"owner of /own/new-* on the host"
rm -f "$TEST_TMP"/vol/new-* "$TEST_TMP"/own/new-*
for v in vol rovol own rootvol; do
	eval "assert_no_new \"\$before_$v\" \"\$TEST_TMP/$v\""
done
assert_eq "0:0 644 0:0 666" "$(stat -c '%u:%g %a' "$kubelet/etc-hosts" "$kubelet/termination-log" |
	tr '\n' ' ' | sed 's/ $//')" "the kubelet's files on the host"

assert_eq "" "$("${K8S[@]}" task ls -q)" "tasks left"
assert_eq "" "$("${K8S[@]}" container ls -q)" "containers left"
assert_eq "" "$(pgrep -f "containerd-shim.* -address $CTD_SOCK")" "shims of this containerd left"
assert_eq "$baseline" "$(leftovers "$TEST_TMP")" "processes and mounts left"
assert_eq "" "$(node_programs)" "processes of the installed hook or wrapper left"

# --- uninstall ---------------------------------------------------------------------

installer uninstall
assert_eq 0 "$RC" "install.sh uninstall exit code ($OUT)"
cmp -s "$TEST_TMP/config.toml.orig" "$cfg" ||
	fail "config.toml after install.sh uninstall is not the node's own: $(cat "$cfg")"
assert_eq "644 etc/containerd/config.toml" "$(node_files)" "files on the node after uninstall"
exit 0
