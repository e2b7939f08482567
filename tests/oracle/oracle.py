# SPDX-License-Identifier: Apache-2.0
"""The oracle: the runtime itself says what every mount must look like.

Each case (gen.py) is one bundle, run to completion twice by the same
runtime: (a) without the hook, (b) with `oci-idmap-hook` as its createRuntime
hook, preceded by `oci-idmap-hook plan --json --state -` (the plan of that very
start, from the same state at the same moment).  In the container the
process (probe) starts once the runtime has finished and reports the
container's mount table and, on every volume path, owners and what the user
can do.  "As the runtime leaves it" means these rules; any other difference
fails the case.

Words: a mount is *visible* when a lookup of its mount point lands on it
(the hook's clone stacked on the runtime's mount is visible, the runtime's
under it is not).  A mount is *remapped* when, in (b), it is visible,
idmapped, made by the hook (it or a mount it is in is stacked on a mount at
its own mount point) and the plan remaps it: its destination's entry says
idmap, or it is a submount an rbind whose entry says idmap brought along.

1. Start.  (a) and (b) both start, or both fail (a bundle the runtime
   refuses is counted, not compared).  The user is the same.
2. Place.  The visible mounts have the same mount points and, at each, the
   same filesystem, source, root within the filesystem and superblock options.
3. Flags.  Each visible mount's per-mount flags (ro, nosuid, nodev, noexec,
   nosymfollow, relatime, ...) are identical, but that a remapped mount adds
   `idmapped` and `nosuid` (the hook's policy: a remapped mount is always
   nosuid, README), and that a read-only entry's mount may add what its
   options name, whatever option follows (README: as crun reads them; under
   runc, where the last option wins, "ro,rw" ends stricter with the hook).
   Nothing is ever lost.
4. Propagation.  Each visible mount's propagation is identical: its kinds
   (shared, slave, propagate_from, unbindable, or private), each peer group
   reduced to whether it reaches the host: "shared(host)" when the group has
   a member in the host's table (what the container mounts there goes to the
   host), "slave(host)" when the master group receives the host's events,
   directly or through the container's other groups.  The numbers, and which
   container mounts share a group, are not compared.
5. Owners.  On a mount that is not remapped every owner shown is identical.
   On a remapped one each owner shown is exactly the plan's map applied to
   the owner on disk (the oracle made every file), as the container's user
   namespace shows it (65534 for what it does not map).  The oracle checks
   this model on (a) too: an owner (a) shows other than the owner on disk
   through the source's own idmapped view is an "oracle model" failure.
   An item a mount of its own covers in both runs (maskedPaths) shows what
   the runtime masks it with: judged by rule 2 alone.
6. Abilities.  Reading a 0644 file, running an 0755 script (noexec),
   opening a 0666 device node (nodev) and reading through a symlink
   (nosymfollow) give identical results, error text included.  Creating a
   file in a directory (or opening a file volume for writing), reading and
   writing a 0600 file, which only the owner may, differ only on a remapped
   mount, and only as the owners explain it: gained where (b) shows the user
   as the item's owner, lost where (a) did; a write is never gained where
   the runtime's mount is read-only; errors may differ.  What a flag added
   under rule 3 for a read-only entry takes away (w, ow: ro; x: noexec;
   dev: nodev) may be lost.  suid is judged by
   the nosuid flag (rule 3): a setuid program would be judged by its owner,
   which the hook changes on purpose.
7. Host.  After each run, failed or not, every volume file on disk (owner,
   mode, size, content) is as before, and the host's mount table
   (/proc/self/mountinfo of the namespace the runtimes run in) changed in
   (b) exactly as in (a): a runtime may change it itself (crun mounts a
   volume's nested mounts while the volume is still a peer of a shared host
   source, runc with rshared), the hook never.  Mounts are compared without
   their ids; each run's new host mounts are undone before the next run.
8. The plan tells the truth.  Where the plan names a volume's whole tree
   (each mount's role and the flags it ends with), every mount the hook
   made has exactly the flags (ro, nosuid, nodev, noexec, nosymfollow) the
   plan names for it, but at or below a readonlyPaths entry, where the
   visible mount is the runtime's copy of it made after the hooks (judged
   by rule 3 alone).  Propagation is judged by rule 4 only: the plan sees
   it when the hook runs, and runtimes change it afterwards (crun applies
   rootfsPropagation after the createRuntime hooks).
9. A fallback is told.  Every volume the plan leaves as the runtime made it
   because attaching would propagate where it must not is named in the
   hook's log as a warning, with the plan's reason.

The oracle runs in a private mount namespace of its own, the containers'
host; it makes shared sources there and undoes them with each case.
Sanity mode (--sanity) runs (a) twice under these rules, without a plan: it
must find nothing, or the rules see noise.  selftest.py checks the rules on
made-up tables.
"""
import argparse
import json
import os
import re
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
import gen  # noqa: E402
import mounts  # noqa: E402
import runtime  # noqa: E402
import setup  # noqa: E402

