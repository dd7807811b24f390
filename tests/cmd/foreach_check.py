#!/usr/bin/env python3
"""foreach_check.py DUMPDIR...: foreach against the classic crash 8.0.6,
above all `foreach bt` (every task's backtrace: the idle tasks, the
sleeping ones from their switch frames, the running ones from their
cpu's notes), task by task, on several dump formats of each kernel.
Prints "ok NAME" / "FAIL NAME: why" / "skip NAME: why" lines.
"""
import hashlib
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dumpinfo_check import ROOT, classic_reads, report, skip_classic  # noqa: E402
from cmds_check import answer_pairs  # noqa: E402

DUMPS = ("kdump-d31-lzo.kdump", "kdump-vmcore.elf", "qemu-kaslr-vmci.elf")


def commands(facts):
    c = ["foreach bt", "foreach RU bt", "foreach IN bt -s",
         "foreach user ps", "foreach kernel ps -s", "foreach gleader user ps",
         "foreach active bt", "foreach 'kworker/0.*' task -R pid,comm",
         "foreach 1 2 set", "foreach init sleep task -x -R pid",
         "foreach user bt -l", "foreach ID ps", "foreach nosuch ps",
         "foreach user kernel ps", "foreach", "foreach 1 nosuch bt",
         "foreach files", "foreach user files"]
    return [(x, x, "exact") for x in c]


def blocks(lines):
    """Split bt output into per-task blocks keyed by their header."""
    out, cur = {}, None
    for l in lines:
        if l.startswith("PID: "):
            cur = l
            out[cur] = []
        elif cur is not None:
            out[cur].append(l)
    return out


def norm(l):
    # the classic crash names a name.isra.N/.part.N clone by its base name
    # in some places and not in others; bt shows base names
    return re.sub(r"\.(isra|part|constprop)\.\d+", "", l.rstrip())


def main():
    if not os.path.exists(os.path.join(ROOT, "oracles", "trixie", ".done")):
        print("skip foreach: no oracle chroot (tests/vmcores/oracles.sh)")
        return
    for d in sys.argv[1:]:
        facts = json.load(open(os.path.join(d, "facts.json")))
        vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
        kver = facts["kernel_release"]
        if not classic_reads(facts):
            skip_classic("foreach", facts)
            continue
        for fname in DUMPS:
            dump = os.path.join(d, fname)
            cmds = commands(facts)
            key = hashlib.sha256(repr(cmds).encode()).hexdigest()[:12]
            cache = os.path.join(d, "oracle-cache",
                                 "%s.foreach-%s.json" % (fname, key))
            for i, name, _, label, g, w in answer_pairs(
                    "foreach %s %s" % (kver, fname), vmlinux, dump, cmds,
                    cache):
                g = [norm(l) for l in g]
                w = [norm(l) for l in w]
                if w and w[0] == "Usage:":
                    report(g[:1] == w[:1] and g[-1:] == w[-1:],
                           label + " (usage)", "got %r" % g[:3])
                    continue
                if len(w) <= 2 and w and w[0].startswith("foreach: "):
                    report(len(g) >= 1 and g[0].startswith("foreach: "),
                           label + " (an error)", "got %r, want %r" % (
                               g[:2], w))
                    continue
                if " bt" in name and fname.startswith("qemu"):
                    # Known: a cpu of a QEMU dump that was in user mode;
                    # the classic crash shows frames an old interrupt left
                    # on its stack, we the user registers of QEMU's note
                    # (bt_check.py checks them against --dumpinfo)
                    gb, wb = blocks(g), blocks(w)
                    for h in list(wb):
                        if gb.get(h, [""])[0].startswith("    RIP:") and \
                                wb[h] and wb[h][0].startswith(" #"):
                            print("skip %s: %s: in user mode" % (label, h))
                            del wb[h], gb[h]
                    g = [l for h in gb for l in [h] + gb[h]]
                    w = [l for h in wb for l in [h] + wb[h]]
                if name == "foreach bt":
                    # one result per task: where they differ is the news
                    gb, wb = blocks(g), blocks(w)
                    report(list(gb) == list(wb), label + ": the same tasks",
                           "ours %d, theirs %d; first missing: %r" % (
                               len(gb), len(wb),
                               [h for h in wb if h not in gb][:2]))
                    for h, frames in wb.items():
                        report(gb.get(h) == frames, "%s: %s" % (label, h),
                               "got %r, want %r" % (gb.get(h, [])[:6],
                                                    frames[:6]))
                    continue
                if g != w:
                    k = next((k for k in range(max(len(g), len(w)))
                              if k >= len(g) or k >= len(w) or g[k] != w[k]),
                             0)
                    report(False, label, "line %d: got %r, want %r" % (
                        k, g[k] if k < len(g) else None,
                        w[k] if k < len(w) else None))
                else:
                    report(True, label)


if __name__ == "__main__":
    main()
