#!/usr/bin/env python3
# tests/bench/report.py RAW OUT.json META: the table (stdout) and the JSON
# from the "KEY NS" lines bench.sh recorded.  Figures: median [min-max] over
# the runs; a ratio is median(A) / median(B) of variants run alternately.
import json
import statistics
import sys


def count(text):
    """1000000 -> 1M, 100000 -> 100k, 1024 (MiB) stays."""
    n = int(text) if str(text).isdigit() else None
    if n is None:
        return str(text)
    for div, suffix in ((1000000, "M"), (1000, "k")):
        if n >= div and n % div == 0:
            return "%d%s" % (n // div, suffix)
    return str(n)


def load(path):
    samples = {}
    with open(path) as f:
        for line in f:
            key, ns = line.split()
            samples.setdefault(key, []).append(int(ns))
    return samples


def stat(xs):
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs),
            "n": len(xs), "samples": xs}


class Report:
    def __init__(self, samples, meta):
        self.stats = {k: stat(v) for k, v in samples.items()}
        self.meta = meta
        self.ratios = {}
        self.targets = []

    def has(self, key):
        return key in self.stats

    def med(self, key):
        return self.stats[key]["median"]

    def fig(self, key, unit=1e6, width=22):
        """median [min-max] in ms (unit=1e6) or us (unit=1e3)."""
        if key not in self.stats:
            return "-".ljust(width)
        s = self.stats[key]
        prec = 3 if unit == 1e6 and s["median"] < 1e7 else (0 if unit == 1e3 else 1)
        text = "%.*f [%.*f-%.*f]" % (prec, s["median"] / unit, prec, s["min"] / unit,
                                     prec, s["max"] / unit)
        return text.ljust(width)

    def ratio(self, a, b):
        if a not in self.stats or b not in self.stats or self.med(b) == 0:
            return None, "-"
        r = self.med(a) / self.med(b)
        self.ratios["%s / %s" % (a, b)] = r
        return r, ("%.3fx" % r if r < 10 else "%.1fx" % r)

    def target(self, what, value, limit, unit):
        ok = value <= limit
        self.targets.append({"target": what, "measured": value, "limit": limit,
                             "unit": unit, "met": ok})
        return "%s (target <= %g%s)" % ("met" if ok else "MISSED", limit, unit)


def section_cost(r, mounts):
    print("0. The hook's cost inside runc (ms): `runc run` of busybox `true`, whose createRuntime")
    print("   hook runs under timeit (exec to exit, as runc runs it), four hooks in one rotation:")
    print("   a static and a dynamic do-nothing C hook, the libmount floor (a do-nothing hook")
    print("   linked with libmount that parses its mount table once: floor.c), the hook.")
    print("   none: Docker's /etc/hosts, /etc/resolv.conf, /etc/hostname (root's) and a volume")
    print("   the container user owns, nothing to remap; N: N volumes owned 501:501, remapped")
    cases = ["none"] + [str(n) for n in mounts]
    print("   %-6s %-21s %-21s %-21s %-21s %-8s %-8s %s" % (
        "case", "static do-nothing", "dynamic do-nothing", "libmount floor", "oci-idmap-hook",
        "/static", "/floor", "target"))
    limits = {"none": ("nothing", 1.4), "1": ("floor", 1.2), "8": ("floor", 1.3),
              "64": ("floor", 2.0)}
    for c in cases:
        k = "cost.%s" % c
        if not r.has(k + ".hook"):
            continue
        v_static, rs = r.ratio(k + ".hook", k + ".nothing")
        v_floor, rf = r.ratio(k + ".hook", k + ".floor")
        tgt = ""
        if c in limits:
            base, limit = limits[c]
            value = v_static if base == "nothing" else v_floor
            what = "static do-nothing hook" if base == "nothing" else "libmount floor"
            tgt = r.target("hook in runc, %s, / %s" % (
                "nothing to remap" if c == "none" else c + " volume(s)", what),
                round(value, 3), limit, "x")
        print("   %-6s %s%s%s%s%-8s %-8s %s" % (
            c, r.fig(k + ".nothing", width=22), r.fig(k + ".dynamic", width=22),
            r.fig(k + ".floor", width=22), r.fig(k + ".hook", width=22), rs, rf, tgt))
        if r.has(k + ".other"):
            _, ro = r.ratio(k + ".other", k + ".nothing")
            _, rof = r.ratio(k + ".other", k + ".floor")
            print("   %-6s %-66s%s%-8s %-8s (BENCH_OTHER_HOOK)" % (
                "", "", r.fig(k + ".other", width=22), ro, rof))
    k = "run.8"
    if r.has(k + ".hook"):
        v, rt = r.ratio(k + ".hook", k + ".nothing")
        tgt = r.target("runc run, 8 volumes, hook / static do-nothing hook", round(v, 3), 1.10,
                       "x")
        print("   `runc run` itself, 8 volumes: with the hook %s with the static do-nothing" %
              r.fig(k + ".hook", width=0))
        print("   hook %s: %s, %s" % (r.fig(k + ".nothing", width=0), rt, tgt))
    print()


