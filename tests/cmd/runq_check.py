#!/usr/bin/env python3
"""runq_check.py DUMPDIR...: runq and its options.

1. x86_64 sets: against the classic crash 8.0.6 on the same vmlinux and
   dump, line for line (its answers are cached next to the dumps).
2. Every set (arm64 too, where the classic crash cannot read): against
   drgn 0.0.31 (tests/cmd/runq_drgn.py in the oracle chroot, cached): each
   cpu's rq, rt_prio_array and CFS root addresses, its running task, the
   RT and CFS tasks in order with their priorities, the tasks on a
   runqueue (-d) and the runqueue clocks (-t).
3. Every set: self-consistency: every queued task is one the task list
   has on that cpu's runqueue (runq -d).
4. A copy of each set's ELF dump (kdump-d31.elf) with a CFS tree and an RT
   priority list damaged on purpose: runq says where, shows the rest, and
   the session goes on (under the sanitizers too).

Prints "ok NAME" / "FAIL NAME: why" / "skip NAME: why" lines.
"""
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cmds_check import answer_pairs, run  # noqa: E402
from dumpinfo_check import CRASH, ROOT, TOP, report  # noqa: E402
from dumpinfo_check import classic_reads, skip_classic  # noqa: E402
from elf_patch import file_offset, pt_loads, vtop_output_physical  # noqa: E402

DUMPS = ("kdump-d31-lzo.kdump", "qemu-kaslr-vmci.elf", "kdump-vmcore.elf")
DRGN = os.path.join(TOP, "tests", "vmcores", "oracle-drgn")
HELPER = os.path.join(TOP, "tests", "cmd", "runq_drgn.py")
EXAMPLES = os.path.join(TOP, "tests", "vmcores", "examples")
# drgn's reader cannot open QEMU's arm64 kdump files (see arm64_check.py);
# these it reads on every architecture
DRGN_DUMPS = ("kdump-d31-lzo.kdump", "qemu-kaslr-vmci.elf")
DAMAGE_DUMP = "kdump-d31.elf"

# The classic crash 8.0.6 keeps runq -c's "a cpu mask was given" flag set
# after a runq -c that succeeded, until some command fails: the next
# runq -c then says "only one -c option allowed".  That is its bug, not the
# contract: every runq -c that succeeds is followed by a runq -Z (a usage
# error on both sides), which clears the flag.
COMMANDS = [
    "runq", "runq -t", "runq -T", "runq -m", "runq -g", "runq -d",
    "runq -tm", "runq -g -d", "runq -m -g", "runq extra",
    "runq -c 5", "runq -c x", "runq -c 9-12", "runq -c 2-3", "runq -c 7",
    "runq -c 1x", "runq -c 0,7", "runq -c 0 -c 1",
]
for _c in ("runq -c 1", "runq -c 0 -g", "runq -c 1 -d", "runq -m -c 1",
           "runq -c 0,1 -t", "runq -c 0-1", "runq -c all -g",
           "runq -c 1 -t", "runq -c 0 -d", "runq -T -c 1", "runq -c 1,"):
    COMMANDS += [_c, "runq -Z"]


def compare(label, g, w):
    # getopt's own complaint goes to stderr: where it lands among the
    # lines is a matter of buffering
    g = [l.rstrip() for l in g if "invalid option --" not in l]
    w = [l.rstrip() for l in w if "invalid option --" not in l]
    if "Usage:" in w:
        # an error line or none, then the synopsis: ours lists -d, which
        # the classic crash has but does not list
        k = w.index("Usage:")
        gk = g.index("Usage:") if "Usage:" in g else -1
        report(gk == k and all(l.startswith("runq: ") for l in g[:k]) and
               g[-1:] == w[-1:], label + " (usage)", "got %r" % g)
        return
    if len(w) == 1 and w[0].startswith("runq: "):
        # an error of the classic crash must be one of ours; the wording
        # may differ
        report(len(g) == 1 and g[0].startswith("runq: "),
               label + " (an error)", "got %r, want one like %r" % (g, w))
        return
    if g != w:
        k = next((k for k in range(max(len(g), len(w)))
                  if k >= len(g) or k >= len(w) or g[k] != w[k]), 0)
        report(False, label, "line %d: got %r, want %r" % (
            k, g[k] if k < len(g) else None, w[k] if k < len(w) else None))
    else:
        report(True, label)


