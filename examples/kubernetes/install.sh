#!/bin/sh
# install.sh [install|uninstall]: the installer of daemonset.yaml, run on
# each node by its init container (busybox's sh and tools; the node's root
# mounted at NODE_ROOT).  tests/e2e/63-kubernetes-cri.sh runs this very file
# against a scratch node root and starts containerd with what it wrote.
#
#   NODE_ROOT          where the node's root is mounted (default /host)
#   PAYLOAD            the files of `make install DESTDIR=PAYLOAD PREFIX=/usr/local`
#                      (default /payload, as the Dockerfile lays them out)
#   CONTAINERD_CONFIG  the node's containerd configuration, a path on the node
#                      (default /etc/containerd/config.toml)
#   HANDLER            the runtime handler to add, a RuntimeClass's `handler`
#                      (default idmap)
#
# install: each file is copied beside its place, checked, then renamed into
# place, so that nothing ever sees a partial file:
#   /usr/local/libexec/oci/hooks.d/oci-idmap-hook    the hook, run once on
#       the node (chroot) first: a node where it cannot load gets nothing;
#   /usr/local/bin/oci-idmap-runtime                 the wrapper;
#   /etc/containers/oci/hooks.d/oci-idmap-hook.json  the descriptor (CRI-O);
#   where the node has containerd: a block appended to CONTAINERD_CONFIG
#   (config version 2: containerd 1.6 and 1.7) between the lines BEGIN and END
#   below, the runtime HANDLER: the node's runc runtime as containerd reads it
#   (`containerd config dump`: runtime type, cgroup driver, every option) with
#   BinaryName = the wrapper.  The new configuration is written only once the
#   node's containerd has read it back with that BinaryName.  containerd uses it
#   after its next restart, which is left to the administrator.
# Run again, it writes the same files and the same block (no change when
# nothing changed).  uninstall removes the block, then the three files.
set -eu

NODE_ROOT=${NODE_ROOT:-/host}
PAYLOAD=${PAYLOAD:-/payload}
CONTAINERD_CONFIG=${CONTAINERD_CONFIG:-/etc/containerd/config.toml}
HANDLER=${HANDLER:-idmap}

HOOK=/usr/local/libexec/oci/hooks.d/oci-idmap-hook
WRAPPER=/usr/local/bin/oci-idmap-runtime
DESCRIPTOR=/etc/containers/oci/hooks.d/oci-idmap-hook.json
PAYLOAD_DESCRIPTOR=/usr/local/share/containers/oci/hooks.d/oci-idmap-hook.json
BEGIN="# BEGIN oci-idmap-hook (its installer writes this block; 'install.sh uninstall' removes it)"
END="# END oci-idmap-hook"
RUNTIMES='plugins."io.containerd.grpc.v1.cri".containerd.runtimes'

# Scratch files (containerd's dumps) and whatever is staged but not yet in
# place go on every exit.
work=$(mktemp -d)
staged=
trap 'rm -rf "$work"; [ -z "$staged" ] || rm -f "$staged"' EXIT
trap 'exit 1' INT TERM HUP

say() { echo "oci-idmap-hook installer: $*" >&2; }
die() {
	say "$*"
	exit 1
}

# stage SRC NODE-PATH MODE: copy SRC beside NODE-PATH, as .NAME.new; sets
# staged (its path from here).
stage() {
	mkdir -p "$NODE_ROOT${2%/*}"
	staged=$NODE_ROOT${2%/*}/.${2##*/}.new
	cp "$1" "$staged"
	chmod "$3" "$staged"
}

# commit NODE-PATH: rename the staged file into place.
commit() {
	mv -f "$staged" "$NODE_ROOT$1"
	staged=
	say "installed $1"
}

# on_node CMD ARG...: CMD run on the node itself (its libraries, its binaries).
on_node() { chroot "$NODE_ROOT" "$@"; }

# without_block FILE: FILE without the installer's block (nothing when FILE
# does not exist); fails when a BEGIN line has no END line after it.
without_block() {
	[ -e "$1" ] || return 0
	awk -v begin="$BEGIN" -v end="$END" '
		$0 == begin { inside = 1; next }
		$0 == end && inside { inside = 0; next }
		!inside { print }
		END { exit inside }' "$1"
}