def section_hook(r, mounts):
    print("1. The hook as a process, exec to exit (ms), on a parked container (runc create,")
    print("   stopped at createRuntime); the static do-nothing hook alternately, same stdin")
    print("   %-7s %-22s %-22s %-8s %s" % ("mounts", "oci-idmap-hook", "do-nothing hook",
                                         "ratio", "hook-nothing"))
    for n in mounts:
        k = "hook.n%d" % n
        if not r.has(k + ".hook"):
            continue
        _, rt = r.ratio(k + ".hook", k + ".nothing")
        diff = "%.3f" % ((r.med(k + ".hook") - r.med(k + ".nothing")) / 1e6)
        print("   %-7d %s %s %-8s %s" % (n, r.fig(k + ".hook"), r.fig(k + ".nothing"),
                                        rt, diff))
    print()
    print("   Phase split from separate --log-level debug runs (us, median [min-max]):")
    names = ["parse", "userns", "clone", "idmap", "verify", "swap", "total"]
    print("   %-7s" % "mounts" + "".join("%-18s" % x for x in
                                         ["parse+plan"] + names[1:] + ["debug run wall"]))
    for n in mounts:
        k = "hook.n%d" % n
        if not r.has(k + ".debug"):
            continue
        cells = [r.fig("%s.%s" % (k, x), 1e3, 17) for x in names]
        cells.append(r.fig(k + ".debug", 1e3, 17))
        print("   %-7d" % n + " ".join(cells))
    print("   (total = in-process time from the start of main's work to the end; the rest")
    print("   of the wall time is exec, dynamic linking, start-up and exit.)")
    print("   verify before attach (a statx of each planned mount's root in its clone), next")
    print("   to the hook's in-process total and to its cost over the do-nothing hook:")
    for n in mounts:
        k = "hook.n%d" % n
        if not r.has(k + ".verify"):
            continue
        v, total = r.med(k + ".verify") / 1e3, r.med(k + ".total") / 1e3
        cost = (r.med(k + ".hook") - r.med(k + ".nothing")) / 1e3
        print("   %-7d %.1f us (%.1f us a mount): %.1f%% of the total, %.1f%% of hook-nothing"
              % (n, v, v / n, 100 * v / total if total else 0, 100 * v / cost if cost else 0))
    if r.has("verify.as-root"):
        def us(key):
            st = r.stats[key]
            return "%.2f [%.2f-%.2f]" % (st["median"] / 1e3, st["min"] / 1e3, st["max"] / 1e3)
        print("   one check alone (verify_cost.c, us): as root, as local filesystems are asked,")
        print("   %s; as the container user (FUSE, virtiofs, others), %s"
              % (us("verify.as-root"), us("verify.as-user")))
    print()


def section_start(r):
    print("2. Container start: `run` of busybox `true` with 8 volumes (ms), variants alternating")
    print("   %-8s %-22s %-22s %-22s %-10s %-10s %s" % (
        "runtime", "with the hook", "do-nothing hook", "no hook", "hook/nothing",
        "hook/none", "target"))
    for rt in ("runc", "crun"):
        k = "start." + rt
        if not r.has(k + ".hook"):
            continue
        v, ht = r.ratio(k + ".hook", k + ".nothing")
        _, hn = r.ratio(k + ".hook", k + ".none")
        tgt = r.target("%s start, hook / do-nothing hook" % rt, round(v, 3), 1.03, "x")
        print("   %-8s %s %s %s %-10s %-10s %s" % (rt, r.fig(k + ".hook"), r.fig(k + ".nothing"),
                                                 r.fig(k + ".none"), ht, hn, tgt))
    print()


