# SPDX-License-Identifier: Apache-2.0
"""The oracle's own rules on made-up tables: what must pass passes, and each
kind of difference fails.  Runs in a fraction of a second, before the
containers (tests/oracle/common.bash)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
import gen  # noqa: E402
import mounts  # noqa: E402

EXT4 = "- ext4 /dev/vda rw"
ROOT = "1 0 254:0 /rootfs / rw,relatime - ext4 /dev/vda rw"
# The runtime's /v0: a bind of 501:501's /vol, read-only.
RUNTIME_V0 = f"10 1 254:0 /vol /v0 ro,relatime {EXT4}"
# The hook's clone stacked on it.
CLONE_V0 = "20 10 254:0 /vol /v0 {opts} {EXT4}"

CASE = {"userns": None, "user": [1000, 1000],
        "volumes": [{"dest": "/v0", "type": "rbind", "nested": [], "submount": None}]}
OWNERS = {"/v0": {"mounted": {"disk": [501, 501], "view": None}}}
PLAN = {"mounts": [{"destination": "/v0", "action": "idmap",
                    "uid_map": gen.swap_map(501, 1000), "gid_map": gen.swap_map(501, 1000)}]}


def tree_plan(flags):
    """A plan that names the tree of /v0: its one mount, idmapped, with flags."""
    e = dict(PLAN["mounts"][0])
    e["tree"] = [{"path": "/v0", "role": "idmap", "uid_map": e["uid_map"],
                  "gid_map": e["gid_map"], "flags": flags}]
    return {"mounts": [e]}


SKIP_PLAN = {"mounts": [{"destination": "/v0", "action": "skip", "reason": "test"}]}


def probe(table, owner, w="no:Read-only file system", x="ok"):
    lines = [f"M {line}" for line in table] + ["U 1000:1000"]
    lines += [f"O /v0 {i} {owner}" for i in (".", "f", "own", "x", "dev", "ln")]
    lines += ["O /v0 r0 0:0", f"A /v0 w {w}", "A /v0 r ok", "A /v0 or no:Permission denied",
              f"A /v0 ow {w}", f"A /v0 x {x}", "A /v0 dev ok", "A /v0 sym ok"]
    return "\n".join(lines)


WITHOUT = probe([ROOT, RUNTIME_V0], "501:501", w="no:Read-only file system")


def diffs(b_table, owner, plan=PLAN, **kw):
    b = probe([ROOT] + b_table, owner, **kw)
    return compare.compare(CASE, OWNERS, WITHOUT, b, plan, [])


FAILED = []


def expect(name, ok, detail=""):
    if not ok:
        FAILED.append(name)
        print(f"selftest: {name}: {detail}")


def same(name, found):
    expect(name, not found, f"differences found: {found}")


def differ(name, found):
    expect(name, found, "no difference found")


def main():
    clone = CLONE_V0.format(opts="ro,nosuid,relatime,idmapped", EXT4=EXT4)
    rw_clone = CLONE_V0.format(opts="rw,nosuid,relatime,idmapped", EXT4=EXT4)
    same("the runtime alone, twice", compare.compare(CASE, OWNERS, WITHOUT, WITHOUT, None, []))
    same("an idmapped clone as planned", diffs([RUNTIME_V0, clone], "1000:1000"))
    differ("a clone that lost ro", diffs([RUNTIME_V0, rw_clone], "1000:1000", w="ok"))
    differ("a clone that lost exec", diffs([RUNTIME_V0, clone], "1000:1000", x="no:denied"))
    differ("owners other than the plan's maps", diffs([RUNTIME_V0, clone], "501:1000"))
    differ("an idmapped mount the plan skips", diffs([RUNTIME_V0, clone], "1000:1000",
                                                     plan=SKIP_PLAN))
    differ("a mount gone", diffs([], "501:501"))
    same("a tree as planned", diffs([RUNTIME_V0, clone], "1000:1000",
                                    plan=tree_plan(["ro", "nosuid"])))
    differ("a tree other than planned", diffs([RUNTIME_V0, clone], "1000:1000",
                                              plan=tree_plan(["ro", "nosuid", "nodev"])))
    top = mounts.visible(mounts.parse("\n".join([ROOT, RUNTIME_V0, clone])))["/v0"]
    expect("the clone covers the runtime's mount", top.id == 20, f"visible: {top.id}")
    chain = mounts.parse(f"40 1 254:0 /vol /v0 rw shared:8 master:7 {EXT4}\n"
                         f"41 40 254:0 /vol /v0 rw shared:9 master:8 {EXT4}")
    prop = mounts.propagation(chain[1], mounts.reach(chain, {7}))
    expect("a slave of a slave of the host receives the host's events",
           prop == "shared slave(host)", prop)
    ids = [compare.map_id(gen.swap_map(501, 1000), i) for i in (0, 501, 700, 1000, 4294967294)]
    expect("the swap map", ids == [0, 1000, 700, 501, 4294967294], ids)
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
