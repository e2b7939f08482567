# SPDX-License-Identifier: Apache-2.0
"""The oracle's case generator: a pure function of (seed, index).

A case is one bundle: a container user (1000:1000 or root), maybe a user
namespace, maybe a linux.rootfsPropagation, and one to four volumes, each a
bind or rbind of a directory or a file with a random set of the runtimes'
flags and propagation options.  A volume's source may be a shared mount
point on the host, an idmapped view of another directory, and may carry a
host submount (a tmpfs, a bind, an idmapped view) that an rbind brings
along.  A directory volume may hold mounts of its own from config.json
(a ro bind, a tmpfs, a ro file bind, one opted out with the annotation
io.oci-idmap-hook.skip, one whose owner already matches).

Every host id is as the host sees it.  Owners: mostly 501:501 (no host
account or group 501, see BRIEF), some the container user's own host ids,
some root, some half and half.  The same (seed, index) gives the same case
for every runtime (but for what fit() replaces), so `--case N` reruns one alone.
"""
import random

MAX_ID = 4294967294
FOREIGN = (501, 501)
SUB_FOREIGN = (502, 502)
DISK_OF_VIEW = 777  # the on-disk owner behind an idmapped view

USERNS_MAPS = (
    [[0, 100000, 65536]],
    [[0, 200000, 1000], [1000, 1000, 1], [1001, 201001, 64535]],
)
ROOTFS_PROPAGATIONS = (None, None, None, "private", "rprivate", "slave", "rslave",
                       "shared", "shared", "rshared", "rshared")
PROPAGATIONS = ("private", "rprivate", "slave", "rslave", "shared", "rshared",
                "unbindable", "runbindable")
# (option, probability) for a volume's own flags; r-forms as runc and crun take them.
FLAGS = (("ro", .25), ("rro", .1), ("nosuid", .2), ("rnosuid", .08), ("nodev", .2),
         ("rnodev", .08), ("noexec", .2), ("rnoexec", .08), ("nosymfollow", .12),
         ("rnosymfollow", .08))
NESTED_KINDS = ("ro-bind", "ro-bind", "tmpfs", "file", "skipped", "matching")


def swap_map(a, b):
    """The full-range map exchanging ids a and b: [[first, lower, count], ...]."""
    if a == b:
        return [[0, 0, MAX_ID + 1]]
    lo, hi = min(a, b), max(a, b)
    ext = [[0, 0, lo], [lo, hi, 1], [lo + 1, lo + 1, hi - lo - 1], [hi, lo, 1],
           [hi + 1, hi + 1, MAX_ID - hi]]
    return [e for e in ext if e[2] > 0]


def host_id(userns, cid):
    """The host id of container id cid (itself without a user namespace)."""
    if userns is None:
        return cid
    for c, h, n in userns:
        if c <= cid < c + n:
            return h + cid - c
    return None


def _owner(rng, user_host):
    kind = rng.choices(("foreign", "match", "root", "half"), (12, 3, 2, 2))[0]
    if kind == "foreign":
        return list(FOREIGN)
    if kind == "match":
        return list(user_host)
    if kind == "root":
        return [0, 0]
    return rng.choice(([FOREIGN[0], user_host[1]], [user_host[0], FOREIGN[1]]))


def _view(rng, owner, p):
    """An idmapped view showing on-disk DISK_OF_VIEW as owner, or None."""
    if 0 in owner or DISK_OF_VIEW in owner or rng.random() >= p:
        return None
    return {"uid_map": swap_map(DISK_OF_VIEW, owner[0]),
            "gid_map": swap_map(DISK_OF_VIEW, owner[1]),
            "disk_owner": [DISK_OF_VIEW, DISK_OF_VIEW]}


def _flags(rng, scale=1.0):
    return [f for f, p in FLAGS if rng.random() < p * scale]


def _submount(rng, owner):
    kind = rng.choice(("tmpfs", "bind", "bind", "view"))
    sub_owner = rng.choice((owner, list(SUB_FOREIGN), [0, 0])) if kind != "view" else owner
    sub = {"kind": kind, "owner": sub_owner, "view": None}
    if kind == "view":
        sub["view"] = _view(rng, owner, 1.0)
        if sub["view"] is None:
            sub["kind"] = "bind"
    return sub