DEFAULT_SEED = "21"
DEFAULT_CASES = 150
# `plan --state -` from the runtime's state on stdin, into $1 (stderr $1.err);
# never fails the start.
PLAN_HOOK = '"$0" plan --json --state - >"$1" 2>"$1.err"; exit 0'


def parse_args(argv):
    p = argparse.ArgumentParser(description="the runtime as the hook's oracle")
    p.add_argument("--runtime", required=True, choices=("runc", "crun"))
    p.add_argument("--seed", default=os.environ.get("ORACLE_SEED") or DEFAULT_SEED)
    p.add_argument("--cases", type=int,
                   default=int(os.environ.get("ORACLE_CASES") or DEFAULT_CASES))
    p.add_argument("--case", default=os.environ.get("ORACLE_CASE") or "",
                   help="comma-separated case numbers to run alone")
    p.add_argument("--case-json", default=os.environ.get("ORACLE_CASE_JSON") or "",
                   help="a file holding one case (as a failure prints it), to run alone "
                   "(a case cut down by hand, say)")
    p.add_argument("--sanity", action="store_true", help="(a) twice, no hook")
    p.add_argument("--hook", required=True)
    p.add_argument("--work", required=True, help="a directory of the oracle's own")
    p.add_argument("--rootfs", required=True)
    p.add_argument("--base-config", required=True)
    p.add_argument("--idmap-mount", required=True)
    p.add_argument("--rerun", default="", help="how to rerun a case, for the report")
    p.add_argument("--timeout", type=int, default=60)
    args = p.parse_args(argv)
    if args.seed == "random":
        args.seed = str(int.from_bytes(os.urandom(4), "big"))
    return args


def _unlogged_fallbacks(plan, log):
    """Rule 9: every volume the plan leaves alone because attaching would
    propagate where it must not is named in the hook's log, with why."""
    out = []
    for e in (plan or {}).get("mounts", []):
        why = e.get("reason") or ""
        if e.get("action") == "skip" and "propagate" in why and \
                f"warn: {e['destination']}: skip: {why[:60]}" not in log:
            out.append(f"mount {e['destination']}: the plan falls back ({why[:60]}...), "
                       "the hook's log does not say so")
    return out


