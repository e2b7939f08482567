#!/bin/bash
# containerd 1.6 (Debian's) with ctr, through oci-idmap-runtime as the runc
# shim's runc binary (`ctr run --runc-binary`, the shim option BinaryName
# that the CRI plugin's runtimes.runc.options set for Kubernetes), against a
# control run with plain runc.  The image (imported from a docker-save
# archive, no registry) says USER 1000:1000; ctr 1.6 has no --user.
#  - `--mount type=bind,...,options=rbind:rw` of a 501:501 volume: 1000:1000
#    inside, writes land 501:501; the control sees 501:501 and cannot write;
#  - `options=rbind:ro`: 1000:1000 inside and still read-only;
#  - afterwards no task, no shim, no process of the hook or wrapper, no mount.
# And the documented CRI configuration (examples/containerd/config.toml) is
# one containerd 1.6 reads: `config dump` shows BinaryName for runc.
# shellcheck source=../helpers/engines.sh source-path=SCRIPTDIR
. "$(dirname "$0")/../helpers/engines.sh" "$@"
need_engine containerd

install_wrapper
containerd_start
busybox_image "$TEST_TMP/image"
"$PY" "$REPO/tests/helpers/image_archive.py" "$TEST_TMP/image" "$TEST_TMP/image.tar" \
	oih/busybox:user 1000:1000 || fail "cannot write the image archive"
CTR image import "$TEST_TMP/image.tar" >"$TEST_TMP/import.out" 2>&1 ||
	fail "ctr image import: $(cat "$TEST_TMP/import.out")"
image=docker.io/oih/busybox:user
runc_bin=$(command -v runc)

# crun_ NAME BINARY MOUNT-OPTIONS: ctr run --rm of PROBE with the volume at /data.
crun_() {
	OUT=$(CTR_RUN --runc-binary "$2" --mount "type=bind,src=$vol,dst=/data,options=$3" \
		"$image" "oih-$1-$$" sh -c "$PROBE" 2>"$TEST_TMP/stderr")
	RC=$?
	# shellcheck disable=SC2034 # fail (lib.sh) shows it
	ERR=$(cat "$TEST_TMP/stderr")
}

vol=$TEST_TMP/vol
make_volume "$vol" 501 501
before=$(snapshot "$vol")
baseline=$(leftovers "$TEST_TMP")

crun_ control "$runc_bin" rbind:rw
assert_eq 0 "$RC" "control: ctr run exit code"
assert_eq 1000:1000 "$(get id "$OUT")" "control: the image's user"
assert_eq 501:501 "$(get data "$OUT")" "control: owner of /data inside"
assert_eq "fail:Permission denied" "$(get write "$OUT")" "control: touch /data/new"
assert_no_new "$before" "$vol"

crun_ rw "$WRAPPER" rbind:rw
assert_eq 0 "$RC" "rbind:rw: ctr run exit code"
assert_eq 1000:1000 "$(get id "$OUT")" "rbind:rw: the image's user"
assert_eq 1000:1000 "$(get data "$OUT")" "rbind:rw: owner of /data inside"
assert_eq 1000:1000 "$(get hello "$OUT")" "rbind:rw: owner of /data/hello inside"
assert_eq "hello from the host" "$(get content "$OUT")" "rbind:rw: content of /data/hello"
assert_match "*idmapped*" "$(get mnt "$OUT")" "rbind:rw: mount options of /data"
assert_eq ok "$(get write "$OUT")" "rbind:rw: touch /data/new"
assert_eq 1000:1000 "$(get new "$OUT")" "rbind:rw: owner of /data/new inside"
assert_eq 501:501 "$(stat -c %u:%g "$vol/new")" "rbind:rw: owner of the new file on the host"
rm -f "$vol/new"
assert_kept "$before" "$vol"

crun_ ro "$WRAPPER" rbind:ro
assert_eq 0 "$RC" "rbind:ro: ctr run exit code"
assert_eq 1000:1000 "$(get data "$OUT")" "rbind:ro: owner of /data inside"
assert_match "ro,*idmapped*" "$(get mnt "$OUT")" "rbind:ro: mount options of /data"
assert_eq "fail:Read-only file system" "$(get write "$OUT")" "rbind:ro: touch /data/new"
assert_no_new "$before" "$vol"

assert_eq "" "$(CTR task ls -q)" "tasks left"
assert_eq "" "$(CTR container ls -q)" "containers left"
assert_eq "" "$(pgrep -f "containerd-shim.* -address $CTD_SOCK")" "shims of this containerd left"
assert_eq "$baseline" "$(leftovers "$TEST_TMP")" "processes and mounts left"

# The documented CRI route parses: BinaryName lands in runtimes.runc.options.
dump=$(containerd --config "$REPO/examples/containerd/config.toml" config dump 2>&1) ||
	fail "containerd config dump of examples/containerd/config.toml: $dump"
grep -A3 -F '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]' <<<"$dump" |
	grep -qF 'BinaryName = "/usr/local/bin/oci-idmap-runtime"' ||
	fail "config dump lacks BinaryName for runc: $dump"
exit 0
