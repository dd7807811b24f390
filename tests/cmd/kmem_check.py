#!/usr/bin/env python3
"""kmem_check.py DUMPDIR...: kmem -i, kmem -V and kmem -z against the
classic crash 8.0.6 on the x86_64 dump sets, line for line (its answers
cached next to the dumps), and on the arm64 sets against drgn 0.0.31
(kmem_drgn.py: the classic crash of the oracle chroot is an x86_64-only
build), plus a few things any set must show: an option we do not have is
refused with a one-line error and exit status 1.

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
from dumpinfo_check import CRASH, ROOT, TOP, report  # noqa: E402
from dumpinfo_check import classic_reads  # noqa: E402
from cmds_check import oracle_answers, run  # noqa: E402
from elf_patch import file_offset, pt_loads  # noqa: E402
from elf_patch import vtop_output_physical  # noqa: E402

DRGN = os.path.join(TOP, "tests", "vmcores", "oracle-drgn")
HELPER = os.path.join(TOP, "tests", "cmd", "kmem_drgn.py")
SLAB_HELPER = os.path.join(TOP, "tests", "cmd", "slab_drgn.py")
# examples/drgn-ps.py: the workarounds drgn needs for QEMU's arm64 dumps
# (arm64_drgn.py's open_program loads it)
EXAMPLES = os.path.join(TOP, "tests", "vmcores", "examples")

COMMANDS = ["kmem -i", "kmem -V", "kmem -z", "kmem -i -z", "kmem -i -V"]
# kmem -s: the SLUB caches (asked apart from the others, so that the
# answers cached for those stay valid)
SLAB_COMMANDS = ["kmem -s", "kmem -s kmalloc-64", "kmem -s task_struct",
                 "kmem -s list", "kmem -s no-such-cache",
                 "kmem -s dentry task_struct", "kmem -s -i",
                 "kmem -S kmalloc-64", "kmem -S dentry", "kmem -S task_struct",
                 "kmem -S", "kmem -s -S"]
# where the classic crash refuses the command, it prints its own usage
# text after the error: only the error line is compared
FIRST_LINE_ONLY = {"kmem -i -V", "kmem -s -i"}
# the classic crash says nothing of a cache it does not find: nor must we
SILENT = {"kmem -s no-such-cache"}
# qemu-kaslr-novmci.elf has no VMCOREINFO note: the memory section layout
# then comes from the kernel's own copy of the text in its memory;
# kdump-d31.elf leaves the pages of zeros out (most of the mem_section
# root array)
X86_DUMPS = ["kdump-d31-lzo.kdump", "kdump-vmcore.elf", "kdump-d31.elf",
             "qemu-kaslr-vmci.elf", "qemu-kaslr-novmci.elf",
             "qemu-kaslr-vmci-zlib.kdump"]
# The arm64 dumps, and whose drgn answers each is checked against:
# libkdumpfile cannot read QEMU's arm64 kdump files (64K blocks for a
# 4K-page guest), so that one is checked against the ELF dump QEMU took of
# the same stopped guest.
ARM64_DUMPS = {
    "kdump-d31-lzo.kdump": "kdump-d31-lzo.kdump",
    "kdump-vmcore.elf": "kdump-vmcore.elf",
    "kdump-d31.elf": "kdump-d31.elf",
    "qemu-kaslr-vmci.elf": "qemu-kaslr-vmci.elf",
    "qemu-kaslr-vmci-zlib.kdump": "qemu-kaslr-vmci.elf",
    "qemu-kaslr-novmci.elf": "qemu-kaslr-novmci.elf",
}


def ours(vmlinux, dump, cmds):
    return run([CRASH], vmlinux, dump, [(c, c, "exact") for c in cmds])


def against_classic(d, facts, commands=COMMANDS, tag="kmem",
                    dumps=X86_DUMPS):
    vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
    kver = facts["kernel_release"]
    cmds = [(c, c, "exact") for c in commands]
    key = hashlib.sha256((repr(cmds) + "v1").encode()).hexdigest()[:12]
    for fname in dumps:
        dump = os.path.join(d, fname)
        if not os.path.exists(dump):
            print("skip kmem %s %s: no such dump" % (kver, fname))
            continue
        cache = os.path.join(d, "oracle-cache",
                             "%s.%s-%s.json" % (fname, tag, key))
        want = oracle_answers(vmlinux, dump, cmds, cache)
        got = ours(vmlinux, dump, commands)
        for i, c in enumerate(commands):
            label = "kmem %s %s: %s" % (kver, fname, c)
            w = [l.rstrip() for l in want.get(i, [])]
            g = [l.rstrip() for l in got.get(i, [])]
            if not w and c in SILENT:
                report(not g, label, "got %r, the classic crash says "
                       "nothing" % g[:3])
                continue
            if not w:
                print("skip %s: the classic crash gave no answer" % label)
                continue
            if c in FIRST_LINE_ONLY:
                g, w = g[:1], w[:1]
            bad = [(j, a, b) for j, (a, b) in
                   enumerate(zip(g + [None] * len(w), w + [None] * len(g)))
                   if a != b]
            report(not bad, label, "%d lines differ, first at line %d: "
                   "got %r, want %r" % ((len(bad),) + bad[0]) if bad else "")


def slab_by_address(d, facts):
    """kmem -s ADDRESS and kmem -S ADDRESS: the cache at that address
    (task_struct's, as the classic crash's kmem -s shows it), with and
    without 0x."""
    vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
    kver = facts["kernel_release"]
    cmds = [(c, c, "exact") for c in SLAB_COMMANDS]
    key = hashlib.sha256((repr(cmds) + "v1").encode()).hexdigest()[:12]
    for fname in X86_DUMPS:
        dump = os.path.join(d, fname)
        if not os.path.exists(dump):
            continue
        listing = oracle_answers(vmlinux, dump, cmds, os.path.join(
            d, "oracle-cache", "%s.kmem-slab-%s.json" % (fname, key)))
        addr = [l.split()[0] for l in listing.get(0, [])
                if l.endswith(" task_struct")]
        if len(addr) != 1:
            report(False, "kmem %s %s: kmem -s ADDRESS" % (kver, fname),
                   "no task_struct cache in the classic crash's kmem -s")
            continue
        against_classic(d, facts, ["kmem -s %s" % addr[0],
                                   "kmem -S 0x%s" % addr[0]],
                        "kmem-slab-addr", [fname])


def drgn_answers(vmlinux, dump, cache, helper=HELPER):
    if os.path.exists(cache):
        return json.load(open(cache))
    env = dict(os.environ, CACHE=os.path.join(ROOT, "oracles"),
               ORACLE_BIND_RO=EXAMPLES, DRGN_PS_DIR=EXAMPLES)
    p = subprocess.run([DRGN, helper, vmlinux, dump], capture_output=True,
                       text=True, env=env, stdin=subprocess.DEVNULL,
                       timeout=900)
    if p.returncode != 0:
        raise RuntimeError("drgn: %s" % p.stderr[-400:])
    ans = json.loads(p.stdout)
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    with open(cache + ".tmp", "w") as f:
        json.dump(ans, f)
    os.rename(cache + ".tmp", cache)
    return ans


def parse_i(lines):
    """kmem -i's lines as {LABEL: pages}."""
    out = {}
    for l in lines:
        m = re.match(r"^\s*([A-Z][A-Z ]*[A-Z])\s+(\d+)\s", l)
        if m:
            out[m.group(1)] = int(m.group(2))
    return out


