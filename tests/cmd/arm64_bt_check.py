#!/usr/bin/env python3
"""arm64_bt_check.py DUMPDIR...: bt on the arm64 dump sets against drgn
0.0.31's stack traces (the classic crash of the oracle chroot is an
x86_64-only build).  drgn's answers come from tests/cmd/arm64_bt_drgn.py,
run in the chroot and cached next to the dumps.

For every task drgn lists (each cpu's idle task and for_each_task), our
"bt TASK" is compared frame by frame with drgn's trace of it:
- the functions, in order.  drgn unwinds with the DWARF call frame
  information and also lists the functions inlined into a frame; we walk
  frame records, which inlined functions do not have: drgn's inline frames
  are left out.  Our names are the symbol table's, with gcc's clone
  suffixes (.constprop.N, .isra.N, .part.N) that drgn's DWARF names lack.
- the text address: drgn gives the return address, we show the branch
  before it (return address - 4, as the classic crash does); where the
  code was stopped (the registers of a note, an exception frame) both give
  the pc itself (drgn calls those frames "interrupted").
- the stack address: ours is the frame's record (x29), drgn's the stack
  pointer in the frame; the record lies in the frame: at or above its
  stack pointer and below the caller's.
- a task that was in user mode: drgn gives the user pc alone; we show the
  user-mode registers: their PC must be drgn's.
- a leaf function stopped by a note or an exception has no record (and no
  stack) of its own: we show it at the stack pointer, drgn at the same
  stack pointer as its caller.
- the user-mode exception frame at the end of a trace (PC, SP, PSTATE,
  ORIG_X0, SYSCALLNO) against the pt_regs drgn reads where its last
  frame, the vector from user mode, points.
Then bt (the panic task: drgn's crashed thread), bt -a (each cpu's current
task, in cpu order) and foreach bt (every task) must show the same blocks
as bt TASK; bt -f and bt -l the same frames.

Where the two disagree, it is said here:
- (none known on these dumps; a difference fails.)

Bad input: a copy of kdump-d31.elf whose panic task's stack page is
garbage, and one whose frame record points at itself, must give a clear
"bt:" message in that task's trace, go on to the next task, and stay
bounded.

Prints "ok NAME" / "FAIL NAME: why" / "skip NAME: why"; other sets skip.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cmds_check import run  # noqa: E402
from dumpinfo_check import CRASH, ROOT, TOP, report  # noqa: E402
from elf_patch import file_offset, pt_loads  # noqa: E402

DRGN = os.path.join(TOP, "tests", "vmcores", "oracle-drgn")
HELPER = os.path.join(TOP, "tests", "cmd", "arm64_bt_drgn.py")
OPENER = os.path.join(TOP, "tests", "cmd", "arm64_drgn.py")
EXAMPLES = os.path.join(TOP, "tests", "vmcores", "examples")

# the dumps, and whose drgn answers each is checked against (drgn cannot
# read QEMU's arm64 kdump files: see arm64_check.py)
DUMPS = {
    "kdump-vmcore.elf": "kdump-vmcore.elf",
    "kdump-d31-lzo.kdump": "kdump-d31-lzo.kdump",
    "qemu-kaslr-vmci.elf": "qemu-kaslr-vmci.elf",
    "qemu-kaslr-vmci-zlib.kdump": "qemu-kaslr-vmci.elf",
}

FRAME = re.compile(r"^\s*#(\d+) \[([0-9a-f]+)\] (\S+) at ([0-9a-f]+)$")


def drgn_traces(d, vmlinux, dump):
    key = hashlib.sha256(open(HELPER, "rb").read() +
                         open(OPENER, "rb").read()).hexdigest()[:12]
    cache = os.path.join(d, "oracle-cache", "%s.drgn-bt-%s.json" %
                         (dump, key))
    if os.path.exists(cache):
        return json.load(open(cache))
    env = dict(os.environ, CACHE=os.path.join(ROOT, "oracles"),
               ORACLE_BIND_RO=EXAMPLES, DRGN_PS_DIR=EXAMPLES)
    p = subprocess.run([DRGN, HELPER, vmlinux, os.path.join(d, dump)],
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


def blocks(lines):
    """bt output split at the PID: headers (blank lines dropped)."""
    out, cur = [], None
    for l in lines:
        if l.startswith("PID: "):
            cur = [l]
            out.append(cur)
        elif cur is not None and l.strip():
            cur.append(l.rstrip())
    return out


def parse(block):
    """(task address, frames [(addr, name, pc)], exception frames
    [(after frame index or -1, {NAME: value})], error lines)."""
    m = re.search(r"TASK: ([0-9a-f]+)", block[0])
    task = int(m.group(1), 16) if m else None
    frames, regs, errors = [], [], []
    for l in block[1:]:
        m = FRAME.match(l)
        if m:
            frames.append((int(m.group(2), 16), m.group(3),
                           int(m.group(4), 16)))
            continue
        if l.startswith("bt: "):
            errors.append(l)
            continue
        fields = re.findall(r"([A-Z][A-Z0-9_]*): ([0-9a-f]+)", l)
        if l.lstrip().startswith("PC: "):
            regs.append((len(frames) - 1, {}))
        if fields and regs:
            regs[-1][1].update((k, int(v, 16)) for k, v in fields)
    return task, frames, regs, errors


def plain(name):
    return re.sub(r"(\.(constprop|isra|part)\.\d+)+$", "", name)


def compare(label, ours, want):
    """Our block for one task against drgn's trace of it."""
    task, frames, regs, errors = parse(ours)
    if "error" in want:
        print("skip %s: drgn cannot unwind it (%s)" % (label,
                                                       want["error"]))
        return
    wf = [f for f in want["frames"] if not f[3]]
    if len(wf) == 1 and wf[0][1] < 1 << 63:
        # user mode: drgn has the pc of the registers alone
        start = regs[0][1] if regs and regs[0][0] == -1 else {}
        report(not frames and start.get("PC") == wf[0][1],
               label + ": user mode, PC", "frames %r, start regs %r, drgn "
               "pc %x" % (frames, start, wf[0][1]))
        return
    names = [plain(f[1]) for f in frames]
    wnames = [f[0] for f in wf]
    report(names == wnames and not errors, label + ": functions",
           "got %r %r, drgn %r" % (names, errors, wnames))
    if names != wnames:
        return
    bad = []
    for i, (f, w) in enumerate(zip(frames, wf)):
        pc = w[1] if w[4] else w[1] - 4
        if f[2] != pc:
            bad.append("#%d pc %x, drgn %x%s" % (i, f[2], w[1],
                                                 " (interrupted)" if w[4]
                                                 else ""))
    report(not bad, label + ": text addresses", "; ".join(bad))
    bad = []
    for i, (f, w) in enumerate(zip(frames, wf)):
        nxt = wf[i + 1][2] if i + 1 < len(wf) else None
        if w[2] is None:
            continue
        # a leaf function without a record of its own has no stack
        # either: we show its stack pointer, drgn gives it the caller's
        if f[0] < w[2] or (nxt is not None and f[0] >= nxt and
                           not f[0] == w[2] == nxt):
            bad.append("#%d [%x] not in drgn's frame [%x, %s)" % (
                i, f[0], w[2], "%x" % nxt if nxt else "top"))
    report(not bad, label + ": frame records in drgn's frames",
           "; ".join(bad))
    u = want.get("user")
    if u:
        r = regs[-1][1] if regs and regs[-1][0] == len(frames) - 1 else {}
        got = [r.get(k) for k in ("PC", "SP", "PSTATE", "ORIG_X0",
                                  "SYSCALLNO")]
        exp = [u["pc"], u["sp"], u["pstate"], u["orig_x0"],
               u["syscallno"]]
        report(got == exp, label + ": user-mode exception frame",
               "got %r, drgn %r" % (got, exp))


