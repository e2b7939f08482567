#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The include graph against the layer order (issue 26).

Data flows one way: input -> observe -> policy -> act, on top of the kernel's
and the libraries' boundary files and a little infrastructure.  A file may
include headers of its own layer or of a layer below it, never above: an
observation never depends on a decision, a decision never on how it is
carried out.  Every file of lib/ must be named in LAYERS below (a new file
takes its place on purpose), and hook/ and runtime/ sit on top.

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
    ("input", "state spec"),
    ("observe", "facts"),
    ("policy", "owner plan"),
    ("act", "mapset mntprop verify remount"),
    ("flow", "hook report"),
]

LEVEL = {m: i for i, (_, mods) in enumerate(LAYERS) for m in mods.split()}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def module(name):
    """The module a lib/ file belongs to, or None when it is in no layer."""
    base = os.path.splitext(os.path.basename(name))[0]
    while base not in LEVEL and "_" in base:
        base = base.rsplit("_", 1)[0]
    return base if base in LEVEL else None


def main():
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
    for p in problems:
        print(p)
    n = sum(len(m.split()) for _, m in LAYERS)
    print(f"layers: {len(problems)} violation(s) among {len(LAYERS)} layers of {n} modules")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