def against_classic(d, facts, vmlinux):
    kver = facts["kernel_release"]
    cmds = [(c, c, "exact") for c in COMMANDS]
    key = hashlib.sha256(repr(cmds).encode()).hexdigest()[:12]
    for fname in DUMPS:
        dump = os.path.join(d, fname)
        if not os.path.exists(dump):
            print("skip runq %s %s: no such dump" % (kver, fname))
            continue
        cache = os.path.join(d, "oracle-cache",
                             "%s.runq-%s.json" % (fname, key))
        for i, name, _, label, g, w in answer_pairs(
                "runq %s %s" % (kver, fname), vmlinux, dump, cmds, cache):
            compare(label, g, w)


def drgn_answers(d, vmlinux, fname):
    key = hashlib.sha256(open(HELPER, "rb").read()).hexdigest()[:12]
    cache = os.path.join(d, "oracle-cache", "%s.runq-drgn-%s.json" %
                         (fname, key))
    if os.path.exists(cache):
        return json.load(open(cache))
    env = dict(os.environ, CACHE=os.path.join(ROOT, "oracles"),
               ORACLE_BIND_RO=EXAMPLES, DRGN_PS_DIR=EXAMPLES)
    p = subprocess.run([DRGN, HELPER, vmlinux, os.path.join(d, fname)],
                       capture_output=True, text=True, env=env,
                       stdin=subprocess.DEVNULL, timeout=600)
    if p.returncode != 0:
        raise RuntimeError("drgn exited %d: %s" % (p.returncode,
                                                    p.stderr[-400:]))
    out = json.loads(p.stdout)
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    with open(cache + ".tmp", "w") as f:
        json.dump(out, f)
    os.rename(cache + ".tmp", cache)
    return out


TASK = re.compile(r"^ +\[ *(\d+)\] PID: \d+ +TASK: ([0-9a-f]+) ")


def parse_queues(lines):
    """runq's default output: {cpu: {rq, curr, rt_array, cfs_root, rt,
    cfs}} with the tasks as [prio, address]."""
    cpus, cur, part = {}, None, None
    for l in lines:
        m = re.match(r"^CPU (\d+) RUNQUEUE: ([0-9a-f]+)$", l)
        if m:
            cur = cpus.setdefault(int(m.group(1)), {
                "rq": int(m.group(2), 16), "rt": [], "cfs": []})
            continue
        if cur is None:
            continue
        m = re.match(r"^  CURRENT: PID: \d+ +TASK: ([0-9a-f]+) ", l)
        if m:
            cur["curr"] = int(m.group(1), 16)
        m = re.match(r"^  RT PRIO_ARRAY: ([0-9a-f]+)$", l)
        if m:
            cur["rt_array"], part = int(m.group(1), 16), "rt"
        m = re.match(r"^  CFS RB_ROOT: ([0-9a-f]+)$", l)
        if m:
            cur["cfs_root"], part = int(m.group(1), 16), "cfs"
        m = TASK.match(l)
        if m and part:
            cur[part].append([int(m.group(1)), int(m.group(2), 16)])
    return cpus


def parse_on_rq(lines):
    cpus, cur = {}, None
    for l in lines:
        m = re.match(r"^CPU (\d+)$", l)
        if m:
            cur = cpus.setdefault(int(m.group(1)), [])
            continue
        m = TASK.match(l)
        if m and cur is not None:
            cur.append([int(m.group(1)), int(m.group(2), 16)])
    return cpus


def parse_clocks(lines):
    return {int(m.group(1)): int(m.group(2)) for m in
            (re.match(r"^ *CPU (\d+): (\d+)$", l) for l in lines) if m}