def _nested(rng, user_host):
    kind = rng.choice(NESTED_KINDS)
    n = {"dest": None, "kind": kind, "options": [], "skip": False}
    if kind == "tmpfs":
        n["options"] = rng.choice((["ro"], ["ro", "nosuid", "nodev"], ["noexec"], []))
        n["options"] += ["mode=755"]
        return n
    n["owner"] = list(user_host) if kind == "matching" else list(FOREIGN)
    n["type"] = rng.choice(("bind", "rbind"))
    n["options"] = ["ro"] if kind != "matching" or rng.random() < .7 else []
    n["options"] += [f for f in _flags(rng, .5) if f not in n["options"]]
    n["skip"] = kind == "skipped"
    if kind == "file":
        n["file"] = "script"
    return n


def _volume(rng, user_host, dirs_left, files_left):
    """A volume; make_case names its destination and its nested mounts'."""
    is_file = files_left and (not dirs_left or rng.random() < .2)
    owner = _owner(rng, user_host)
    vol = {
        "dest": None,
        "kind": "file" if is_file else "dir",
        "owner": owner,
        "type": rng.choice(("bind", "rbind")),
        "options": _flags(rng),
        "shared": rng.random() < .35,
        "view": _view(rng, owner, .15),
        "submount": None,
        "nested": [],
        "skip": rng.random() < .06,
    }
    if rng.random() < .4:
        vol["options"].append(rng.choice(PROPAGATIONS))
    if is_file:
        vol["file"] = rng.choice(("script", "script", "dev"))
        return vol
    if rng.random() < .3:
        vol["submount"] = _submount(rng, owner)
    if rng.random() < .35:
        vol["nested"] = [_nested(rng, user_host) for _ in range(rng.choice((1, 1, 2)))]
    return vol


def _plain(options):
    out = []
    for o in options:
        o = o[1:] if o in RECURSIVE else o
        if o not in out:
            out.append(o)
    return out


FLAG_NAMES = {f for f, _ in FLAGS}
RECURSIVE = {f for f in FLAG_NAMES if f[1:] in FLAG_NAMES}


def fit(case, runtime):
    """What the runtime would refuse outright (measured), replaced.  crun 1.8
    refuses a recursive flag on a file bind ("open mount target: Not a
    directory"): the plain flag instead.  runc 1.1 binds from inside a
    container's user namespace, where the kernel refuses a bind without the
    source's submounts (EINVAL, they are locked): rbind instead."""
    for vol in case["volumes"]:
        for m in [vol] + vol["nested"]:
            if runtime == "crun" and m["kind"] == "file":
                m["options"] = _plain(m["options"])
        if runtime == "runc" and case["userns"] and vol["submount"]:
            vol["type"] = "rbind"
    return case


def make_case(seed, index, runtime):
    """The case number index of seed for runtime: a dict, JSON as it is."""
    rng = random.Random(f"{seed}/{index}")
    user = [1000, 1000] if rng.random() < .75 else [0, 0]
    userns = rng.choice(USERNS_MAPS) if rng.random() < .3 else None
    user_host = [host_id(userns, user[0]), host_id(userns, user[1])]
    case = {
        "seed": seed,
        "index": index,
        "user": user,
        "userns": userns,
        "rootfs_propagation": rng.choice(ROOTFS_PROPAGATIONS),
        "volumes": [],
    }
    n = rng.choice((1, 2, 2, 3, 3, 4))
    dirs, files = 0, 0
    for _ in range(n):
        vol = _volume(rng, user_host, dirs < 4, files < 2)
        if vol["kind"] == "file":
            vol["dest"] = f"/f{files}"
            files += 1
        else:
            vol["dest"] = f"/v{dirs}"
            for j, nested in enumerate(vol["nested"]):
                nested["dest"] = f"{vol['dest']}/n{j}"
            dirs += 1
        case["volumes"].append(vol)
    return fit(case, runtime)


def probe_paths(case):
    """Every path the probe looks at: volumes, their submount points, nested mounts."""
    paths = []
    for vol in case["volumes"]:
        paths.append(vol["dest"])
        if vol["submount"]:
            paths.append(vol["dest"] + "/s")
        paths.extend(n["dest"] for n in vol["nested"])
    return paths


def skip_list(case):
    out = [v["dest"] for v in case["volumes"] if v["skip"]]
    out += [n["dest"] for v in case["volumes"] for n in v["nested"] if n["skip"]]
    return out