def parse_v(lines):
    """kmem -V's counters as {SECTION: {NAME: value}}."""
    out, sec = {}, None
    for l in lines:
        m = re.match(r"^  (VM_[A-Z_]+):$", l)
        if m:
            sec = out.setdefault(m.group(1), {})
            continue
        m = re.match(r"^\s*([A-Z0-9_]+): (-?\d+)$", l)
        if m and sec is not None:
            sec[m.group(1)] = int(m.group(2))
    return out


def parse_z(lines):
    """kmem -z's zones as [(name, spanned, present-or-None, min, low, high,
    NR_FREE_PAGES)], None for an unpopulated zone's numbers."""
    zones, cur = [], None
    for l in lines:
        m = re.match(r'^NODE: \d+  ZONE: \d+  ADDR: [0-9a-f]+  NAME: "(.*)"',
                     l)
        if m:
            cur = [m.group(1), None, None, None, None, None, None]
            zones.append(cur)
            continue
        m = re.match(r"^  SIZE: (\d+)(?:  PRESENT: (\d+))?  MIN/LOW/HIGH: "
                     r"(\d+)/(\d+)/(\d+)$", l)
        if m and cur:
            cur[1] = int(m.group(1))
            cur[2] = int(m.group(2)) if m.group(2) else cur[1]
            cur[3:6] = [int(m.group(k)) for k in (3, 4, 5)]
        m = re.match(r"^\s*NR_FREE_PAGES: (\d+)$", l)
        if m and cur:
            cur[6] = int(m.group(1))
    return [tuple(z) for z in zones]


