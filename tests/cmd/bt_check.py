#!/usr/bin/env python3
"""bt_check.py DUMPDIR...: bt against the classic crash 8.0.6 on the same
vmlinux and dump: the panic task (bt, -s, -sx, -f, -F, -l, -t, -T, -r),
every cpu's active task (bt -a, -c), and a sample of sleeping tasks by pid
(picked from the oracle's ps), on several dump formats of each kernel.
Then bad input: a copy of a dump whose panic task's stack page is
garbage must give a clear message at that frame and go on to the next
task.  The oracle's answers are cached next to the dumps.

Known differences, compared the way the note beside them says:
- bt -F: the classic crash names slab objects "[cache]" (we have no slab
  reader yet) and assembler labels ".LC3+673" (our symbol table leaves
  .L labels out): those words are not compared.
- In a QEMU dump a cpu that was in user mode has nothing of the kernel on
  its stack: the classic crash shows a stale trace left on the stack by an
  older interrupt; we show the registers of QEMU's note (checked against
  our --dumpinfo, whose note decoding dumpinfo_check compares with the
  classic crash's help -D).

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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from elf_patch import file_offset, pt_loads  # noqa: E402
from dumpinfo_check import CRASH, ROOT, report  # noqa: E402
from cmds_check import answer_pairs, oracle_answers  # noqa: E402

DUMPS = ("kdump-d31-lzo.kdump", "kdump-vmcore.elf", "qemu-kaslr-vmci.elf")
PANIC_CMDS = ("bt", "bt -a", "bt -s", "bt -sx", "bt -f", "bt -F", "bt -l",
              "bt -t", "bt -T", "bt -r", "bt -c 0", "bt -c 1", "bt -c 0,1",
              "bt -p")


def task_blocks(lines):
    """Split bt output into per-task blocks at the PID: headers."""
    blocks, cur = [], None
    for l in lines:
        if l.startswith("PID: "):
            cur = [l]
            blocks.append(cur)
        elif cur is not None and l.strip():
            cur.append(l)
    return blocks


def aliases(a, b, smap):
    """name+off and other+off where both names are at one address (which
    alias to show is taste: init_stack, init_thread_union)."""
    ma = re.match(r"^(.+?)(\+\d+)?$", a)
    mb = re.match(r"^(.+?)(\+\d+)?$", b)
    return (ma and mb and ma.group(2) == mb.group(2) and
            ma.group(1) in smap and smap.get(ma.group(1)) ==
            smap.get(mb.group(1)))


def words_match(g, w, smap):
    """-F/-r lines: the oracle's [slab] and .L label words match anything."""
    if len(g) != len(w):
        return False
    for gl, wl in zip(g, w):
        gt, wt = gl.split(), wl.split()
        if len(gt) != len(wt):
            return False
        for a, b in zip(gt, wt):
            if (a != b and not re.match(r"^(\[[\w.:-]+\]|\.L\w+\+\d+)$", b)
                    and not aliases(a, b, smap)):
                return False
    return True


def user_note_rips(dump):
    """The user-mode pc of each cpu in QEMU's notes, from our --dumpinfo."""
    p = subprocess.run([CRASH, "--dumpinfo", dump], capture_output=True,
                       text=True, errors="replace", timeout=120)
    rips, cpu, qemu = {}, None, False
    for l in p.stdout.splitlines():
        if l.startswith("per-CPU state (QEMU"):
            qemu = True
        m = re.match(r"^  CPU (\d+):", l)
        if m and qemu:
            cpu = int(m.group(1))
        m = re.search(r"rip: ([0-9a-f]{16})", l)
        if m and qemu and cpu is not None:
            rips[cpu] = m.group(1)
    return rips


def compare_active(label, g, w, rips):
    """bt -a and friends: task by task; a QEMU cpu in user mode is
    compared with the note (see the docstring)."""
    gb, wb = task_blocks(g), task_blocks(w)
    if [b[0] for b in gb] != [b[0] for b in wb]:
        report(False, label, "tasks %r, want %r" % ([b[0] for b in gb],
                                                      [b[0] for b in wb]))
        return
    for gt, wt in zip(gb, wb):
        cpu = int(re.search(r"CPU: (\d+)", wt[0]).group(1))
        name = "%s [%s]" % (label, wt[0].split("COMMAND:")[1].strip())
        if (gt != wt and rips.get(cpu, "f")[0] == "0" and len(gt) == 8 and
                gt[1].startswith("    RIP: " + rips[cpu])):
            report(True, name + " (user mode in the QEMU note; the classic "
                   "crash shows a stale trace)")
            continue
        report(gt == wt, name, "got %r, want %r" % (gt[:14], wt[:14]))


def sleeping_pids(ps_lines):
    """A sample of tasks that were not running: every process, every
    third kernel thread."""
    pids, n = [], 0
    for l in ps_lines:
        f = l.split()
        if len(f) < 9 or not f[0].isdigit() or f[0] == "0":
            continue
        if f[4] == "RU":
            continue
        if f[-1].startswith("["):
            n += 1
            if n % 3:
                continue
        pids.append(f[0])
    return pids