# runtime_block DUMP: the block that adds HANDLER, from `containerd config
# dump`: the lines of the runc runtime and of its options, renamed, with
# BinaryName (the runc binary to run) replaced by the wrapper.
runtime_block() {
	awk -v runc="[$RUNTIMES.runc]" -v opts="[$RUNTIMES.runc.options]" \
		-v to="$RUNTIMES.$HANDLER" -v bin="$WRAPPER" -v begin="$BEGIN" -v end="$END" '
		{ line = $0; sub(/^[ \t]+/, "", line) }
		line ~ /^\[/ {
			in_runc = line == runc; in_opts = line == opts
			if (in_runc) { seen_runc = 1; print begin; print "[" to "]" }
			if (in_opts) { seen_opts = 1; print "  [" to ".options]" }
			next
		}
		line == "" || line ~ /^BinaryName *=/ { next }
		in_runc { print "  " line }
		in_opts { print "    " line }
		END {
			if (!seen_runc) exit 1
			if (!seen_opts) print "  [" to ".options]"
			print "    BinaryName = \"" bin "\""
			print end
		}' "$1"
}

# binary_name DUMP: the BinaryName of HANDLER in a `containerd config dump`.
binary_name() {
	awk -v opts="[$RUNTIMES.$HANDLER.options]" '
		{ line = $0; sub(/^[ \t]+/, "", line) }
		line ~ /^\[/ { in_opts = line == opts; next }
		in_opts && line ~ /^BinaryName *=/ { sub(/^BinaryName *= */, "", line); print line }' "$1"
}

# dump NODE-PATH: what the node's containerd makes of NODE-PATH, into
# $work/dump; exit 1 with its error when it refuses it.
dump() {
	on_node containerd --config "$1" config dump >"$work/dump" 2>"$work/dump.err" ||
		die "containerd does not accept $1: $(cat "$work/dump.err")"
}

# configure_containerd: CONTAINERD_CONFIG with the HANDLER block, staged
# beside it, read back by the node's containerd, then renamed into place.
configure_containerd() {
	cfg=$NODE_ROOT$CONTAINERD_CONFIG
	if ! on_node containerd --version >/dev/null 2>&1; then
		say "no containerd on this node: no runtime $HANDLER"
		return 0
	fi
	on_node "$WRAPPER" --version >/dev/null ||
		die "$WRAPPER --version (it runs runc) fails on this node: no runtime $HANDLER"
	mkdir -p "${cfg%/*}"
	staged=${cfg%/*}/.${cfg##*/}.oci-idmap.new
	node_staged=${staged#"$NODE_ROOT"}
	# A copy first: the new file keeps the old one's mode.
	[ ! -e "$cfg" ] || cp "$cfg" "$staged"
	without_block "$cfg" >"$work/base" || die "$CONTAINERD_CONFIG: '$BEGIN' without '$END'"
	if [ ! -s "$work/base" ]; then
		echo "version = 2" >"$work/base"
	elif ! grep -Eq '^[[:space:]]*version[[:space:]]*=[[:space:]]*2[[:space:]]*$' "$work/base"; then
		die "$CONTAINERD_CONFIG is no config version 2 (containerd 1.6, 1.7): add the runtime by hand"
	fi
	cat "$work/base" >"$staged"
	dump "$node_staged"
	runtime_block "$work/dump" >"$work/block" ||
		die "containerd has no runc runtime to copy in $CONTAINERD_CONFIG"
	cat "$work/block" >>"$staged"
	dump "$node_staged"
	[ "$(binary_name "$work/dump")" = "\"$WRAPPER\"" ] ||
		die "containerd does not read BinaryName of runtime $HANDLER from $CONTAINERD_CONFIG"
	if [ -e "$cfg" ] && cmp -s "$staged" "$cfg"; then
		say "$CONTAINERD_CONFIG has runtime $HANDLER already: unchanged"
		return 0
	fi
	mv -f "$staged" "$cfg"
	staged=
	say "added runtime $HANDLER to $CONTAINERD_CONFIG: restart containerd to use it"
}

install() {
	stage "$PAYLOAD$HOOK" "$HOOK" 0755
	on_node "${HOOK%/*}/${staged##*/}" --version >/dev/null ||
		die "oci-idmap-hook does not run on this node (glibc?): not installed"
	commit "$HOOK"
	stage "$PAYLOAD$WRAPPER" "$WRAPPER" 0755
	commit "$WRAPPER"
	stage "$PAYLOAD$PAYLOAD_DESCRIPTOR" "$DESCRIPTOR" 0644
	commit "$DESCRIPTOR"
	configure_containerd
}

uninstall() {
	cfg=$NODE_ROOT$CONTAINERD_CONFIG
	if [ -e "$cfg" ]; then
		staged=${cfg%/*}/.${cfg##*/}.oci-idmap.new
		cp "$cfg" "$staged"
		without_block "$cfg" >"$staged" || die "$CONTAINERD_CONFIG: '$BEGIN' without '$END'"
		if ! cmp -s "$staged" "$cfg"; then
			mv -f "$staged" "$cfg"
			staged=
			say "removed runtime $HANDLER from $CONTAINERD_CONFIG: restart containerd"
		fi
	fi
	for f in "$DESCRIPTOR" "$WRAPPER" "$HOOK"; do
		if [ -e "$NODE_ROOT$f" ]; then
			rm -f "$NODE_ROOT$f"
			say "removed $f"
		fi
	done
}

case ${1:-install} in
install) install ;;
uninstall) uninstall ;;
*) die "usage: install.sh [install|uninstall]" ;;
esac