def against_drgn(d, facts):
    """drgn has no kmem: kmem_drgn.py reads the same kernel variables with
    drgn's own helpers (totalram_pages, the vm_*_stat arrays, the per-cpu
    vm_event_states, every zone, and the shared-page tally over every
    struct page of the present memory sections)."""
    vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
    kver = "%s %s" % (facts["kernel_release"], facts.get("arch"))
    if not os.path.exists(DRGN):
        print("skip kmem %s: no drgn oracle" % kver)
        return
    for fname, drgn_fname in ARM64_DUMPS.items():
        dump = os.path.join(d, fname)
        drgn_dump = os.path.join(d, drgn_fname)
        if not os.path.exists(dump) or not os.path.exists(drgn_dump):
            print("skip kmem %s %s: no such dump" % (kver, fname))
            continue
        key = hashlib.sha256(open(HELPER, "rb").read()).hexdigest()[:12]
        cache = os.path.join(d, "oracle-cache",
                             "%s.kmem-drgn-%s.json" % (drgn_fname, key))
        try:
            want = drgn_answers(vmlinux, drgn_dump, cache)
        except (RuntimeError, ValueError, subprocess.TimeoutExpired) as e:
            report(False, "kmem %s %s: drgn" % (kver, fname), str(e))
            continue
        got = ours(vmlinux, dump, ["kmem -i", "kmem -V", "kmem -z"])
        label = "kmem %s %s" % (kver, fname)
        i = parse_i(got.get(0, []))
        for name, key in (("TOTAL MEM", "totalram"), ("FREE", "free"),
                          ("SHARED", "shared"), ("BUFFERS", "buffers"),
                          ("CACHED", "cached"), ("SLAB", "slab"),
                          ("TOTAL HUGE", "huge_total"),
                          ("HUGE FREE", "huge_free"),
                          ("TOTAL SWAP", "swap_total"),
                          ("SWAP USED", "swap_used"),
                          ("COMMIT LIMIT", "commit_limit"),
                          ("COMMITTED", "committed")):
            report(i.get(name) == want[key], "%s: kmem -i %s" %
                   (label, name), "got %r, drgn %r" % (i.get(name),
                                                      want[key]))
        v = parse_v(got.get(1, []))
        for sec in ("VM_ZONE_STAT", "VM_NODE_STAT", "VM_EVENT_STATES"):
            report(v.get(sec) == want[sec], "%s: kmem -V %s" % (label, sec),
                   "got %r, drgn %r" % (sorted(v.get(sec, {}).items())[:4],
                                        sorted(want[sec].items())[:4]))
        z = parse_z(got.get(2, []))
        report(z == [tuple(x) for x in want["zones"]],
               "%s: kmem -z zones" % label,
               "got %r, drgn %r" % (z, want["zones"]))


def parse_s(lines):
    """kmem -s's lines as [address, name, objsize, slab bytes, allocated,
    total, slabs]."""
    out = []
    for l in lines:
        m = re.match(r"^([0-9a-f]+) +(\d+) +(-?\d+) +(-?\d+) +(\d+) +"
                     r"(\d+)k  (.*)$", l)
        if m:
            out.append([int(m.group(1), 16), m.group(7), int(m.group(2)),
                        int(m.group(6)) * 1024, int(m.group(3)),
                        int(m.group(4)), int(m.group(5))])
    return out