def section_data(r, meta):
    print("3. Data path, timed inside the container by a static helper (ms);")
    print("   the container user sees the files as its own in all three (plain: runs as 501:501)")
    print("   %-22s %-24s %-24s %-24s %-11s %-11s %s" % (
        "workload", "idmapped mount", "plain bind mount", "bindfs --map",
        "idmap/plain", "bindfs/plain", "target"))
    mib = meta.get("big_mib", "?")
    size = "1 GiB" if mib == "1024" else "%s MiB" % mib
    rows = [("walk", "stat walk, %s files" % count(meta.get("walk_files", "?"))),
            ("create", "create %s files" % count(meta.get("create_files", "?"))),
            ("write", "write %s" % size),
            ("read", "read %s" % size),
            ("cold-walk", "stat walk, cold cache"),
            ("cold-read", "read, cold cache")]
    for wl, label in rows:
        k = "data." + wl
        if not r.has(k + ".idmap"):
            continue
        v, ip = r.ratio(k + ".idmap", k + ".plain")
        _, bp = r.ratio(k + ".bindfs", k + ".plain")
        tgt = ""
        if not wl.startswith("cold"):
            tgt = r.target("data path %s, idmapped / plain" % wl, round(v, 3), 1.03, "x")
        print("   %-22s %s %s %s %-11s %-11s %s" % (
            label, r.fig(k + ".idmap", width=24), r.fig(k + ".plain", width=24),
            r.fig(k + ".bindfs", width=24), ip, bp, tgt))
    print("   (walk, read: a discarded warm-up run per variant, then %s passes a run; write:" %
          meta.get("data_reps", "?"))
    print("   %s passes a run, the first discarded; create, write: no fsync; cold rows:" %
          meta.get("write_passes", "?"))
    print("   one pass after sync + drop_caches)")
    print()


def section_chown(r, sizes):
    print("4. The alternative: chown -R of the volume (both ways, each a sample) vs the hook")
    print("   on a container with that volume (ms)")
    print("   %-9s %-26s %-22s %s" % ("files", "chown -R", "oci-idmap-hook", "chown/hook"))
    for n in sizes:
        k = "chown.n%d" % n
        _, rt = r.ratio(k + ".chown", k + ".hook")
        print("   %-9s %s %s %s" % (count(n), r.fig(k + ".chown", width=26), r.fig(k + ".hook"),
                                 rt))
    print()


def main():
    raw, out, meta_text = sys.argv[1:4]
    meta = dict(kv.split("=", 1) for kv in meta_text.split())
    r = Report(load(raw), meta)
    mounts = sorted({int(k.split(".")[1].lstrip("n")) for k in r.stats
                     if (k.startswith("hook.n") or k.startswith("cost."))
                     and k.split(".")[1].lstrip("n").isdigit()})
    sizes = sorted({int(k.split(".")[1][1:]) for k in r.stats if k.startswith("chown.n")})
    print("oci-idmap-hook %s benchmark: %s cores, Linux %s, runc %s, crun %s, bindfs %s, %s%s" % (
        meta.get("hook"), meta.get("cores"), meta.get("kernel"), meta.get("runc"),
        meta.get("crun"), meta.get("bindfs"), meta.get("fs"),
        " (BENCH_QUICK smoke run)" if meta.get("quick") == "1" else ""))
    print("Each figure: median [min-max] over the runs; ratios: median/median of variants")
    print("run alternately in the same benchmark run.")
    print()
    has = lambda prefix: any(k.startswith(prefix) for k in r.stats)
    if has("cost."):
        section_cost(r, mounts)
    if has("hook."):
        section_hook(r, mounts)
    if has("start."):
        section_start(r)
    if has("data."):
        section_data(r, meta)
    if has("chown."):
        section_chown(r, sizes)
    missed = [t["target"] for t in r.targets if not t["met"]]
    print("Targets: %d of %d met%s" % (len(r.targets) - len(missed), len(r.targets),
                                      "; missed: " + "; ".join(missed) if missed else ""))
    with open(out, "w") as f:
        json.dump({"meta": meta, "unit": "ns", "results": r.stats, "ratios": r.ratios,
                   "targets": r.targets}, f, indent=1)
        f.write("\n")
    print("JSON: %s" % out)


main()
