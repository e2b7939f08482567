# SPDX-License-Identifier: Apache-2.0
"""The host side of a case: volumes, their mounts on the host, config.json.

Everything lives under the case's directory; every host mount made here is
recorded and unmounted by teardown(), deepest first, on every exit path.
"""
import copy
import hashlib
import os
import shutil
import subprocess

import gen

SCRIPT = b"#!/bin/sh\necho ran\n"
# The items of a populated directory: name -> mode (None: the symlink).
ITEMS = {"f": 0o644, "own": 0o600, "x": 0o755, "dev": 0o666, "ln": None, "r0": 0o644}


class SetupError(Exception):
    pass


def run(*argv):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise SetupError(f"{' '.join(argv)}: exit {p.returncode}: {p.stdout.strip()}")


def map_text(extents):
    return "\n".join(f"{a} {b} {n}" for a, b, n in extents)


def populate(d, owner):
    """Fill directory d: f (0644), own (0600), x (an 0755 script), dev (the
    null device, 0666), ln -> f, all owner's; r0 (0644) root's."""
    for name, mode in ITEMS.items():
        p = os.path.join(d, name)
        if name == "ln":
            os.symlink("f", p)
        elif name == "dev":
            os.mknod(p, 0o20000 | mode, os.makedev(1, 3))
        else:
            with open(p, "wb") as f:
                f.write(SCRIPT if name == "x" else f"{name}\n".encode())
        if mode is not None:
            os.chmod(p, mode)
        if name != "r0":
            os.lchown(p, *owner)
    os.chmod(d, 0o755)
    os.chown(d, *owner)


def make_file(p, kind, owner):
    if kind == "dev":
        os.mknod(p, 0o20000 | 0o666, os.makedev(1, 3))
        os.chmod(p, 0o666)  # mknod's mode goes through the umask
    else:
        with open(p, "wb") as f:
            f.write(SCRIPT)
        os.chmod(p, 0o755)
    os.chown(p, *owner)


def mountpoint(p, is_file, owner):
    """An empty directory (or file) to mount on, owner's."""
    if is_file:
        open(p, "wb").close()
        os.chmod(p, 0o644)
    else:
        os.mkdir(p, 0o755)
    os.chown(p, *owner)