def against_drgn(d, facts, vmlinux):
    kver = "%s %s" % (facts["kernel_release"], facts.get("arch", "x86_64"))
    for fname in DRGN_DUMPS:
        dump = os.path.join(d, fname)
        if not os.path.exists(dump):
            continue
        label = "runq %s %s vs drgn" % (kver, fname)
        try:
            want = drgn_answers(d, vmlinux, fname)["cpus"]
        except (RuntimeError, ValueError, subprocess.TimeoutExpired) as e:
            print("skip %s: drgn gave no answer (%s)" % (label, e))
            continue
        cmds = [("runq", "runq", ""), ("runq -d", "runq -d", ""),
                ("runq -t", "runq -t", "")]
        got = run([CRASH], vmlinux, dump, cmds)
        queues = parse_queues(got.get(0, []))
        on_rq = parse_on_rq(got.get(1, []))
        clocks = parse_clocks(got.get(2, []))
        report(sorted(queues) == sorted(int(c) for c in want),
               label + ": the cpus", "got %r, want %r" % (
                   sorted(queues), sorted(want)))
        for c, w in sorted(want.items(), key=lambda x: int(x[0])):
            g = queues.get(int(c), {})
            for what in ("rq", "curr", "rt_array", "cfs_root", "rt", "cfs"):
                report(g.get(what) == w[what], "%s: cpu %s %s" % (
                    label, c, what), "got %r, want %r" % (g.get(what),
                                                          w[what]))
            report(on_rq.get(int(c)) == w["on_rq"],
                   "%s: cpu %s -d" % (label, c), "got %r, want %r" % (
                       on_rq.get(int(c)), w["on_rq"]))
            report(clocks.get(int(c)) == w["clock"],
                   "%s: cpu %s -t clock" % (label, c), "got %r, want %r" % (
                       clocks.get(int(c)), w["clock"]))


def self_consistent(d, facts, vmlinux):
    kver = "%s %s" % (facts["kernel_release"], facts.get("arch", "x86_64"))
    for fname in DUMPS:
        dump = os.path.join(d, fname)
        if not os.path.exists(dump):
            continue
        label = "runq %s %s" % (kver, fname)
        cmds = [(c, c, "") for c in ("runq", "runq -d", "runq -g")]
        got = run([CRASH], vmlinux, dump, cmds)
        queues = parse_queues(got.get(0, []))
        on_rq = parse_on_rq(got.get(1, []))
        grouped = parse_on_rq(got.get(2, []))
        queued = {c: q["rt"] + q["cfs"] for c, q in queues.items()}
        report(bool(queues) and all(
            t[1] in [x[1] for x in on_rq.get(c, [])]
            for c, ts in queued.items() for t in ts),
            label + ": every queued task is on_rq on its cpu",
            "queued %r, on_rq %r" % (queued, on_rq))
        # -g shows the same CFS tasks, the running one marked as well
        cfs = {c: sorted(t[1] for t in q["cfs"])
               for c, q in queues.items()}
        curr = {c: q.get("curr") for c, q in queues.items()}
        report(all(sorted(t[1] for t in grouped.get(c, [])
                          if t[1] != curr[c]) == cfs[c] for c in cfs),
               label + ": runq -g has the same tasks",
               "-g %r, runq %r" % (grouped, cfs))


def ours(vmlinux, dump, script):
    with tempfile.NamedTemporaryFile("w", suffix=".cmds", delete=False) as f:
        f.write(script)
    try:
        return subprocess.run([CRASH, "-s", "-i", f.name, vmlinux, dump],
                              capture_output=True, text=True,
                              errors="replace", stdin=subprocess.DEVNULL,
                              timeout=300)
    finally:
        os.unlink(f.name)


def clean(p):
    return "AddressSanitizer" not in p.stderr and \
        "runtime error" not in p.stderr and p.returncode == 0