def check_dump(d, facts, fname, oracle_dump, vmlinux):
    kver = facts["kernel_release"]
    label = "arm64 bt %s %s" % (kver, fname)
    if not os.path.exists(os.path.join(d, fname)):
        print("skip %s: no such dump" % label)
        return
    try:
        want = drgn_traces(d, vmlinux, oracle_dump)
    except Exception as e:
        report(False, label + ": drgn", str(e))
        return
    tasks = {t["addr"]: t for t in want["tasks"]}
    cmds = [("bt", "bt", ""), ("bt -a", "bt -a", ""),
            ("foreach bt", "foreach bt", "")]
    cmds += [("bt %x" % a, "bt %x" % a, "") for a in tasks]
    panic = want.get("crashed")
    if panic:
        cmds += [("bt -f", "bt -f %x" % panic, ""),
                 ("bt -l", "bt -l %x" % panic, "")]
    got = run([CRASH], vmlinux, os.path.join(d, fname), cmds)
    out = {name: got.get(i, []) for i, (name, _, _) in enumerate(cmds)}
    mine = {}
    for a, t in tasks.items():
        b = blocks(out["bt %x" % a])
        if len(b) != 1:
            report(False, "%s: bt %x" % (label, a), "output %r" %
                   out["bt %x" % a][:5])
            continue
        mine[a] = b[0]
        compare("%s: pid %d %s" % (label, t["pid"], t["comm"]), b[0], t)

    # bt, bt -a, foreach bt: the same blocks
    if panic:
        b = blocks(out["bt"])
        report(len(b) == 1 and b[0] == mine.get(panic), label +
               ": bt is drgn's crashed thread", "got %r, want %r" %
               (b[:1], mine.get(panic, [""])[:1]))
    else:
        print("skip %s: bt: drgn names no crashed thread" % label)
    b = blocks(out["bt -a"])
    cur = [a for _, a in sorted(want["current"])]
    report([parse(x)[0] for x in b] == cur, label + ": bt -a tasks",
           "got %r, want %r" % ([x[0] for x in b], ["%x" % a for a in cur]))
    report(all(x == mine.get(parse(x)[0]) for x in b), label +
           ": bt -a blocks as bt TASK", repr(b[:2]))
    b = blocks(out["foreach bt"])
    report(sorted(parse(x)[0] for x in b) == sorted(tasks), label +
           ": foreach bt tasks", "%d blocks, drgn %d tasks" %
           (len(b), len(tasks)))
    diff = [x[0] for x in b if x != mine.get(parse(x)[0])]
    report(not diff, label + ": foreach bt blocks as bt TASK", repr(diff))
    if panic and panic in mine:
        for opt in ("bt -f", "bt -l"):
            b = blocks(out[opt])
            same = len(b) == 1 and [l for l in b[0] if FRAME.match(l)] == \
                [l for l in mine[panic] if FRAME.match(l)]
            extra = len(b) == 1 and len(b[0]) > len(mine[panic])
            report(same and extra, "%s: %s: the frames of bt, and more" %
                   (label, opt), repr(b[:1]))


