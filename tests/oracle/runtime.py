# SPDX-License-Identifier: Apache-2.0
"""Run a bundle to completion with runc or crun; the host's mount table."""
import os
import subprocess

import mounts

HERE = os.path.dirname(os.path.abspath(__file__))
# crun runs as tests/lib.sh's run_crun runs it (tests/helpers/crun_in_ns.sh),
# but with the propagation of every mount but /sys unchanged, so that the
# oracle's shared sources stay peers of crun's view of them (a mount that
# would leak to the host reaches the oracle's table).
CRUN_IN_NS = os.path.join(HERE, "..", "helpers", "crun_in_ns.sh")


def command(runtime, state, bundle, cid):
    if runtime == "runc":
        return ["runc", "--root", state, "run", "--bundle", bundle, cid]
    if runtime == "crun":
        return ["unshare", "-m", "--propagation", "unchanged", "sh", CRUN_IN_NS, state, bundle,
                cid]
    raise ValueError(f"unknown runtime {runtime}")


def run(runtime, state, bundle, cid, timeout):
    """(exit code, stdout, stderr) of one container run; 124 on a timeout."""
    argv = ["timeout", "-k", "5", str(timeout)] + command(runtime, state, bundle, cid)
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=timeout + 30)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = 124, _text(e.stdout), _text(e.stderr) + f"\n(timed out after {timeout}s)"
    if runtime == "runc":
        subprocess.run(["runc", "--root", state, "delete", "-f", cid], capture_output=True)
    return rc, out, err


def _text(b):
    if b is None:
        return ""
    return b.decode(errors="replace") if isinstance(b, bytes) else b


def host_table():
    with open("/proc/self/mountinfo") as f:
        return f.read()


def restore(before):
    """Unmount the mounts a run left on the host (before: the table before
    it), the runtime's own leftovers too, so that each run starts from the
    same host.  Only a mount that is new and on top at its mount point is
    unmounted, the shallowest first with everything on it, and made private
    first: a leaked mount is a peer of the host's, and an unmount would
    propagate to the host's own mounts.  Returns what could not be undone."""
    before_ids = {m.id for m in mounts.parse(before)}
    for _ in range(256):
        table = mounts.parse(host_table())
        new = [m for m in table if m.id not in before_ids]
        if not new:
            return []
        vis = mounts.visible(table)
        top = [m for m in new if vis.get(m.point) is m]
        if not top:
            return [f"cannot undo a new host mount under another: {m.point}" for m in new]
        m = min(top, key=lambda m: (m.point.count("/"), -m.order))
        for argv in (["mount", "--make-rprivate", m.point], ["umount", "-l", m.point]):
            p = subprocess.run(argv, capture_output=True, text=True)
            if p.returncode != 0:
                return [f"{' '.join(argv)}: {p.stderr.strip()}"]
    return ["too many new host mounts to undo"]
