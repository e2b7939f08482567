#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The include graph against the layer order (issue 26).

Data flows one way: input -> observe -> policy -> act, on top of the kernel's
and the libraries' boundary files and a little infrastructure.  A file may
include headers of its own layer or of a layer below it, never above: an
observation never depends on a decision, a decision never on how it is
carried out.  Every file of lib/ must be named in LAYERS below (a new file
takes its place on purpose), and hook/ and runtime/ sit on top.

Two more rules keep the graph a graph that reads one way:
- no cycle between modules: if a includes b's header (directly or through
  others), b never includes a's;
- no back edge through a private header (a lib/ header with no .c of its
  own, e.g. plan_internal.h): it never includes the public header of a file
  that includes it.  A module split across files that share such a header
  (one concern, one module) is named in SPLIT below, with why.

Run from the repository root: python3 tests/layers.py; exit 1 on a violation.
"""
import os
import re
import sys

# Lowest first.  A module is a file's name without .c/.h and without a
# suffix after "_" that names a part of it (plan_tree -> plan), unless the
# longer name is listed itself.
LAYERS = [
    ("infrastructure", "cleanup err syscalls kver log io json json_text json_path "
                       "mount_types table"),
    ("ids", "idmap"),
    ("boundary", "mountinfo mountroots mntns mnt pathres userns mntmaps hostinfo fs_owner "
                 "mounttree peers probe accounts"),
    ("input", "state spec_mounts spec_paths spec"),
    ("observe", "facts status"),
    ("policy", "owner plan_types plan_maps plan_owner plan_cheap plan_nodes plan_tree "
                "plan_suid plan_kernel plan"),
    ("act", "mapset mntprop verify remount"),
    ("flow", "hook report"),
]

# Modules that are one concern split across files sharing a private header
# that includes the module's own public header: allowed, with the reason
# (CONTRIBUTING.md's layer table says so too).
SPLIT = {
    "remount": "remount_stack.c is remount's own step (a tree stacked on the "
               "attached one), sharing struct remount through remount_internal.h",
    "accounts": "accounts_nss.c and accounts_subids.c read the other account files "
                "line by line as accounts.c does (accounts_lines.h)",
}

# Back edges known and not yet undone, each with what undoing it takes.  They
# are printed on every run, and fail it once they are gone (then delete the
# entry); any other back edge fails at once.
LEFT = {}

LEVEL = {m: i for i, (_, mods) in enumerate(LAYERS) for m in mods.split()}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def module(name):
    """The module a lib/ file belongs to, or None when it is in no layer."""
    base = os.path.splitext(os.path.basename(name))[0]
    while base not in LEVEL and "_" in base:
        base = base.rsplit("_", 1)[0]
    return base if base in LEVEL else None


def lib_includes():
    """{lib file name: [lib headers it includes]}."""
    out = {}
    for f in sorted(os.listdir("lib")):
        if f.endswith((".c", ".h")):
            with open(os.path.join("lib", f), encoding="utf-8") as fh:
                incs = INCLUDE.findall(fh.read())
            out[f] = [i for i in incs if os.path.exists(os.path.join("lib", i))]
    return out


def module_cycles(incs):
    """Cycles between modules: the strongly connected parts of the module
    graph with more than one module, each with the includes that tie it."""
    edges = {}
    for f, hs in incs.items():
        a = module(f)
        for h in hs:
            b = module(h)
            if a and b and a != b:
                edges.setdefault(a, {}).setdefault(b, []).append(f"{f} -> {h}")
    index, low, stack, on, parts = {}, {}, [], set(), []

    def visit(v):  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                parts.append(sorted(part))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    problems = []
    for part in parts:
        ties = [t for a in part for b in part for t in edges.get(a, {}).get(b, [])]
        problems.append(f"cycle between modules {', '.join(part)}: {'; '.join(ties)}")
    return problems


def private_back_edges(incs):
    """A private header (no .c of its own) that includes the public header of
    a file that includes it, outside the modules named in SPLIT."""
    problems = []
    for h, hs in incs.items():
        stem = h[:-2]
        if not h.endswith(".h") or f"{stem}.c" in incs:
            continue
        for f, fs in incs.items():
            own = f[:-2] + ".h"
            if f.endswith(".c") and h in fs and own in hs and module(f) not in SPLIT:
                problems.append((module(f), f"lib/{h} includes {own}, the header of lib/{f}, which "
                                f"includes it: a back edge (make the part a module of its "
                                f"own below, or name the module in SPLIT with why)"))
    return problems


def layer_violations():
    problems = []
    for d in ("lib", "hook", "runtime"):
        for f in sorted(os.listdir(d)):
            if not f.endswith((".c", ".h")):
                continue
            path = os.path.join(d, f)
            mine = module(f) if d == "lib" else None
            if d == "lib" and mine is None:
                problems.append(f"{path}: in no layer (add it to LAYERS in {sys.argv[0]})")
                continue
            level = LEVEL[mine] if mine else len(LAYERS)
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
            for inc in INCLUDE.findall(text):
                if not os.path.exists(os.path.join("lib", inc)):
                    continue  # hook/ and runtime/ headers, tests' own
                theirs = module(inc)
                if theirs is None:
                    problems.append(f"{path}: includes {inc}, which is in no layer")
                elif LEVEL[theirs] > level:
                    problems.append(
                        f"{path} ({LAYERS[level][0] if mine else 'top'}) includes {inc} "
                        f"({LAYERS[LEVEL[theirs]][0]}): a layer above it")
    return problems


def main():
    incs = lib_includes()
    problems = layer_violations() + module_cycles(incs)
    left = set()
    for mod, p in private_back_edges(incs):
        if mod in LEFT:
            left.add(mod)
            print(f"left: {p}")
        else:
            problems.append(p)
    for mod in sorted(set(LEFT) - left):
        problems.append(f"LEFT names {mod}, which has no back edge any more: delete the entry")
    for mod in sorted(left):
        print(f"left: {mod}: {LEFT[mod]}")
    for p in problems:
        print(p)
    n = sum(len(m.split()) for _, m in LAYERS)
    print(f"layers: {len(problems)} violation(s) among {len(LAYERS)} layers of {n} modules "
          f"(layer order, cycles between modules, private headers' back edges)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