def vtop(vmlinux, dump, addr):
    p = subprocess.run([CRASH, "-s", vmlinux, dump], input="vtop %x\n" %
                       addr, capture_output=True, text=True,
                       errors="replace", timeout=300)
    m = re.search(r"^[0-9a-f]+\s+([0-9a-f]+)\s*$", p.stdout, re.M)
    return int(m.group(1), 16) if m else None


def check_damaged(d, facts, vmlinux):
    """The panic task's stack, garbled two ways."""
    src = os.path.join(d, "kdump-d31.elf")
    kver = facts["kernel_release"]
    if not os.path.exists(src):
        print("skip arm64 bt %s damaged: no kdump-d31.elf" % kver)
        return
    p = subprocess.run([CRASH, "-s", vmlinux, src], input="bt\n",
                       capture_output=True, text=True, errors="replace",
                       timeout=300)
    head = p.stdout.splitlines()[0] if p.stdout else ""
    recs = [int(m.group(2), 16) for m in map(FRAME.match,
                                             p.stdout.splitlines()) if m]
    if len(recs) < 3 or not head.startswith("PID: "):
        report(False, "arm64 bt %s damaged" % kver, "bt gave %r" %
               p.stdout[:300])
        return
    rec = recs[2]		# the third frame's record
    phys = vtop(vmlinux, src, rec)
    if phys is None:
        report(False, "arm64 bt %s damaged" % kver, "no vtop of %x" % rec)
        return
    for how in ("garbage page", "record pointing at itself"):
        label = "arm64 bt %s damaged stack (%s)" % (kver, how)
        tmp = os.path.join(os.environ.get("TMPDIR", "/tmp"),
                           "arm64-bt-damaged-%d.elf" % os.getpid())
        try:
            shutil.copyfile(src, tmp)
            if how == "garbage page":
                off = file_offset(pt_loads(tmp), phys & ~0xfff)
                data = b"\x41" * 4096
            else:
                off = file_offset(pt_loads(tmp), phys)
                data = rec.to_bytes(8, "little")
            if off is None:
                report(False, label, "%x is not in the file" % phys)
                return
            with open(tmp, "r+b") as f:
                f.seek(off)
                f.write(data)
            p = subprocess.run([CRASH, "-s", vmlinux, tmp],
                               input="bt -a\nforeach bt\n",
                               capture_output=True, text=True,
                               errors="replace", timeout=300)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        out = p.stdout.splitlines()
        bl = blocks(out)
        panic = [b for b in bl if b[0] == head]
        report(p.returncode == 0 and "Sanitizer" not in p.stderr and
               "runtime error" not in p.stderr, label + ": no crash",
               "rc %d: %s" % (p.returncode, p.stderr[-300:]))
        report(len(panic) >= 1 and
               all(any(l.startswith("bt: ") for l in b) for b in panic),
               label + ": a message in the panic task's trace",
               repr(panic[:1]))
        n = sum(1 for b in bl[:int(facts["guest"]["smp"])]
                if b[0].startswith("PID: "))
        report(n == int(facts["guest"]["smp"]), label +
               ": every cpu's task after it", repr(out[:30]))
        report(len(out) < 3000 and all(len(b) < UNWIND_LINES for b in bl),
               label + ": bounded", "%d lines" % len(out))


UNWIND_LINES = 600	# 256 frames (UNWIND_MAX_FRAMES) and their registers


def main():
    if not os.path.exists(os.path.join(ROOT, "oracles", "trixie", ".done")):
        print("skip arm64 bt: no oracle chroot (tests/vmcores/oracles.sh)")
        return
    for d in sys.argv[1:]:
        facts = json.load(open(os.path.join(d, "facts.json")))
        if facts.get("arch") != "arm64":
            print("skip arm64 bt %s: not an arm64 set" %
                  facts["kernel_release"])
            continue
        vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
        for fname, oracle_dump in DUMPS.items():
            check_dump(d, facts, fname, oracle_dump, vmlinux)
        check_damaged(d, facts, vmlinux)


if __name__ == "__main__":
    main()
