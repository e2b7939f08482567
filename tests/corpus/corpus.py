#!/usr/bin/env python3
"""tests/corpus: valid-but-odd config.json documents (issue 22).

Each case is a config.json that runc, crun or both accept, written as text
from a base config.json (a bundle's: its process, root, mounts) so that
every odd byte is where the case puts it.  tests/e2e/74-corpus-*.sh runs
each under the runtime alone, with the hook at createRuntime, and through
oci-idmap-runtime, and checks that each starts (or fails) exactly as without
the hook, and that what the container sees differs only where the hook
remaps /data.

  corpus.py list
      the cases, one a line: NAME RUNC CRUN HOOK WRAPPER REASON
      RUNC, CRUN   what the runtime alone does with it: start | refuse
                   (measured with runc 1.1.5 and crun 1.8.1)
      HOOK         what the hook does: idmap (/data remapped) | leave
                   (every mount as the runtime made it, REASON in its log)
      WRAPPER      idmap (the wrapper adds the hook, which remaps /data) |
                   leave-hook (added; the hook leaves it, as HOOK) |
                   leave (not added: its warning says REASON)
  corpus.py write NAME BASE OUT with|without HOOK_PATH [HOOK_ARG...]
      write case NAME made from the config.json BASE to OUT, with the hook
      entry as its first member or without it (the sized cases count it
      either way)
"""
import json
import sys

IO_CONFIG_MAX = 64 * 1024 * 1024


def text_of(spec):
    return json.dumps(spec, separators=(",", ":"), ensure_ascii=False)


def with_member(spec, raw):
    """The spec's text with raw (text of members) added last."""
    t = text_of(spec)
    return t[:-1] + "," + raw + "}"


def hooks_member(hook):
    """The member the wrapper would add, as the first member: the same bytes."""
    entry = {"path": hook[0], "args": hook[1:]}
    return '"hooks":{"createRuntime":[' + text_of(entry) + "]}"


def splice(text, hook):
    """text (a document as str or bytes) with the hook as its first member."""
    if hook is None:
        return text
    member = hooks_member(hook)
    if isinstance(text, bytes):
        return b"{" + member.encode() + b"," + text[1:]
    return "{" + member + "," + text[1:]


def mount_index(spec, dest):
    return [m["destination"] for m in spec["mounts"]].index(dest)


# --- the cases: each returns the document's text (str or bytes) -----------

def dup_annotation(spec, hook):
    return splice(with_member(spec, '"annotations":{"a":"1","a":"2","b":"x"}'), hook)


def dup_unknown_deep(spec, hook):
    raw = ('"x-ext":{"k":[{"z":1,"z":{"y":[1,{"w":1,"w":[2]}]}}],"k":null},'
           '"x-ext":0')
    return splice(with_member(spec, raw), hook)


def dup_process_args(spec, hook):
    """process.args twice: runc runs the last, crun the first."""
    t = text_of(spec)
    t = t.replace('"args":', '"args":["sh","-c","echo FIRST"],"args":', 1)
    return splice(t, hook)


def dup_process_merge(spec, hook):
    """process twice, the second with args only: runc merges, crun takes the first."""
    args = json.dumps(["sh", "-c", "echo MERGED; " + spec["process"]["args"][2]])
    return splice(with_member(spec, '"process":{"args":' + args + "}"), hook)


def dup_root(spec, hook):
    """root twice, the same: both start; the hook reads root."""
    return splice(with_member(spec, '"root":' + text_of(spec["root"])), hook)


def dup_mount_options(spec, hook):
    """/data's options twice: runc mounts it rw (the last), crun ro (the first)."""
    s = json.loads(text_of(spec))
    i = mount_index(s, "/data")
    m = s["mounts"][i]
    s["mounts"][i] = "@@DATA@@"
    raw = ('{"destination":"/data","type":"bind","source":' + json.dumps(m["source"]) +
           ',"options":["rbind","ro"],"options":["rbind"]}')
    return splice(text_of(s).replace('"@@DATA@@"', raw), hook)


def case_annotations(spec, hook):
    """"Annotations": runc reads it as annotations, crun does not."""
    return splice(with_member(spec, '"Annotations":{"a":"b"}'), hook)


def case_unread(spec, hook):
    """"HOSTNAME": runc reads it as hostname, crun does not; the hook never does."""
    return splice(with_member(spec, '"HOSTNAME":"odd"'), hook)


def trailing_garbage(spec, hook):
    return splice(text_of(spec), hook) + ' /* what runc does not read */ {"root": ['


def trailing_nul(spec, hook):
    return splice(text_of(spec), hook).encode() + b"\n\x00\x00junk\xff"


def invalid_utf8(spec, hook):
    """Bytes that are not UTF-8 in an annotation: runc reads U+FFFD, crun refuses."""
    t = with_member(spec, '"annotations":{"a":"@@"}').encode()
    return splice(t.replace(b"@@", b"\xc3\x28 \xed\xa0\x80 \xff\xfe \xc0\xaf"), hook)


def lone_surrogates(spec, hook):
    raw = r'"annotations":{"a":"\ud800","b":"\udc00x","c":"\ud800\u0041","d":"\ud83d\ude42"}'
    return splice(with_member(spec, raw), hook)


def utf8_edges(spec, hook):
    """Every UTF-8 length, the last code points, combining marks, BOM inside a string."""
    s = json.loads(text_of(spec))
    s["annotations"] = {"\u00e9\u4e2d\U0001f642": "\u0080\u07ff\u0800\uffff\U00010000\U0010ffff",
                        "e\u0301": "\ufeff\u2028\u2029", "\\\"": "\u00a0"}
    s["process"]["env"] = s["process"].get("env", []) + ["ODD=\u00e9\U0001f642"]
    return splice(text_of(s), hook)


