#!/usr/bin/env python3
"""ps_check.py DUMPDIR...: ps and its options, set and task, against the classic crash
8.0.6 on the same vmlinux and dump, line for line (the oracle's answers
are cached next to the dumps).  The tasks to select are named from the
fixture's facts (pids, comms) and System.map (init_task's address), not
from either tool's output.  Prints "ok NAME" / "FAIL NAME: why" lines.
"""
import hashlib
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dumpinfo_check import ROOT, report  # noqa: E402
from cmds_check import answer_pairs, system_map  # noqa: E402
from dumpinfo_check import classic_reads, skip_classic  # noqa: E402

DUMPS = ("kdump-d31-lzo.kdump", "kdump-vmcore.elf", "qemu-kaslr-vmci.elf")


def commands(facts, init_task):
    pids = facts["boots"]["kdump"]["pids"]
    c = ["ps", "ps -k", "ps -u", "ps -G", "ps -s", "ps -A", "ps -H",
         "ps -S", "ps -t", "ps -l", "ps -m", "ps -l -C all", "ps -m -C 1",
         "ps -l -C 0", "ps -p", "ps -c", "ps -g", "ps -k -l", "ps -u -t",
         "ps -y NORMAL", "ps -y FIFO,rr", "ps -y 1", "ps -y idle",
         "ps -G -t", "ps -u -s", "ps -A -s",
         "ps 1", "ps 0", "ps 2 1", "ps init", "ps sleep", "ps -G sleep",
         "ps 'kworker/0.*'", "ps '^ksoft'", "ps %x" % init_task,
         "ps -p 1", "ps -c 1", "ps -c 2", "ps -t 1", "ps -l 1",
         "ps -m 1", "ps -g 1", "ps -k init", "ps -u 2", "ps swapper/1",
         "ps -s 1 2", "ps 99999", "ps nosuchcommand", "ps -S 1",
         "ps -C 1", "ps -y nosuchpolicy", "ps -z", "ps -r 1", "ps -r",
         "ps -g 0", "ps 1 99999 2"]
    # set and task: the context, which set changes for the next commands
    c += ["set", "task -R pid,comm", "set %d" % pids["sleep"], "set",
          "task -R pid,tgid,comm,se.vruntime", "task -x -R pid 1 2",
          "task -R prio -R policy %d" % pids["fxspin"], "set -c 1",
          "set -p", "set 0", "set %x" % init_task, "set 99999",
          "task 99999", "task -R nosuchmember 1", "set -z",
          "task %d" % pids["fxloop"], "task", "set -c 0", "set",
          # user memory: the arguments and environment, and rd -u of the
          # busybox ELF header (static, at 0x400000) through init's page
          # tables; a d31 dump left user pages out: errors on both sides
          "ps -a", "ps -a 1 %d" % pids["sleep"], "set 1", "rd -u 400000 4",
          "rd -u -8 400000 16", "rd -u ffffffff81000000", "set 2",
          "rd -u 400000", "set -p",
          # open files: the context's, named tasks', a kernel thread's
          "files", "files 1", "files %d %d" % (pids["sleep"], pids["fxloop"]),
          "files 2", "files 99999"]
    for comm, pid in sorted(pids.items()):
        c += ["ps %d" % pid, "ps -p %d" % pid, "ps -c %d" % pid,
              "ps -t %d" % pid]
    return [(x, x, "exact") for x in c]


def main():
    if not os.path.exists(os.path.join(ROOT, "oracles", "trixie", ".done")):
        print("skip ps: no oracle chroot (tests/vmcores/oracles.sh)")
        return
    for d in sys.argv[1:]:
        facts = json.load(open(os.path.join(d, "facts.json")))
        if not classic_reads(facts):
            skip_classic("ps " + facts["kernel_release"], facts)
            continue
        vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
        smap = {n: a for a, _, n in system_map(os.path.normpath(
            os.path.join(d, facts["system_map"])))}
        kver = facts["kernel_release"]
        for fname in DUMPS:
            dump = os.path.join(d, fname)
            kaslr = int(facts["dumps"][fname]["kaslr_offset"], 16)
            cmds = commands(facts, smap["init_task"] + kaslr)
            key = hashlib.sha256(repr(cmds).encode()).hexdigest()[:12]
            cache = os.path.join(d, "oracle-cache",
                                 "%s.ps-%s.json" % (fname, key))
            for i, name, _, label, g, w in answer_pairs(
                    "ps %s %s" % (kver, fname), vmlinux, dump, cmds, cache):
                # getopt's own complaint goes to stderr: where it lands
                # among the lines is a matter of buffering
                g = [l.rstrip() for l in g if "invalid option --" not in l]
                w = [l.rstrip() for l in w if "invalid option --" not in l]
                # ours says why too: "... address: 7ffd5ce3efbf (page
                # excluded from the dump ...)"
                g = [re.sub(r"^(ps: cannot access user stack address: "
                            r"[0-9a-f]+) \(.*\)$", r"\1", l) for l in g]
                # an argument that names no task: an error for it (ours
                # words it our way), then the others as if it were not there
                if any(l.startswith("ps: invalid task or pid") for l in w):
                    ge = [l for l in g if l.startswith("ps: ")]
                    report(len(ge) == 1, label + " (the error)",
                           "got %r" % ge)
                    g = [l for l in g if not l.startswith("ps: ")]
                    w = [l for l in w if not l.startswith("ps: ")]
                    while w and not w[0]:
                        w = w[1:]
                # an error of the classic crash must be an error of ours
                # (one line, "ps: ..."); the wording may differ
                cmd = name.split()[0]
                if not w:
                    print("skip %s: the classic crash printed nothing" % label)
                    continue
                if w[0] == "Usage:":
                    # our synopsis lists what we support
                    report(g[:1] == w[:1] and g[-1:] == w[-1:],
                           label + " (usage)", "got %r" % g)
                    continue
                if w[0].startswith(cmd + ": ") and len(w) <= 2 and \
                        not w[0].startswith("ps: invalid task or pid"):
                    report(len(g) >= 1 and g[0].startswith(cmd + ": ") and
                           not any(l.startswith(" ") for l in g),
                           label + " (an error)",
                           "got %r, want an error like %r" % (g[:3], w))
                    continue
                if g != w:
                    diff = next((k for k in range(max(len(g), len(w)))
                                 if k >= len(g) or k >= len(w) or
                                 g[k] != w[k]), 0)
                    report(False, label, "line %d: got %r, want %r" % (
                        diff, g[diff] if diff < len(g) else None,
                        w[diff] if diff < len(w) else None))
                else:
                    report(True, label)


if __name__ == "__main__":
    main()