def against_drgn_slab(d, facts):
    """kmem -s on the arm64 sets against slab_drgn.py: the same counts
    read with drgn (the classic crash's reckoning), cache by cache."""
    vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
    kver = "%s %s" % (facts["kernel_release"], facts.get("arch"))
    if not os.path.exists(DRGN):
        print("skip kmem -s %s: no drgn oracle" % kver)
        return
    key = hashlib.sha256(open(SLAB_HELPER, "rb").read()).hexdigest()[:12]
    for fname, drgn_fname in ARM64_DUMPS.items():
        dump = os.path.join(d, fname)
        drgn_dump = os.path.join(d, drgn_fname)
        label = "kmem %s %s: kmem -s" % (kver, fname)
        if not os.path.exists(dump) or not os.path.exists(drgn_dump):
            print("skip %s: no such dump" % label)
            continue
        cache = os.path.join(d, "oracle-cache",
                             "%s.slab-drgn-%s.json" % (drgn_fname, key))
        try:
            want = drgn_answers(vmlinux, drgn_dump, cache, SLAB_HELPER)
        except (RuntimeError, ValueError, subprocess.TimeoutExpired) as e:
            report(False, label + ": drgn", str(e))
            continue
        got = parse_s(ours(vmlinux, dump, ["kmem -s"]).get(0, []))
        w = want["caches"]
        bad = [(a, b) for a, b in zip(got + [None] * len(w),
                                      w + [None] * len(got)) if a != b]
        report(bool(w) and not bad, label, "%d caches of %d differ, first: "
               "got %r, drgn %r" % ((len(bad), len(w)) + bad[0])
               if bad else "drgn found no cache")


def session(vmlinux, dump, script):
    with tempfile.NamedTemporaryFile("w", suffix=".cmds", delete=False) as f:
        f.write(script)
    try:
        return subprocess.run([CRASH, "-s", "-i", f.name, vmlinux, dump],
                              capture_output=True, text=True,
                              errors="replace", stdin=subprocess.DEVNULL,
                              timeout=300)
    finally:
        os.unlink(f.name)


def pointer_value(out):
    m = re.search(r"= (?:\$\d+ = )?\([^)]*\) (0x[0-9a-f]+)", out)
    return int(m.group(1), 16) if m else None


def damage(d, facts):
    """A copy of kdump-d31.elf with three things broken: the first
    mem_section root pointer points nowhere, the block device inode list
    loops on its first entry, the second zone's name points nowhere.
    kmem -i must name what it cannot read and show every other line as
    on the intact dump; kmem -z must show the zone's name as the classic
    crash does when it cannot read it; no crash, no sanitizer report.
    Where to write is found with our own p and vtop on the intact copy
    (setting up, not the answer under test)."""
    vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
    kver = "%s %s" % (facts["kernel_release"], facts.get("arch"))
    src = os.path.join(d, "kdump-d31.elf")
    if not os.path.exists(src):
        print("skip kmem %s damage: no kdump-d31.elf" % kver)
        return
    probe = session(vmlinux, src, "p mem_section\n"
                    "p blockdev_superblock->s_inodes.next\n"
                    "p &node_data[0]->node_zones[1].name\n")
    vals = [pointer_value(l) for l in probe.stdout.split("$")[1:]]
    if len(vals) != 3 or None in vals:
        report(False, "kmem %s damage: set-up" % kver, probe.stdout[:300] +
               probe.stderr[:300])
        return
    roots, first, zname = vals
    nowhere1, nowhere2 = 0xdead000000001000, 0xdead000000002000
    writes = [(roots, nowhere1), (first, first), (zname, nowhere2)]
    loads = pt_loads(src)
    tmp = tempfile.mkdtemp(prefix="kmem-damage.")
    try:
        dst = os.path.join(tmp, "kdump-d31.elf")
        shutil.copyfile(src, dst)
        with open(dst, "r+b") as f:
            for vaddr, value in writes:
                v = session(vmlinux, src, "vtop %x\n" % vaddr)
                pa = vtop_output_physical(v.stdout.splitlines())
                off = None if pa is None else file_offset(loads, pa, 8)
                if off is None:
                    report(False, "kmem %s damage: set-up" % kver,
                           "%x is not in the file" % vaddr)
                    return
                f.seek(off)
                f.write(struct.pack("<Q", value))
        script = "kmem -i\nkmem -z\n"
        good = session(vmlinux, src, script)
        bad = session(vmlinux, dst, script)
        label = "kmem %s damage" % kver
        clean = ("AddressSanitizer" not in bad.stderr and
                 "runtime error" not in bad.stderr and bad.returncode == 0)
        report(clean, label + ": the session goes on",
               "rc %d, %s" % (bad.returncode, bad.stderr[-400:]))
        errs = bad.stderr.splitlines()
        if os.environ.get("KMEM_SHOW"):
            print(errs)
        report(any(l.startswith("kmem: SHARED: ") and
                   ("%x" % nowhere1) in l for l in errs),
               label + ": SHARED names the bad mem_section root",
               "stderr %r" % errs[:4])
        report(any(l.startswith("kmem: BUFFERS: ") and "loops" in l and
                   ("%x" % first) in l for l in errs),
               label + ": BUFFERS names the loop", "stderr %r" % errs[:4])
        broken = ("SHARED", "BUFFERS", "CACHED")
        keep = [l for l in good.stdout.splitlines()
                if not l.strip().startswith(broken)]
        keep = [l.replace('NAME: "DMA32"', 'NAME: "(unknown) "')
                if "ZONE: 1 " in l else l for l in keep]
        got = bad.stdout.splitlines()
        report(got == keep, label + ": every other line as on the intact "
               "dump", "got %r, want %r" % (
                   [l for l in got if l not in keep][:3],
                   [l for l in keep if l not in got][:3]))
    finally:
        shutil.rmtree(tmp)