def damaged(d, facts, vmlinux):
    """The first CFS tree with a task and cpu 0's first RT list, damaged:
    a loop, a pointer into nowhere; where to write is found with our own
    runq, rd, struct and vtop on the intact copy."""
    kver = "%s %s" % (facts["kernel_release"], facts.get("arch", "x86_64"))
    src = os.path.join(d, DAMAGE_DUMP)
    if not os.path.exists(src):
        print("skip runq %s damage: no %s" % (kver, DAMAGE_DUMP))
        return
    p = ours(vmlinux, src, "runq\nstruct rb_node -o\n"
             "struct rt_prio_array -o\n")
    queues = parse_queues(p.stdout.splitlines())
    off_left = re.search(r"\[(\d+)\] struct rb_node \*rb_left;", p.stdout)
    off_queue = re.search(r"\[(\d+)\] struct list_head queue\[", p.stdout)
    # a cpu with a queued CFS task has a tree to damage; at a moment with
    # none queued (a fresh dump may be one), only the RT list is (runq
    # walks no tree that holds nothing)
    cpu = next((c for c, q in sorted(queues.items()) if q["cfs"]), 0)
    if not off_left or not off_queue or 0 not in queues:
        report(False, "runq %s damage: setup" % kver,
               "no runqueues or offsets: %r" % p.stdout[:400])
        return
    root = queues[cpu]["cfs_root"]
    rt_head = queues[0]["rt_array"] + int(off_queue.group(1))
    q = ours(vmlinux, src, "rd -64 %x 1\n" % root)
    node = int(q.stdout.split()[1], 16)
    left = node + int(off_left.group(1))
    loads = pt_loads(src)
    at = {}
    places = [("rt", rt_head)]
    if queues[cpu]["cfs"] and node:
        places += [("root", root), ("left", left)]
    else:
        print("skip runq %s damage: the CFS tree: no CFS task queued at "
              "this moment of the dump" % kver)
    for name, addr in places:
        v = ours(vmlinux, src, "vtop %x\n" % addr)
        phys = vtop_output_physical(v.stdout.splitlines())
        at[name] = file_offset(loads, phys, 8) if phys is not None else None
    if None in at.values():
        report(False, "runq %s damage: setup" % kver,
               "cannot place %r in %s" % (at, src))
        return
    nowhere = 0xdead000000000100
    cases = [
        # (what, where, value, what the message must name)
        ("a CFS tree that loops", "left", node, "%x" % node),
        ("a CFS root into nowhere", "root", nowhere, "%x" % nowhere),
        ("an RT list into nowhere", "rt", nowhere, "%x" % rt_head),
    ]
    cases = [c for c in cases if c[1] in at]
    tmp = tempfile.mkdtemp(prefix="crash-runq-")
    try:
        bad = os.path.join(tmp, "bad.elf")
        for what, where, value, word in cases:
            shutil.copyfile(src, bad)
            with open(bad, "r+b") as f:
                f.seek(at[where])
                f.write(struct.pack("<Q", value))
            name = "runq %s damage: %s" % (kver, what)
            p = ours(vmlinux, bad, "runq\nrunq -g\nps 1\n")
            errs = [l for l in p.stderr.splitlines()
                    if l.startswith("runq: ")]
            report(clean(p) and re.search(r"^[> ] +1 +0 ", p.stdout,
                                          re.M) is not None,
                   name + ": the session goes on",
                   "rc %d, err %r" % (p.returncode, p.stderr[-400:]))
            report(bool(errs) and all(word in e for e in errs),
                   name + ": runq says where", "errors %r" % errs)
            # the rest is shown: every cpu's header and both classes
            got = parse_queues(p.stdout.splitlines())
            report(sorted(got) == sorted(queues) and
                   all("cfs_root" in g for g in got.values()),
                   name + ": the other queues are shown",
                   "cpus %r of %r" % (sorted(got), sorted(queues)))
    finally:
        shutil.rmtree(tmp)


def main():
    have_oracle = os.path.exists(os.path.join(ROOT, "oracles", "trixie",
                                              ".done"))
    for d in sys.argv[1:]:
        facts = json.load(open(os.path.join(d, "facts.json")))
        vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
        if not have_oracle:
            print("skip runq: no oracle chroot (tests/vmcores/oracles.sh)")
        elif not classic_reads(facts):
            skip_classic("runq " + facts["kernel_release"], facts)
        else:
            against_classic(d, facts, vmlinux)
        if have_oracle:
            against_drgn(d, facts, vmlinux)
        self_consistent(d, facts, vmlinux)
        damaged(d, facts, vmlinux)


if __name__ == "__main__":
    main()
