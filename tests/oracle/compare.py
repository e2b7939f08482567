# SPDX-License-Identifier: Apache-2.0
"""The comparison: one run without the hook (a), one with it (b).  The rules
are written down in oracle.py; this file applies them and returns every
difference it finds as one line each."""
import posixpath

import mounts

OVERFLOW = 65534
# Flags the hook adds to a mount it remaps, on purpose (README: "always nosuid").
HOOK_FLAGS = {"idmapped", "nosuid"}
# The flags a plan's tree names for each mount.
PLAN_FLAGS = {"ro", "nosuid", "nodev", "noexec", "nosymfollow"}
# Abilities that depend on who owns the item, and the item each one depends on.
OWNER_ABILITIES = {"w": ".", "or": "own", "ow": "own"}


def parse_probe(out):
    """The probe's output: its mount table, user, owners and abilities."""
    table, owners, abilities, user = [], {}, {}, None
    for line in out.splitlines():
        tag, _, rest = line.partition(" ")
        if tag == "M":
            table.append(rest)
        elif tag == "U":
            user = [int(x) for x in rest.split(":")]
        elif tag == "O":
            path, item, value = rest.split(" ", 2)
            owners[(path, item)] = value
        elif tag == "A":
            path, ability, value = rest.split(" ", 2)
            abilities[(path, ability)] = value
    return {"table": mounts.parse("\n".join(table)), "owners": owners,
            "abilities": abilities, "user": user}


def norm(path):
    return posixpath.normpath("/" + path).replace("//", "/")


def _inside(path, top):
    return path == top or top == "/" or path.startswith(top + "/")


class Plan:
    """What the plan says about each mount of the container: its maps when
    the hook remaps it, None when it leaves it as the runtime made it.  A
    plan that names every mount of a volume's tree ("tree": path, role,
    maps, flags) says it for each; an older one per destination, with an
    rbind's submounts under its destination's entry."""

    def __init__(self, doc, rbinds):
        self.rbinds = rbinds
        self.entries, self.nodes = {}, {}
        for e in (doc or {}).get("mounts", []):
            self.entries[norm(e["destination"])] = e
            if e.get("action") != "idmap":
                continue
            for node in e.get("tree") or []:
                self.nodes[norm(node["path"])] = node  # a later entry's own tree wins

    def maps(self, point):
        node = self.nodes.get(point)
        if node is not None:
            return (node["uid_map"], node["gid_map"]) if node.get("role") == "idmap" else None
        e = self.entries.get(point)
        if e is not None:
            return _entry_maps(e, point, True)
        # A submount an rbind brought: the deepest planned volume above it.
        above = [d for d in self.entries if _inside(point, d) and d != point]
        if not above:
            return None
        top = max(above, key=len)
        if top not in self.rbinds:
            return None
        return _entry_maps(self.entries[top], point, False)

    def node(self, point):
        """The plan's tree node of the mount at point, or None."""
        return self.nodes.get(point)


def _entry_maps(e, point, own):
    if e.get("action") != "idmap":
        return None
    if not own:
        sub = (e.get("submounts") or {}).get(point) or e.get("other_submounts")
        if sub:
            return sub["uid_map"], sub["gid_map"]
    return e["uid_map"], e["gid_map"]


def map_id(extents, i):
    for first, lower, count in extents:
        if first <= i < first + count:
            return lower + i - first
    return None


def shown(case, host_ids):
    """Host ids as the container shows them (its user namespace; the
    overflow id for what it does not map)."""
    out = []
    for h in host_ids:
        if h is None:
            out.append(OVERFLOW)
            continue
        if not case["userns"]:
            out.append(h)
            continue
        c = [ci + h - hi for ci, hi, n in case["userns"] if hi <= h < hi + n]
        out.append(c[0] if c else OVERFLOW)
    return "%d:%d" % tuple(out)


def disk_owner(model, item):
    """The on-disk owner of an item of a populated tree (see setup.populate)."""
    if item == "r0":
        return [0, 0]
    return model["disk"]


def through(maps, disk):
    if maps is None:
        return list(disk)
    return [map_id(maps[0], disk[0]), map_id(maps[1], disk[1])]


