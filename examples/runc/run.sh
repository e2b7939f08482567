#!/bin/sh
# run.sh: build the example bundle in a temporary directory and run it with
# runc, as root.  HOOK=/path/to/oci-idmap-hook picks the hook.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/oci-idmap-example.XXXXXX")
id=oci-idmap-example-$$
trap 'runc --root "$dir/state" delete -f "$id" >/dev/null 2>&1; rm -rf --one-file-system "$dir"' EXIT
sh "$here/make-bundle.sh" "$dir"

echo "== in the container (runc)"
runc --root "$dir/state" run --bundle "$dir/bundle" "$id" </dev/null
echo "== on the host"
ls -ln "$dir/volume"
