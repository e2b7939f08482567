#!/usr/bin/python3
"""image_archive.py ROOTFS OUT.tar NAME [USER [CMD...]]

Write a one-layer image of the directory ROOTFS as a `docker save` archive
(manifest.json, the config, the layer), as `ctr image import` and
`docker load` read it, without a registry or a daemon.  USER ("1000:1000")
goes into the image config, as a Dockerfile's USER does; CMD (default
/bin/sh) as its CMD does.
"""
import hashlib
import io
import json
import sys
import tarfile


def add_bytes(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    tar.addfile(info, io.BytesIO(data))


def layer_of(rootfs):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as layer:
        layer.add(rootfs, arcname=".")
    return buf.getvalue()


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__.strip().splitlines()[0])
    rootfs, out, name = sys.argv[1:4]
    user = sys.argv[4] if len(sys.argv) > 4 else ""
    cmd = sys.argv[5:] or ["/bin/sh"]
    layer = layer_of(rootfs)
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    config = json.dumps({
        "architecture": "amd64",
        "os": "linux",
        "config": {"User": user, "Cmd": cmd, "WorkingDir": "/",
                   "Env": ["PATH=/bin"]},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created_by": "tests/helpers/image_archive.py"}],
    }).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    layer_name = diff_id[7:] + "/layer.tar"
    manifest = json.dumps([{"Config": config_name, "RepoTags": [name],
                            "Layers": [layer_name]}]).encode()
    with tarfile.open(out, "w") as tar:
        add_bytes(tar, config_name, config)
        add_bytes(tar, layer_name, layer)
        add_bytes(tar, "manifest.json", manifest)


main()