def check_dump(d, facts, fname):
    vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
    dump = os.path.join(d, fname)
    kver = facts["kernel_release"]
    if not os.path.exists(dump):
        print("skip bt %s %s: no such dump" % (kver, fname))
        return
    ps_cmds = [("ps", "ps", "")]
    key = hashlib.sha256(b"bt-ps v1").hexdigest()[:12]
    ps = oracle_answers(vmlinux, dump, ps_cmds, os.path.join(
        d, "oracle-cache", "%s.bt-ps-%s.json" % (fname, key)))
    pids = sleeping_pids(ps.get(0, []))
    cmds = [(c, c, "") for c in PANIC_CMDS]
    cmds += [("bt " + p, "bt " + p, "") for p in pids]
    cmds += [("bt -f " + p, "bt -f " + p, "") for p in pids[-2:]]
    key = hashlib.sha256((repr(cmds) + "bt v1").encode()).hexdigest()[:12]
    cache = os.path.join(d, "oracle-cache", "%s.bt-%s.json" % (fname, key))
    smap = {}
    for line in open(os.path.normpath(os.path.join(d, facts["system_map"]))):
        f = line.split()
        if len(f) == 3:
            smap.setdefault(f[2], f[0])
    rips = user_note_rips(dump) if fname.startswith("qemu") else {}
    for i, name, _, label, g, w in answer_pairs(
            "bt %s %s" % (kver, fname), vmlinux, dump, cmds, cache):
        g = [l.rstrip() for l in g]
        w = [l.rstrip() for l in w]
        while g and not g[-1]:
            g.pop()
        while w and not w[-1]:
            w.pop()
        if len(w) == 1 and w[0].startswith("bt: "):
            # where the classic crash gives an error, we must give a
            # one-line error of our own (the wording is ours)
            report(len(g) == 1 and g[0].startswith("bt: "),
                   label + " (an error)", "got %r, want an error like %r" %
                   (g[:4], w[0]))
        elif name in ("bt -F", "bt -r"):
            report(words_match(g, w, smap), label, first_diff(g, w))
        elif name.startswith(("bt -a", "bt -c")):
            compare_active(label, g, w, rips)
        else:
            report(g == w, label, first_diff(g, w))


def first_diff(g, w):
    for i, (a, b) in enumerate(zip(g, w)):
        if a != b:
            return "line %d: got %r, want %r" % (i + 1, a, b)
    return "got %d lines, want %d" % (len(g), len(w))


def elf_offset(path, paddr):
    """The file offset of physical address paddr in an ELF64 dump."""
    return file_offset(pt_loads(path), paddr)


def check_damaged(d, facts):
    """The panic task's stack page filled with garbage."""
    vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
    src = os.path.join(d, "kdump-d31.elf")
    kver = facts["kernel_release"]
    label = "bt %s damaged stack" % kver
    if not os.path.exists(src):
        print("skip %s: no kdump-d31.elf" % label)
        return
    p = subprocess.run([CRASH, "-s", vmlinux, src], input="bt\n",
                       capture_output=True, text=True, errors="replace",
                       timeout=300)
    m = re.search(r"^ #0 \[([0-9a-f]+)\]", p.stdout, re.M)
    head = p.stdout.splitlines()[0] if p.stdout else ""
    if not m or not head.startswith("PID: "):
        report(False, label, "no frame #0 in %r" % p.stdout[:300])
        return
    p = subprocess.run([CRASH, "-s", vmlinux, src], input="vtop %s\n" %
                       m.group(1), capture_output=True, text=True,
                       errors="replace", timeout=300)
    pm = re.search(r"^[0-9a-f]+\s+([0-9a-f]+)\s*$", p.stdout, re.M)
    if not pm:
        report(False, label, "vtop gave %r" % p.stdout[:300])
        return
    page = int(pm.group(1), 16) & ~0xfff
    tmp = os.path.join(os.environ.get("TMPDIR", "/tmp"),
                       "bt-damaged-%d.elf" % os.getpid())
    try:
        shutil.copyfile(src, tmp)
        off = elf_offset(tmp, page)
        if off is None:
            report(False, label, "page %x is not in the file" % page)
            return
        with open(tmp, "r+b") as f:
            f.seek(off)
            f.write(b"\x41" * 4096)
        p = subprocess.run([CRASH, "-s", vmlinux, tmp], input="bt -a\n",
                           capture_output=True, text=True, errors="replace",
                           timeout=120)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    out = p.stdout.splitlines()
    blocks = task_blocks(out)
    panic = [b for b in blocks if b[0] == head]
    report(p.returncode == 0 and "AddressSanitizer" not in p.stderr,
           label + ": no crash", "rc %d: %s" % (p.returncode, p.stderr[-300:]))
    report(len(panic) == 1 and any(l.startswith("bt: ") for l in panic[0]),
           label + ": a message in the panic task's trace", repr(out[:20]))
    report(len(blocks) == int(facts["guest"]["smp"]),
           label + ": every cpu's task after it", repr(out[:30]))
    report(len(out) < 200, label + ": bounded", "%d lines" % len(out))


def main():
    have_oracle = os.path.exists(os.path.join(ROOT, "oracles", "trixie",
                                              ".done"))
    if not have_oracle:
        print("skip bt: no oracle chroot (tests/vmcores/oracles.sh)")
        return
    for d in sys.argv[1:]:
        facts = json.load(open(os.path.join(d, "facts.json")))
        if facts.get("arch", "x86_64") != "x86_64":
            # the oracle reads only x86_64: arm64_bt_check.py compares
            # arm64 traces with drgn's
            print("skip bt %s %s: the classic crash reads x86_64 only "
                  "(arm64_bt_check)" % (facts.get("arch"),
                                        facts["kernel_release"]))
            continue
        for fname in DUMPS:
            check_dump(d, facts, fname)
        check_damaged(d, facts)


if __name__ == "__main__":
    main()
