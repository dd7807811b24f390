"""The log of a damaged printk ring buffer (called by log_check.py).

A copy of a real ELF dump is damaged in place, one way at a time:
 A. junk over a few descriptors in the middle of the ring: the classic
    crash skips them silently; our log must be its log of the same damaged
    copy, and a note must name the ids;
 B. a tail id that does not fit the ring (the classic crash would walk
    some 2^62 ids to wrap around to the head): we must still show the whole log, as the classic crash shows
    the undamaged dump's, and say why;
 C. one record's text block made malformed: that record is left out, the
    rest shown, and a note names its id and descriptor;
 D. the descriptor ring's pointer aimed at unmapped memory: nothing can be
    shown, and the note says which record could not be read, and where.
Where things are (the ring, its ids, their physical addresses) comes from
the classic crash's answers on the undamaged dump, never from ours.
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
from elf_patch import file_offset, pt_loads, vtop_output_physical  # noqa: E402
from dumpinfo_check import CRASH, ROOT, ORACLE, report  # noqa: E402
from cmds_check import SEP, oracle_answers, split  # noqa: E402

DUMP = "kdump-d31.elf"
RING = ["p/x prb->desc_ring.descs", "p prb->desc_ring.count_bits",
        "p/x prb->desc_ring.tail_id.counter",
        "p/x prb->desc_ring.head_id.counter",
        "p/x &prb->desc_ring.tail_id.counter",
        "p/x &prb->desc_ring.descs", "p sizeof(struct prb_desc)",
        "p/x (long)&((struct prb_desc *)0)->text_blk_lpos.begin",
        "p/x (long)&((struct prb_desc *)0)->text_blk_lpos.next", "log"]


def run(tool, vmlinux, paths, cmds, env=None):
    script = "".join("%s\n%s\n" % (SEP % i, c) for i, c in
                     enumerate(cmds)) + SEP % len(cmds) + "\n"
    path = "/tmp/crash-log-damage-%d.txt" % os.getpid()
    with open(path, "w") as f:
        f.write(script)
    p = subprocess.run(tool + ["-s", "-i", path, vmlinux] + paths,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, errors="replace",
                       stdin=subprocess.DEVNULL, env=env, timeout=900)
    os.unlink(path)
    return split(p.stdout, len(cmds))


def oracle(d, vmlinux, path, cmds, tag):
    key = hashlib.sha256((repr(cmds) + tag).encode()).hexdigest()[:12]
    cache = os.path.join(d, "oracle-cache", "%s.log-damage-%s.json"
                         % (DUMP, key))
    return oracle_answers(vmlinux, [path], cmds, cache,
                          runner=lambda tool, v, p, c, env:
                          run(tool, v, p, c, env))


def value(lines):
    """The number a `p` printed: "$3 = 0x1234" or "$4 = 12"."""
    m = re.search(r"= (0x[0-9a-f]+|\d+)\s*$", " ".join(lines))
    if not m:
        raise RuntimeError("not a number: %r" % lines)
    return int(m.group(1), 0)


def physical(lines):
    """The physical address vtop printed for its one address."""
    pa = vtop_output_physical(lines)
    if pa is None:
        raise RuntimeError("vtop gave no physical address: %r" % lines[:4])
    return pa


def to_offset(loads, paddr, size):
    off = file_offset(loads, paddr, size)
    if off is None:
        raise RuntimeError("%#x is not in the dump" % paddr)
    return off


def ours(vmlinux, path):
    p = subprocess.run([CRASH, "-s", vmlinux, path], input="log\n",
                       capture_output=True, text=True, errors="replace",
                       env=dict(os.environ, TZ="UTC"), timeout=300)
    return p.stdout.splitlines(), p.stderr


class Patch:
    """Bytes written over the copy (at each offset), put back afterwards."""

    def __init__(self, path, offs, data):
        self.path, self.offs, self.data = path, offs, data

    def __enter__(self):
        self.old = []
        with open(self.path, "r+b") as f:
            for off in self.offs:
                f.seek(off)
                self.old.append(f.read(len(self.data)))
                f.seek(off)
                f.write(self.data)

    def __exit__(self, *exc):
        with open(self.path, "r+b") as f:
            for off, old in zip(self.offs, self.old):
                f.seek(off)
                f.write(old)


def missing_run(got, want):
    """True if got is want with one run of 1 to 20 lines taken out."""
    if not 1 <= len(want) - len(got) <= 20:
        return False
    i = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b),
             len(got))
    return got[i:] == want[i + len(want) - len(got):]


def check(d, facts, vmlinux, kver):
    src = os.path.join(d, DUMP)
    name = "log damaged %s %s" % (kver, DUMP)
    if not os.path.exists(src):
        print("skip %s: no such dump" % name)
        return
    try:
        a = oracle(d, vmlinux, src, RING, "")
        descs, bits, tail, head, tail_at, descs_at, dsize, lbegin, lnext = (
            value(a[i]) for i in range(9))
        log = a[9]
        count = 1 << bits
        vt = ["vtop %x" % descs, "vtop %x" % (descs + count * dsize - 1),
              "vtop %x" % tail_at, "vtop %x" % descs_at]
        b = oracle(d, vmlinux, src, vt, "")
        phys = [physical(b[i]) for i in range(4)]
        if phys[1] - phys[0] != count * dsize - 1:
            raise RuntimeError("the descriptor ring is not physically "
                               "contiguous")
    except Exception as e:
        report(False, name + ": where the ring is", str(e))
        return
    loads = pt_loads(src)
    tmp = tempfile.mkdtemp(prefix="crash-log-damage-")
    copy = os.path.join(tmp, DUMP)
    try:
        shutil.copyfile(src, copy)
        got, err = ours(vmlinux, copy)
        report(got == log and not err, name + ": the undamaged copy",
               "%d vs %d lines, %r" % (len(got), len(log), err[:200]))

        def desc_off(i):
            return to_offset(loads, phys[0] + (i % count) * dsize, dsize)

        # A: eight descriptors of junk a third of the way in
        first = tail + (head - tail) // 3
        n = 8
        with Patch(copy, [desc_off(i) for i in range(first, first + n)],
                   b"\x5a" * dsize):
            want = oracle(d, vmlinux, copy, ["log"],
                          "junk %d at %d" % (n, first))[0]
            got, err = ours(vmlinux, copy)
            report(got == want and got != log, name +
                   ": junk descriptors, the classic crash's lines",
                   first_diff(got, want))
            report("%d descriptor(s) between ids %d and %d hold other ids"
                   % (n, first, first + n - 1) in err,
                   name + ": junk descriptors are named", repr(err[:300]))
        # B: a tail 2^40 ids ahead of the head
        with Patch(copy, [to_offset(loads, phys[2], 8)],
                   struct.pack("<Q", tail + (1 << 40))):
            got, err = ours(vmlinux, copy)
            report(got == log, name + ": a damaged tail id, the whole log",
                   first_diff(got, log))
            report("do not fit its %d descriptors" % count in err,
                   name + ": a damaged tail id is named", repr(err[:300]))
        # C: one record's text block ends before it begins
        mid = tail + (head - tail) // 2
        off = desc_off(mid)
        with open(copy, "rb") as f:
            f.seek(off + lnext)
            nxt, = struct.unpack("<Q", f.read(8))
        with Patch(copy, [off + lbegin], struct.pack("<Q", nxt + 8)):
            got, err = ours(vmlinux, copy)
            report(missing_run(got, log), name +
                   ": a malformed text block, the other records",
                   "%d vs %d lines" % (len(got), len(log)))
            report(re.search(r"1 record\(s\) could not be read \(ids %d to "
                             r"%d\); the first: printk record id %d "
                             r"\(descriptor at 0x[0-9a-f]+\): .*malformed"
                             % (mid, mid, mid), err) is not None,
                   name + ": a malformed text block is named",
                   repr(err[:300]))
        # D: the descriptors nowhere
        with Patch(copy, [to_offset(loads, phys[3], 8)],
                   struct.pack("<Q", 0xffffc9ffff000000)):
            got, err = ours(vmlinux, copy)
            report(not got and re.search(
                r"could not be read \(ids %d to %d\); the first: printk "
                r"record id %d \(descriptor at 0xffffc9ffff" % (tail, head,
                                                                tail), err)
                   is not None, name + ": unreadable descriptors",
                   "%d lines, %r" % (len(got), err[:300]))
    except Exception as e:
        report(False, name, "%s: %s" % (type(e).__name__, e))
    finally:
        shutil.rmtree(tmp)


def first_diff(got, want):
    i = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b),
             min(len(got), len(want)))
    return ("%d vs %d lines; first difference at line %d: %r vs %r"
            % (len(got), len(want), i + 1, got[i] if i < len(got) else None,
               want[i] if i < len(want) else None))