def slab_damage(d, facts):
    """A copy of kdump-d31.elf with kmalloc-64's (arm64: kmalloc-128's)
    node[0] pointer and
    dentry's name pointer pointing nowhere: kmem -s must name the
    kmalloc-64 cache and the address it cannot read, show it with "?"
    counts, show dentry as "(unknown)", and every other line as on the
    intact dump.  A third cache's node partial list is made to loop on
    one of its slabs: named, with "?" counts, and no endless walk.  Where to write is found with our own kmem -s and p on
    the intact copy (setting up, not the answer under test)."""
    vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
    kver = "%s %s" % (facts["kernel_release"], facts.get("arch"))
    src = os.path.join(d, "kdump-d31.elf")
    if not os.path.exists(src):
        print("skip kmem %s slab damage: no kdump-d31.elf" % kver)
        return
    good = session(vmlinux, src, "kmem -s\n")
    addr = {}
    for l in good.stdout.splitlines():
        f = l.split()
        if len(f) == 7 and f[6] in ("kmalloc-64", "kmalloc-128", "dentry"):
            addr[f[6]] = int(f[0], 16)
    # arm64 has no kmalloc-64 (its smallest is kmalloc-128)
    victim = "kmalloc-64" if "kmalloc-64" in addr else "kmalloc-128"
    if "dentry" not in addr or victim not in addr:
        report(False, "kmem %s slab damage: set-up" % kver,
               good.stdout[:300] + good.stderr[:300])
        return
    # a cache with a slab on its node 0 partial list: that slab's list
    # entry made to point to itself (the list loops)
    looped = looped_slab = None
    cur = None
    lines = session(vmlinux, src, "kmem -S\n").stdout.splitlines()
    for i, l in enumerate(lines):
        f = l.split()
        if len(f) == 7 and re.match(r"^[0-9a-f]{16}$", f[0]):
            cur = f[6]
        if (l == "NODE 0 PARTIAL:" and i + 2 < len(lines) and
                cur not in addr and lines[i + 1].strip().startswith("SLAB")):
            looped, looped_slab = cur, int(lines[i + 2].split()[0], 16)
            break
    script = ("p &((struct kmem_cache *)0x%x)->node[0]\n"
              "p &((struct kmem_cache *)0x%x)->name\n" %
              (addr[victim], addr["dentry"]))
    if looped is None:
        # arm64: kmem -S does not list slabs yet (no vmemmap base)
        print("skip kmem %s slab damage: a looping partial list: no "
              "partial slab listed" % kver)
    else:
        script += "p &((struct slab *)0x%x)->slab_list.next\n" % looped_slab
    probe = session(vmlinux, src, script)
    vals = [pointer_value(l) for l in probe.stdout.split("$")[1:]]
    if len(vals) != 2 + (looped is not None) or None in vals:
        report(False, "kmem %s slab damage: set-up" % kver,
               probe.stdout[:300] + probe.stderr[:300])
        return
    nowhere1, nowhere2 = 0xdead000000003000, 0xdead000000004000
    writes = [(vals[0], nowhere1), (vals[1], nowhere2)]
    if looped is not None:
        writes.append((vals[2], vals[2]))
    loads = pt_loads(src)
    tmp = tempfile.mkdtemp(prefix="kmem-slab-damage.")
    try:
        dst = os.path.join(tmp, "kdump-d31.elf")
        shutil.copyfile(src, dst)
        with open(dst, "r+b") as f:
            for vaddr, value in writes:
                v = session(vmlinux, src, "vtop %x\n" % vaddr)
                pa = vtop_output_physical(v.stdout.splitlines())
                off = None if pa is None else file_offset(loads, pa, 8)
                if off is None:
                    report(False, "kmem %s slab damage: set-up" % kver,
                           "%x is not in the file" % vaddr)
                    return
                f.seek(off)
                f.write(struct.pack("<Q", value))
        bad = session(vmlinux, dst, "kmem -s\nkmem -S %s\n" % victim)
        label = "kmem %s slab damage" % kver
        clean = ("AddressSanitizer" not in bad.stderr and
                 "runtime error" not in bad.stderr and bad.returncode == 0)
        report(clean, label + ": the session goes on",
               "rc %d, %s" % (bad.returncode, bad.stderr[-400:]))
        errs = bad.stderr.splitlines()
        if os.environ.get("KMEM_SHOW"):
            print(errs)
        report(any(l.startswith("kmem: %s: " % victim) and
                   ("%x" % nowhere1) in l for l in errs),
               label + ": %s's fault names the address" % victim,
               "stderr %r" % errs[:4])
        if looped is not None:
            report(any(l.startswith("kmem: %s: " % looped) and
                       "loops" in l and ("%x" % vals[2]) in l for l in errs),
                   label + ": %s's looping partial list is named" % looped,
                   "stderr %r" % errs[:4])
        want = []
        for l in good.stdout.splitlines():
            f = l.split()
            if len(f) == 7 and f[6] in (victim, looped):
                l = "%-16s %8s  %9s  %8s  %5s  %4sk  %s" % (
                    f[0], f[1], "?", "?", "?", f[5].rstrip("k"), f[6])
            elif len(f) == 7 and f[6] == "dentry":
                l = l[:l.rindex("dentry")] + "(unknown)"
            want.append(l)
        got = bad.stdout.splitlines()[:len(want)]
        # kmem -S of it: the header and its line, nothing more (and on
        # arm64 nothing more either: -S lists no slabs there yet)
        report(bad.stdout.splitlines()[len(want):] ==
               [want[0]] + [l for l in want if l.endswith(" " + victim)],
               label + ": kmem -S of the damaged cache",
               "got %r" % bad.stdout.splitlines()[len(want):][:4])
        report(got == want, label + ": every other line as on the intact "
               "dump", "got %r, want %r" % (
                   [l for l in got if l not in want][:3],
                   [l for l in want if l not in got][:3]))
    finally:
        shutil.rmtree(tmp)