class Oracle:
    def __init__(self, args):
        self.args = args
        with open(args.base_config) as f:
            self.base = json.load(f)
        self.state = os.path.join(args.work, "state")
        self.counts = {"same": 0, "differ": 0, "refused": 0, "runtime changes the host": 0}
        self.classes = {}  # a difference without its paths and ids -> case numbers

    def hooks(self, bundle):
        plan = os.path.join(bundle, "plan.json")
        log = os.path.join(bundle, "hook.log")
        return [{"path": "/bin/sh", "args": ["sh", "-c", PLAN_HOOK, self.args.hook, plan]},
                {"path": self.args.hook,
                 "args": ["oci-idmap-hook", "--log-level", "info", "--log-file", log]}]

    def one_run(self, case, host, tag, with_hook):
        """Run the case's bundle once: what the probe printed, the runtime's
        exit and stderr, the plan and the hook's log (b), what changed on the host."""
        bundle = os.path.join(host.dir, "bundle-" + tag)
        os.mkdir(bundle, 0o711)
        hooks = self.hooks(bundle) if with_hook else None
        spec = setup.config(case, self.base, self.args.rootfs, host, hooks)
        with open(os.path.join(bundle, "config.json"), "w") as f:
            json.dump(spec, f, indent=1)
        table, disks = runtime.host_table(), host.snapshot()
        # One id for (a) and (b): it shows in the container's cgroup paths.
        cid = f"oracle-{os.getpid()}-{case['index']}"
        rc, out, err = runtime.run(self.args.runtime, self.state, bundle, cid,
                                   self.args.timeout)
        res = {"rc": rc, "out": out, "err": err, "table": table}
        gone, new = mounts.host_changes(table, runtime.host_table())
        res["host"] = [f"host mount gone: {x}" for x in gone] + \
            [f"host mount new: {x}" for x in new]
        res["restore"] = runtime.restore(table)
        res["volumes"] = _changed("volume file", disks, host.snapshot())
        res["plan"], res["plan_err"] = _read_json(os.path.join(bundle, "plan.json"))
        res["log"] = _read(os.path.join(bundle, "hook.log"))
        return res

    def judge(self, case, host, a, b):
        diffs = [f"{w}: {d}" for w, r in (("without the hook", a), ("with the hook", b))
                 for d in r["volumes"] + r["restore"]]
        # The host: what (b) changes, (a) must change alike (the runtime's own
        # doing, then undone); rule 7.
        diffs += [f"with the hook: {d}" for d in b["host"] if d not in a["host"]]
        diffs += [f"with the hook, not: {d}" for d in a["host"] if d not in b["host"]]
        if a["host"]:
            self.counts["runtime changes the host"] += 1
        if a["rc"] != 0:
            if b["rc"] == 0:
                diffs.append("the runtime refuses the bundle alone, starts it with the hook")
            return "refused", diffs
        if b["rc"] != 0:
            return "differ", diffs + [f"fails to start with the hook (exit {b['rc']})"]
        plan = b["plan"]
        if not self.args.sanity and plan is None:
            diffs.append(f"no plan: {b['plan_err']}")
        diffs += compare.compare(case, host.owners, a["out"], b["out"], plan,
                                 mounts.parse(a["table"]))
        diffs += _unlogged_fallbacks(plan, b["log"])
        return ("differ" if diffs else "same"), diffs

    def case(self, index):
        case = gen.make_case(self.args.seed, index, self.args.runtime)
        if self.args.case_json:
            with open(self.args.case_json) as f:
                case = json.load(f)
        host = setup.Host(case, os.path.join(self.args.work, f"case-{index}"),
                          self.args.idmap_mount)
        a = b = None
        try:
            host.make()
            a = self.one_run(case, host, "a", False)
            b = self.one_run(case, host, "b", not self.args.sanity)
            verdict, diffs = self.judge(case, host, a, b)
        except (setup.SetupError, OSError) as e:
            verdict, diffs = "differ", [f"oracle: cannot set the case up: {e}"]
        finally:
            problems = host.teardown()
        diffs += [f"oracle: {p}" for p in problems]
        if diffs and verdict != "differ":
            verdict = "differ"
        self.counts[verdict] += 1
        if verdict == "differ":
            self.report(case, diffs, a, b)
            for d in diffs:
                self.classes.setdefault(_class(d), set()).add(index)
        if (self.args.case or self.args.case_json) and a and b:  # run alone: all it saw
            self.dump(case, a, b)
        elif verdict == "refused":
            print(f"refused by {self.args.runtime} alone: case {case['index']}: "
                  f"{a['err'].strip().splitlines()[-1:]}")

    def report(self, case, diffs, a, b):
        args = self.args
        print(f"FAIL {args.runtime} case {case['index']} (seed {args.seed}): "
              f"{len(diffs)} difference(s)")
        print(f"  rerun: ORACLE_SEED={args.seed} ORACLE_CASE={case['index']} {args.rerun}")
        print(f"  case: {json.dumps(case)}")
        for d in diffs:
            print(f"  - {d}")
        for tag, r in (("without the hook", a), ("with the hook", b)):
            if r and r["rc"] != 0:
                print(f"  {tag}: exit {r['rc']}: {r['err'].strip()[-800:]}")
        if b and b.get("log"):
            print("  hook log:")
            print("".join(f"    {line}\n" for line in b["log"].splitlines()[-30:]), end="")
        sys.stdout.flush()

    def dump(self, case, a, b):
        print(f"case {case['index']}: {json.dumps(case)}")
        for tag, r in (("(a) without the hook", a), ("(b) with the hook", b)):
            print(f"--- {tag}: exit {r['rc']}")
            print(r["out"] + r["err"], end="")
            print("".join(f"H {x}\n" for x in r["host"]), end="")
        print("--- plan (b):")
        print(json.dumps(b["plan"], indent=1) if b["plan"] else b["plan_err"])

    def indices(self):
        if self.args.case_json:
            return [0]
        if self.args.case:
            return [int(x) for x in self.args.case.split(",") if x.strip()]
        return list(range(self.args.cases))

    def main(self):
        os.makedirs(self.state, exist_ok=True)
        start = time.monotonic()
        todo = self.indices()
        for index in todo:
            self.case(index)
        c = self.counts
        mode = "sanity (without the hook, twice)" if self.args.sanity else "hook"
        print(f"oracle {self.args.runtime} {mode}: {len(todo)} cases, seed {self.args.seed}: "
              f"{c['same']} same, {c['differ']} differ, {c['refused']} refused by the runtime, "
              f"{c['runtime changes the host']} where the runtime alone changes the host's "
              f"mounts ({time.monotonic() - start:.0f} s)")
        shutil.rmtree(self.state, ignore_errors=True)
        if self.classes:
            print("differences by kind (cases):")
            for k, cases in sorted(self.classes.items(), key=lambda kv: -len(kv[1])):
                print(f"  {len(cases):3d}  {k}  [{','.join(map(str, sorted(cases)))}]")
        return 1 if c["differ"] else 0


def _class(diff):
    """A difference without what varies from case to case."""
    d = re.sub(r"/tmp/\S*/case-\d+/", "CASE/", diff)
    d = re.sub(r"(host mount \w+: \S+) .*", r"\1 ...", d)
    d = re.sub(r"flags \S+ without the hook, \S+ with it", "flags", d)
    d = re.sub(r"/[vf]\d+(/[ns])?\d*", lambda m: "/V" + (m.group(1) or ""), d)
    d = re.sub(r"\b\d+:\d+\b", "U:G", d)
    d = re.sub(r"(vol|nest|sub)\d+(-\d+)?", r"\1", d)
    return d[:160]


def _changed(what, b, a):
    if b == a:
        return []
    gone = [f"{what} gone: {x}" for x in b if x not in a]
    new = [f"{what} new: {x}" for x in a if x not in b]
    return (gone + new) or [f"{what}s reordered"]


def _read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _read_json(path):
    try:
        with open(path) as f:
            return json.load(f), ""
    except (OSError, ValueError) as e:
        return None, f"{e}; stderr: {_read(path + '.err').strip()}"


if __name__ == "__main__":
    sys.exit(Oracle(parse_args(sys.argv[1:])).main())