class Compare:
    def __init__(self, case, owners, a, b, plan, host):
        self.case, self.owners, self.a, self.b = case, owners, a, b
        rbinds = {norm(v["dest"]) for v in case["volumes"] if v["type"] == "rbind"}
        self.plan, self.host = Plan(plan, rbinds), host
        self.reach_a = mounts.reach(a["table"], host)
        self.reach_b = mounts.reach(b["table"], host)
        self.va = mounts.visible(a["table"])
        self.vb = mounts.visible(b["table"])
        self.diffs = []

    def diff(self, what):
        self.diffs.append(what)

    def covering(self, vis, path):
        return vis[max((p for p in vis if _inside(path, p)), key=len)]

    def remapped(self, point):
        """The plan's maps for the mount at point in run b, if the hook made
        it, it is idmapped and the plan remaps it."""
        m = self.vb.get(point)
        if m is None or "idmapped" not in m.opts or not self.hook_made(m):
            return None
        return self.plan.maps(point)

    def hook_made(self, m):
        """m, or a mount it is in, is stacked on a mount at its own mount
        point: the hook's clone on the runtime's mount (the runtime itself
        stacks nothing in these bundles)."""
        by_id = {x.id: x for x in self.b["table"]}
        while m.parent in by_id and m.parent != m.id:
            parent = by_id[m.parent]
            if parent.point == m.point:
                return True
            m = parent
        return False

    def rule_mounts(self):
        for point in sorted(set(self.va) | set(self.vb)):
            if point not in self.vb:
                self.diff(f"mount {point}: gone with the hook")
                continue
            if point not in self.va:
                self.diff(f"mount {point}: only with the hook")
                continue
            da = mounts.describe(self.va[point], self.reach_a)
            db = mounts.describe(self.vb[point], self.reach_b)
            for key in ("fstype", "source", "root", "propagation", "super"):
                if da[key] != db[key]:
                    self.diff(f"mount {point}: {key} {da[key]!r} without the hook, "
                              f"{db[key]!r} with it")
            self.flags(point, self.va[point].opts, self.vb[point].opts)
            self.plan_flags(point)

    def plan_flags(self, point):
        """Rule 8: where the hook acted, the mount has the flags the plan names."""
        node, m = self.plan.node(point), self.vb[point]
        if node is None or not self.hook_made(m):
            return
        said, has = set(node.get("flags", [])), m.opts & PLAN_FLAGS
        if said != has:
            self.diff(f"mount {point}: the plan says flags {','.join(sorted(said))}, "
                      f"the container has {','.join(sorted(has))}")

    def flags(self, point, fa, fb):
        added = fb - fa
        if self.remapped(point):
            added -= HOOK_FLAGS
        lost = fa - fb
        if not added and not lost:
            return
        delta = [f"+{f}" for f in sorted(added)] + [f"-{f}" for f in sorted(lost)]
        why = "" if self.remapped(point) else "; not a mount the plan remaps"
        self.diff(f"mount {point}: flags {','.join(sorted(fa))} without the hook, "
                  f"{','.join(sorted(fb))} with it ({', '.join(delta)}{why})")

    def expected(self, run, path, item):
        """The owner the probe must show for item at path in run a or b, or None
        when the oracle does not know the item's owner on disk."""
        vis = self.va if run == "a" else self.vb
        m = self.covering(vis, path)
        model = self.owners.get(path, {}).get("mounted" if m.point == path else "bare")
        if model is None:
            return None
        if run == "b" and self.remapped(m.point):
            maps = self.remapped(m.point)
        elif "idmapped" in m.opts:
            view = model["view"]
            maps = (view["uid_map"], view["gid_map"]) if view else None
            if maps is None:
                return None
        else:
            maps = None
        return shown(self.case, through(maps, disk_owner(model, item)))

    def rule_owners(self):
        oa, ob = self.a["owners"], self.b["owners"]
        for key in sorted(set(oa) | set(ob)):
            path, item = key
            va, vb = oa.get(key, "unseen"), ob.get(key, "unseen")
            if va == "absent" or vb == "absent" or "unseen" in (va, vb):
                if va != vb:
                    self.diff(f"owner {path} {item}: {va} without the hook, {vb} with it")
                continue
            ea = self.expected("a", path, item)
            if ea is not None and ea != va:
                self.diff(f"oracle model: owner {path} {item} without the hook: {va}, "
                          f"expected {ea}")
            m = self.covering(self.vb, path)
            maps = self.remapped(m.point)
            want = self.expected("b", path, item) if maps else va
            if want is not None and vb != want:
                how = f"the plan's maps give {want}" if maps else "the plan does not remap it"
                self.diff(f"owner {path} {item}: {va} without the hook, {vb} with it; {how}")

    def user_owns(self, run, path, item):
        """The user is the item's owner (its uid: owner-only modes here)."""
        user = run["user"] or [None, None]
        return run["owners"].get((path, item), "").split(":")[0] == str(user[0])

    def rule_abilities(self):
        aa, ab = self.a["abilities"], self.b["abilities"]
        for key in sorted(set(aa) | set(ab)):
            path, ability = key
            va, vb = aa.get(key, "unseen"), ab.get(key, "unseen")
            if va == vb:
                continue
            if OWNER_ABILITIES.get(ability) and self.owner_explains(path, ability, va, vb):
                continue
            self.diff(f"can {ability} {path}: {va} without the hook, {vb} with it")

    def owner_explains(self, path, ability, va, vb):
        """On a mount the plan remaps, the user may gain what the owner may
        once it owns the item, and lose it once it no longer does; never a
        write where the runtime's mount is read-only.  Errors may differ."""
        if not self.remapped(self.covering(self.vb, path).point):
            return False
        item = OWNER_ABILITIES[ability]
        gained, lost = va != "ok" and vb == "ok", va == "ok" and vb != "ok"
        if gained:
            ro = "ro" in self.covering(self.va, path).opts
            return self.user_owns(self.b, path, item) and not (ro and ability != "or")
        if lost:
            return self.user_owns(self.a, path, item)
        return True

    def run(self):
        if self.a["user"] != self.b["user"]:
            self.diff(f"user {self.a['user']} without the hook, {self.b['user']} with it")
        self.rule_mounts()
        self.rule_owners()
        self.rule_abilities()
        return self.diffs


def compare(case, owners, a_out, b_out, plan, host_table):
    """Every difference between run a and run b that the rules do not allow."""
    a, b = parse_probe(a_out), parse_probe(b_out)
    host = mounts.host_groups(host_table)
    return Compare(case, owners, a, b, plan, host).run()