def usage_errors(d, facts):
    vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
    dump = os.path.join(d, "kdump-d31-lzo.kdump")
    for c in ("kmem -f", "kmem -p", "kmem", "kmem -i 1234"):
        p = subprocess.run([CRASH, "-s", vmlinux, dump],
                           input=c + "\n", capture_output=True, text=True,
                           timeout=300)
        out = p.stdout.strip().splitlines()
        err = p.stderr.strip().splitlines()
        lines = err + out
        if c == "kmem":
            ok = bool(out) and out[0] == "Usage:" and not err
        else:
            ok = len(err) == 1 and err[0].startswith("kmem:")
        report(ok, "kmem %s: %r says why" % (facts["kernel_release"], c),
               "got %r" % lines[:3])


def main():
    for d in sys.argv[1:]:
        facts = json.load(open(os.path.join(d, "facts.json")))
        if classic_reads(facts):
            if os.path.exists(os.path.join(ROOT, "oracles", "trixie",
                                           ".done")):
                against_classic(d, facts)
                against_classic(d, facts, SLAB_COMMANDS, "kmem-slab")
                slab_by_address(d, facts)
            else:
                print("skip kmem %s: no oracle chroot" %
                      facts["kernel_release"])
        else:
            against_drgn(d, facts)
            against_drgn_slab(d, facts)
        damage(d, facts)
        slab_damage(d, facts)
        usage_errors(d, facts)


if __name__ == "__main__":
    main()
