# SPDX-License-Identifier: Apache-2.0
"""Mount tables: parse /proc/PID/mountinfo, find what is visible, normalize."""

# Per-mount flags the kernel shows in mountinfo's sixth field; anything else
# there is kept too (compared as it is).
PROPAGATION_TAGS = ("shared", "master", "propagate_from", "unbindable")


def unescape(s):
    """mountinfo's octal escapes (\\040 for a space)."""
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and all(c in "01234567" for c in s[i + 1:i + 4]) and i + 3 < len(s):
            out.append(chr(int(s[i + 1:i + 4], 8)))
            i += 4
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


class Mount:
    __slots__ = ("id", "parent", "dev", "root", "point", "opts", "optional", "fstype",
                 "source", "super", "order")

    def __init__(self, line, order):
        f = line.split(" ")
        sep = f.index("-", 6)
        self.id, self.parent, self.dev = int(f[0]), int(f[1]), f[2]
        self.root, self.point = unescape(f[3]), unescape(f[4])
        self.opts = frozenset(f[5].split(","))
        self.optional = f[6:sep]
        self.fstype, self.source = f[sep + 1], unescape(f[sep + 2])
        self.super = f[sep + 3] if len(f) > sep + 3 else ""
        self.order = order

    def groups(self, tag):
        return [int(o.split(":")[1]) for o in self.optional if o.startswith(tag + ":")]


def parse(text):
    return [Mount(line, i) for i, line in enumerate(text.splitlines()) if line.strip()]


def _components(path):
    """"/a/b" -> ["/", "/a", "/a/b"]."""
    out, cur = ["/"], ""
    for part in path.split("/"):
        if part:
            cur += "/" + part
            out.append(cur)
    return out


def visible(table):
    """{mount point: the mount a lookup of that path lands on} for every
    mount point, resolved the way the kernel walks: from the root, at each
    component the latest mount on top of the current one, and on top of
    that the latest stacked on it.  mountinfo lists mounts in the order they
    were made (Linux 6.8 and later), which breaks ties."""
    children = {}
    for m in table:
        children.setdefault((m.parent, m.point), []).append(m)
    ids = {m.id for m in table}
    roots = [m for m in table if m.parent not in ids or m.parent == m.id]
    if not roots:
        return {}

    def top(parent_id, point, start=None):
        cur = start
        while True:
            kids = children.get((cur.id if cur else parent_id, point))
            if not kids:
                return cur
            cur = max(kids, key=lambda m: m.order)

    root = top(None, "/", max(roots, key=lambda m: m.order))
    seen = {}
    for m in table:
        cur = root
        for comp in _components(m.point)[1:]:
            nxt = top(cur.id, comp)
            if nxt is not None:
                cur = nxt
        if cur is m:
            seen[m.point] = m
    seen["/"] = root
    return seen


def host_groups(table):
    """The peer groups that have a member in this (the host's) table."""
    return {g for m in table for g in m.groups("shared")}


def reach(table, host):
    """(host, receiving): the peer groups with a member on the host, and the
    groups that receive the host's mount events: those, and, until nothing
    changes, the groups of container mounts that are slaves of one of them."""
    receiving = set(host)
    while True:
        more = {g for m in table for g in m.groups("shared")
                if any(x in receiving for x in m.groups("master") + m.groups("propagate_from"))}
        if more <= receiving:
            return host, receiving
        receiving |= more


def propagation(m, reached):
    """The kinds of m's propagation, peer-group numbers replaced by whether
    the group reaches the host: "shared(host)" for a peer of a host mount (its
    events go to the host), "slave(host)" for a slave that receives the
    host's events (directly or through other groups), e.g. "private"."""
    host, receiving = reached
    kinds = []
    for tag in PROPAGATION_TAGS:
        if tag == "unbindable":
            if "unbindable" in m.optional:
                kinds.append("unbindable")
            continue
        name = {"shared": "shared", "master": "slave", "propagate_from": "from"}[tag]
        groups = host if tag == "shared" else receiving
        for g in m.groups(tag):
            kinds.append(name + ("(host)" if g in groups else ""))
    return " ".join(sorted(kinds)) or "private"


def describe(m, reached):
    """What must be the same for a mount with the hook and without: a dict."""
    return {
        "fstype": m.fstype,
        "source": m.source,
        "root": m.root,
        "propagation": propagation(m, reached),
        "super": m.super,
    }


def _host_line(m):
    kinds = " ".join(sorted(o.split(":")[0] for o in m.optional))
    return f"{m.point} root={m.root} {','.join(sorted(m.opts))} [{kinds}] {m.fstype} {m.source}"


def host_changes(before, after):
    """What a run changed in the host's table: the mounts gone and the mounts
    new, each without its ids (sorted lines)."""
    tb, ta = parse(before), parse(after)
    ids_b, ids_a = {m.id for m in tb}, {m.id for m in ta}
    gone = sorted(_host_line(m) for m in tb if m.id not in ids_a)
    moved = {m.id: m for m in tb}
    changed = [m for m in ta if m.id in moved and _host_line(m) != _host_line(moved[m.id])]
    new = sorted(_host_line(m) for m in ta if m.id not in ids_b)
    new += sorted("changed: " + _host_line(m) for m in changed)
    return gone, new