def nul_unread(spec, hook):
    return splice(with_member(spec, r'"annotations":{"a\u0000":"x\u0000y"}'), hook)


def huge_numbers(spec, hook):
    raw = ('"x-numbers":[1e400,-1e400,1e-400,18446744073709551616123,'
           '-9223372036854775809,123456789012345678901234567890.5,0.0000000000000000000001]')
    return splice(with_member(spec, raw), hook)


def unknown_version(spec, hook):
    s = json.loads(text_of(spec))
    s["ociVersion"] = "9.9.9"
    return splice(with_member(s, '"x-future":{"a":[1,{"b":null}],"c":true}'), hook)


def unknown_fields(spec, hook):
    s = json.loads(text_of(spec))
    s["process"]["x-vendor"] = {"deep": [[[[{"n": None}]]]]}
    s["root"]["x-note"] = "not read"
    for m in s["mounts"]:
        m["x-tag"] = 1
    return splice(with_member(s, '"x-top":[]'), hook)


def padded(spec, hook, size, spliced):
    """Padding in a field nobody reads (not an annotation, which the state
    would carry too), so that the document with the hook is size bytes."""
    body = with_member(spec, '"x-pad":"')
    tail = '"}'
    pad = size - len(splice(body, hook)) - len(tail)
    return (splice(body, hook) if spliced else body) + "p" * pad + tail


def big_at_limit(spec, hook, spliced):
    """IO_CONFIG_MAX bytes with the hook: the largest the hook reads.
    Without, shorter by the hook's entry: the wrapper's fits too."""
    return padded(spec, hook, IO_CONFIG_MAX, spliced)


def big_pushed_over(spec, hook, spliced):
    """IO_CONFIG_MAX bytes without the hook: the hook's entry pushes it over."""
    doc = padded(spec, None, IO_CONFIG_MAX, False)
    return splice(doc, hook) if spliced else doc


def big_over(spec, hook, spliced):
    """One byte more than the hook reads, without the hook."""
    doc = padded(spec, None, IO_CONFIG_MAX + 1, False)
    return splice(doc, hook) if spliced else doc


CASES = [
    # name, function, runc, crun, hook, wrapper, reason
    ("dup-annotation", dup_annotation, "start", "start", "idmap", "idmap", ""),
    ("dup-unknown-deep", dup_unknown_deep, "start", "start", "idmap", "idmap", ""),
    ("dup-process-args", dup_process_args, "start", "start", "idmap", "idmap", ""),
    ("dup-process-merge", dup_process_merge, "start", "start", "leave", "leave-hook",
     "process: given 2 times (runc reads the last, crun the first)"),
    ("dup-root", dup_root, "start", "start", "leave", "leave-hook",
     "root: given 2 times (runc reads the last, crun the first)"),
    ("dup-mount-options", dup_mount_options, "start", "start", "leave", "leave-hook",
     "options: given 2 times (runc reads the last, crun the first)"),
    ("case-annotations", case_annotations, "start", "start", "leave", "leave-hook",
     'annotations: spelled "Annotations" (runc reads it as annotations, crun does not)'),
    ("case-unread", case_unread, "start", "start", "idmap", "idmap", ""),
    ("trailing-garbage", trailing_garbage, "start", "refuse", "idmap", "idmap", ""),
    ("trailing-nul", trailing_nul, "start", "start", "idmap", "idmap", ""),
    ("invalid-utf8", invalid_utf8, "start", "refuse", "idmap", "leave", "not UTF-8"),
    ("lone-surrogates", lone_surrogates, "start", "start", "idmap", "leave",
     "a surrogate escape that pairs with nothing"),
    ("utf8-edges", utf8_edges, "start", "start", "idmap", "idmap", ""),
    ("nul-unread", nul_unread, "start", "start", "idmap", "idmap", ""),
    ("huge-numbers", huge_numbers, "start", "start", "idmap", "idmap", ""),
    ("unknown-version", unknown_version, "start", "refuse", "idmap", "idmap", ""),
    ("unknown-fields", unknown_fields, "start", "start", "idmap", "idmap", ""),
    ("big-at-limit", big_at_limit, "start", "start", "idmap", "idmap", ""),
    ("big-pushed-over", big_pushed_over, "start", "start", "leave", "leave",
     "larger than 67108864 bytes"),
    ("big-over", big_over, "start", "start", "leave", "leave",
     "input larger than 67108864 bytes"),
]

SIZED = ("big-at-limit", "big-pushed-over", "big-over")


def main(argv):
    if argv[1:2] == ["list"]:
        for c in CASES:
            print(c[0], *c[2:6], c[6])
        return 0
    if argv[1:2] != ["write"] or len(argv) < 7 or argv[5] not in ("with", "without"):
        sys.exit(__doc__)
    name, base, out, spliced, hook = argv[2], argv[3], argv[4], argv[5] == "with", argv[6:]
    case = [c for c in CASES if c[0] == name]
    if not case:
        sys.exit("no case " + name)
    spec = json.load(open(base, encoding="utf-8"))
    if name in SIZED:
        doc = case[0][1](spec, hook, spliced)
    else:
        doc = case[0][1](spec, hook if spliced else None)
    with open(out, "wb") as f:
        f.write(doc if isinstance(doc, bytes) else doc.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