class Host:
    """The case's host side.  mounts: what to unmount; disks: the directories
    and files whose contents must never change; owners: per probe path, what
    the probe must see through a mount there (compare.Compare.expected)."""

    def __init__(self, case, casedir, idmap_mount):
        self.case, self.dir, self.idmap_mount = case, casedir, idmap_mount
        self.mounts, self.disks, self.owners, self.sources = [], [], {}, {}

    def mount(self, *argv, target):
        run("mount", *argv, target)
        self.mounts.append(target)

    def view(self, disk, target, view):
        run(self.idmap_mount, disk, target, map_text(view["uid_map"]), map_text(view["gid_map"]))
        self.mounts.append(target)

    def tree(self, name, owner, view, is_file=False, file_kind="script"):
        """A populated directory (or a file) seen as owned by owner, through an
        idmapped view when view is set; returns its path as the host sees it."""
        disk_owner = view["disk_owner"] if view else owner
        disk = os.path.join(self.dir, name + ("-disk" if view else ""))
        if is_file:
            make_file(disk, file_kind, disk_owner)
        else:
            os.mkdir(disk)
            populate(disk, disk_owner)
        self.disks.append(disk)
        if not view:
            return disk
        seen = os.path.join(self.dir, name)
        mountpoint(seen, is_file, [0, 0])
        self.view(disk, seen, view)
        return seen

    def volume(self, k, vol):
        name = f"vol{k}"
        src = self.tree(name, vol["owner"], vol["view"], vol["kind"] == "file", vol.get("file"))
        model = {"disk": (vol["view"] or {}).get("disk_owner", vol["owner"]), "view": vol["view"]}
        self.owners[vol["dest"]] = {"mounted": model}
        if vol["shared"]:
            if not vol["view"]:
                self.mount("--bind", src, target=src)
            run("mount", "--make-shared", src)
        disk = self.disks[-1]
        disk_owner = model["disk"]
        if vol["submount"]:
            self.submount(k, vol, src, disk, disk_owner, model)
        for j, n in enumerate(vol["nested"]):
            self.nested(k, j, n, disk, disk_owner)
        self.sources[vol["dest"]] = src

    def submount(self, k, vol, src, disk, disk_owner, parent_model):
        sub = vol["submount"]
        mountpoint(os.path.join(disk, "s"), False, disk_owner)
        target = os.path.join(src, "s")
        if sub["kind"] == "tmpfs":
            u, g = sub["owner"]
            self.mount("-t", "tmpfs", "-o", f"mode=0755,uid={u},gid={g}", "oracle-sub",
                       target=target)
            populate(target, sub["owner"])
            model = {"disk": sub["owner"], "view": None}
        else:
            seen = self.tree(f"sub{k}", sub["owner"], sub["view"])
            self.mount("--bind", seen, target=target)
            model = {"disk": (sub["view"] or {}).get("disk_owner", sub["owner"]),
                     "view": sub["view"]}
        # Without an rbind the container sees the volume's bare directory s.
        self.owners[vol["dest"] + "/s"] = {"mounted": model, "bare": parent_model}

    def nested(self, k, j, n, parent_disk, parent_owner):
        is_file = n["kind"] == "file"
        mountpoint(os.path.join(parent_disk, f"n{j}"), is_file, parent_owner)
        if n["kind"] == "tmpfs":
            return
        src = self.tree(f"nest{k}-{j}", n["owner"], None, is_file)
        self.owners[n["dest"]] = {"mounted": {"disk": n["owner"], "view": None}}
        self.sources[n["dest"]] = src

    def make(self):
        os.mkdir(self.dir, 0o711)
        for k, vol in enumerate(self.case["volumes"]):
            self.volume(k, vol)

    def teardown(self):
        """Unmount what make() mounted (deepest first), remove the directory."""
        problems = []
        for target in reversed(self.mounts):
            p = subprocess.run(["umount", "-l", target], stderr=subprocess.PIPE, text=True)
            if p.returncode != 0:
                problems.append(f"umount {target}: {p.stderr.strip()}")
        self.mounts = []
        shutil.rmtree(self.dir, ignore_errors=True)
        return problems

    def snapshot(self):
        """name owner mode size sha1 of every disk file: what must never change."""
        out = []
        for top in self.disks:
            for root, dirs, files in os.walk(top):
                dirs.sort()
                for name in [""] + sorted(files + dirs if root == top else files):
                    p = os.path.join(root, name) if name else root
                    st = os.lstat(p)
                    digest = ""
                    if os.path.isfile(p) and not os.path.islink(p):
                        with open(p, "rb") as f:
                            digest = hashlib.sha1(f.read()).hexdigest()
                    out.append(f"{p} {st.st_uid}:{st.st_gid} {st.st_mode:o} {st.st_size} {digest}")
        return sorted(set(out))


def _mount_entry(dest, src, kind, options):
    return {"destination": dest, "type": "bind", "source": src, "options": [kind] + options}


def config(case, base, rootfs, host, hooks=None):
    """config.json of the case, from the base spec; hooks: createRuntime hooks."""
    spec = copy.deepcopy(base)
    spec["root"] = {"path": rootfs, "readonly": False}
    proc = spec["process"]
    proc["terminal"] = False
    proc["args"] = ["sh", "/probe"] + gen.probe_paths(case)
    proc["user"] = {"uid": case["user"][0], "gid": case["user"][1]}
    linux = spec.setdefault("linux", {})
    for vol in case["volumes"]:
        spec["mounts"].append(_mount_entry(vol["dest"], host.sources[vol["dest"]], vol["type"],
                                           vol["options"]))
        for n in vol["nested"]:
            if n["kind"] == "tmpfs":
                spec["mounts"].append({"destination": n["dest"], "type": "tmpfs",
                                       "source": "tmpfs", "options": n["options"]})
            else:
                spec["mounts"].append(_mount_entry(n["dest"], host.sources[n["dest"]],
                                                   n["type"], n["options"]))
    if case["rootfs_propagation"]:
        linux["rootfsPropagation"] = case["rootfs_propagation"]
    if case["userns"]:
        linux["namespaces"].append({"type": "user"})
        maps = [{"containerID": c, "hostID": h, "size": n} for c, h, n in case["userns"]]
        linux["uidMappings"] = maps
        linux["gidMappings"] = copy.deepcopy(maps)
    skip = gen.skip_list(case)
    if skip:
        spec.setdefault("annotations", {})["io.oci-idmap-hook.skip"] = ",".join(skip)
    if hooks:
        spec.setdefault("hooks", {})["createRuntime"] = hooks
    return spec
