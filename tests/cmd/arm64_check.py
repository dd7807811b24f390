#!/usr/bin/env python3
"""arm64_check.py DUMPDIR...: our crash on the arm64 dump sets against drgn
0.0.31 (tests/vmcores/oracle-drgn; the classic crash of the oracle chroot
is an x86_64-only build and refuses arm64 dumps).  drgn's answers come from
tests/cmd/arm64_drgn.py, run in the chroot and cached next to the dumps.

Per dump: uname (sys), the CPU count, the task list (ps: pid, ppid, cpu,
state, comm, task address, the idle task of each CPU, the panic task
marked), the kernel log line by line, member offsets and type sizes of the
arm64 structures the unwinder will need, symbol addresses, variables (p),
vtop of kernel addresses of every kind -- image symbols from System.map,
and, chosen by drgn, task structs (linear map), task stacks (vmalloc),
modules, per-cpu data, vmemmap -- against drgn's own page table walker
(follow_phys), every page table entry vtop shows against the memory drgn
reads at that address, ptov (phys_to_virt), and rd.

Prints "ok NAME" / "FAIL NAME: why" / "skip NAME: why"; other sets skip.
"""
import hashlib
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cmds_check import run, system_map  # noqa: E402
from dumpinfo_check import CRASH, ROOT, TOP, report  # noqa: E402

DRGN = os.path.join(TOP, "tests", "vmcores", "oracle-drgn")
HELPER = os.path.join(TOP, "tests", "cmd", "arm64_drgn.py")
EXAMPLES = os.path.join(TOP, "tests", "vmcores", "examples")

# The dumps, and whose drgn answers each is checked against: libkdumpfile
# (drgn's reader of kdump files) cannot read QEMU's arm64 kdump files,
# which QEMU writes in 64K blocks for a 4K-page guest ("Out-of-bounds
# PFN"), so that one is checked against the ELF dump QEMU took of the same
# stopped guest.
DUMPS = {
    "kdump-d31-lzo.kdump": "kdump-d31-lzo.kdump",
    "kdump-vmcore.elf": "kdump-vmcore.elf",
    "qemu-kaslr-vmci.elf": "qemu-kaslr-vmci.elf",
    "qemu-kaslr-vmci-zlib.kdump": "qemu-kaslr-vmci.elf",
    "qemu-kaslr-novmci.elf": "qemu-kaslr-novmci.elf",
}

# What the unwinder and the task readers will lean on.
MEMBERS = [
    ("task_struct", m) for m in ("pid", "tgid", "comm", "tasks", "mm",
                                 "stack", "thread", "thread_info", "__state",
                                 "real_parent", "on_cpu")
] + [
    ("thread_struct", "cpu_context"),
    ("cpu_context", "x19"), ("cpu_context", "fp"), ("cpu_context", "sp"),
    ("cpu_context", "pc"),
    ("pt_regs", "regs"), ("pt_regs", "sp"), ("pt_regs", "pc"),
    ("pt_regs", "pstate"), ("pt_regs", "orig_x0"), ("pt_regs", "syscallno"),
    ("pt_regs", "stackframe"),
    ("user_pt_regs", "sp"), ("user_pt_regs", "pc"),
    ("thread_info", "flags"), ("thread_info", "preempt_count"),
    ("mm_struct", "pgd"), ("rq", "curr"), ("rq", "idle"),
]
SIZES = ["task_struct", "pt_regs", "cpu_context", "thread_struct",
         "thread_info", "page", "mm_struct"]
SYMBOLS = ["swapper_pg_dir", "init_task", "jiffies", "linux_banner",
           "vmcoreinfo_data", "__per_cpu_offset", "runqueues", "init_mm",
           "idmap_pg_dir", "_stext", "_end"]
VALUES = ["jiffies", "max_pfn", "memstart_addr", "kimage_voffset",
          "nr_threads", "nr_cpu_ids"]
PTOV = [0x40000000, 0x4040f980, 0x41858000, 0x5fffe000]

# ps state names from drgn's task_state_to_char letters
STATES = {"R": "RU", "S": "IN", "D": "UN", "T": "ST", "t": "TR", "Z": "ZO",
          "X": "DE", "I": "ID", "P": "PA"}


def drgn(vmlinux, dump, queries, cache):
    """drgn's answers to queries, from the cache or by running it once."""
    if os.path.exists(cache):
        return json.load(open(cache))
    qpath = "/tmp/arm64-queries-%d.json" % os.getpid()
    with open(qpath, "w") as f:
        json.dump(queries, f)
    env = dict(os.environ, CACHE=os.path.join(ROOT, "oracles"),
               ORACLE_BIND_RO=EXAMPLES, DRGN_PS_DIR=EXAMPLES)
    try:
        p = subprocess.run([DRGN, HELPER, vmlinux, dump, qpath],
                           capture_output=True, text=True, env=env,
                           stdin=subprocess.DEVNULL, timeout=600)
    finally:
        os.unlink(qpath)
    if p.returncode != 0:
        raise RuntimeError("drgn exited %d: %s" % (p.returncode,
                                                    p.stderr[-400:]))
    out = json.loads(p.stdout)
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    with open(cache + ".tmp", "w") as f:
        json.dump(out, f)
    os.rename(cache + ".tmp", cache)
    return out


def cached_drgn(d, vmlinux, oracle_dump, tag, queries):
    # the helper's text is part of the key: a new question, a new answer
    key = hashlib.sha256(repr(sorted(queries.items())).encode() +
                         open(HELPER, "rb").read()).hexdigest()[:12]
    cache = os.path.join(d, "oracle-cache", "%s.drgn-%s-%s.json" %
                         (oracle_dump, tag, key))
    return drgn(vmlinux, os.path.join(d, oracle_dump), queries, cache)


def image_sample(syms, kaslr):
    """A few unique symbols of each kind in the kernel image."""
    count = {}
    for a, _, n in syms:
        count[n] = count.get(n, 0) + 1
    out = []
    for kind in "TtDdBbRr":
        c = [(a + kaslr, n) for a, k, n in syms if k == kind and
             count[n] == 1 and a >= 0xffff800000000000 and
             not n.startswith(("__", "."))]
        out += c[::max(1, len(c) // 4)][:4]
    return out


def parse_vtop(lines):
    """(physical or None, [(level, entry vaddr, value)], (page, size)) of
    vtop."""
    phys, steps, page = None, [], None
    if len(lines) > 1:
        f = lines[1].split()
        if len(f) == 2 and re.fullmatch(r"[0-9a-f]+", f[1]):
            phys = int(f[1], 16)
    for l in lines:
        m = re.match(r"\s*(PGD|P4D|PUD|PMD|PTE): ([0-9a-f]+) => ([0-9a-f]+)$",
                     l)
        if m:
            steps.append((m.group(1), int(m.group(2), 16),
                          int(m.group(3), 16)))
        m = re.match(r"\s*PAGE: ([0-9a-f]+)(?:\s+\((\d+)([KMG])B\))?", l)
        if m:
            size = int(m.group(2)) << {"K": 10, "M": 20, "G": 30}[
                m.group(3)] if m.group(2) else 4096
            page = (int(m.group(1), 16), size)
    return phys, steps, page


def number(lines):
    m = re.search(r"= (?:\$\d+ = )?(?:\([^)]*\) )?(0x[0-9a-f]+|-?\d+)\s*$",
                  lines[0]) if lines else None
    return int(m.group(1), 0) if m else None


def check_dump(d, facts, fname, oracle_dump, vmlinux, syms):
    kver = facts["kernel_release"]
    label = "arm64 %s %s" % (kver, fname)
    kaslr = int(facts["dumps"][fname]["kaslr_offset"], 16)
    sample = image_sample(syms, kaslr)
    q1 = {"vtop": [a for a, _ in sample], "ptov": PTOV,
          "members": MEMBERS, "sizes": SIZES, "symbols": SYMBOLS,
          "values": VALUES}
    try:
        want = cached_drgn(d, vmlinux, oracle_dump, "a", q1)
    except Exception as e:
        report(False, label + ": drgn", str(e))
        return
    picks = sorted(want["picks"].items())
    vaddrs = [(n, a) for a, n in sample] + [(n, v[0]) for n, v in picks]
    tpids = sorted({t[0] for t in want["tasks"]})[::9]
    cmds = [("sys", "sys", ""), ("ps", "ps", ""), ("log", "log", ""),
            ("mod", "mod", "")]
    cmds += [("task %d" % p, "task %d" % p, "") for p in tpids]
    cmds += [("struct %s.%s -o" % tm, "struct %s.%s -o" % tm, "")
             for tm in MEMBERS]
    cmds += [("sizeof " + t, "p sizeof(struct %s)" % t, "") for t in SIZES]
    cmds += [("sym " + n, "sym " + n, "") for n in SYMBOLS]
    cmds += [("p " + n, "p " + n, "") for n in VALUES]
    cmds += [("vtop %s" % n, "vtop %x" % a, "") for n, a in vaddrs]
    cmds += [("ptov %x" % p, "ptov %x" % p, "") for p in PTOV]
    cmds += [("rd %s" % n, "rd -64 %x" % a, "") for n, a in vaddrs]
    got = run([CRASH], vmlinux, os.path.join(d, fname), cmds)
    out = {name: got.get(i, []) for i, (name, _, _) in enumerate(cmds)}

    # uname and CPUs
    sysf = dict((m.group(1), m.group(2)) for m in (
        re.match(r"\s*([A-Z ]+): (.*)", l) for l in out["sys"]) if m)
    u = want["uname"]
    for key, val in (("RELEASE", u["release"]), ("VERSION", u["version"]),
                     ("NODENAME", u["nodename"])):
        report(sysf.get(key) == val, "%s: sys %s" % (label, key),
               "got %r, want %r" % (sysf.get(key), val))
    report((sysf.get("MACHINE") or "").startswith(u["machine"] + "  ("),
           label + ": sys MACHINE", "got %r" % sysf.get("MACHINE"))
    report(sysf.get("CPUS") == str(len(want["idle"])), label + ": sys CPUS",
           "got %r, want %d" % (sysf.get("CPUS"), len(want["idle"])))

    # the task list
    rows, active = set(), set()
    for l in out["ps"][1:]:
        f = l[1:].split(None, 8)
        if len(f) < 9:
            continue
        comm = f[8][1:-1] if f[8].startswith("[") else f[8]
        rows.add((int(f[0]), int(f[1]), int(f[2]), f[4], comm,
                  int(f[3], 16)))
        if l.startswith(">"):
            active.add(int(f[3], 16))
    # A task caught waking up (__state TASK_WAKING, 0x200) is "R" to
    # drgn, whose task_state_to_char() keeps only the kernel's TASK_REPORT
    # bits; the classic crash (and ours) shows it as "WA".
    wrows = {(p, pp, c, "WA" if raw == 0x200 else STATES.get(s, s), comm, a)
             for p, pp, c, s, comm, a, raw in want["tasks"]}
    # the idle tasks: pid 0, parent 0, running
    wrows |= {(0, 0, c, "RU", comm, a) for c, a, comm in want["idle"]}
    report(rows == wrows, label + ": ps (%d tasks)" % len(wrows),
           "ours only %s; drgn only %s" % (sorted(rows - wrows)[:3],
                                           sorted(wrows - rows)[:3]))
    if want.get("crashed_pid") is not None:
        pid = want["crashed_pid"]
        addrs = {a for p, _, _, _, _, a, _ in want["tasks"] if p == pid}
        report(bool(addrs & active), label + ": the panic task (pid %d) "
               "is marked active" % pid, "active %s" % sorted(active))

    # task: the whole task_struct prints (arm64's has __uint128_t
    # registers), with the right pid and comm
    bad = []
    comm = {t[0]: t[4] for t in want["tasks"]}
    for p in tpids:
        g = out["task %d" % p]
        if not any(l == "  pid = %d," % p for l in g) or not any(
                l.startswith('  comm = "%s' % comm[p]) for l in g):
            bad.append("task %d: %s" % (p, g[:2]))
    report(not bad, label + ": task of %d tasks" % len(tpids),
           "; ".join(bad[:3]))

    # modules: address, name, base, size
    got_mods = sorted(tuple(int(x, 16) if i != 1 else x for i, x in
                            enumerate(l.split()[:3])) + (int(l.split()[3]),)
                      for l in out["mod"][1:] if len(l.split()) >= 4)
    want_mods = sorted((a, n, b, s) for n, a, b, s in want["modules"])
    report(got_mods == want_mods, label + ": mod (%d modules)" %
           len(want_mods), "got %s, want %s" % (got_mods[:2], want_mods[:2]))

    # the log
    lines = out["log"]
    if lines == want["dmesg"]:
        report(True, label + ": log (%d lines)" % len(lines))
    else:
        i = next((k for k, (a, b) in enumerate(zip(lines, want["dmesg"]))
                  if a != b), min(len(lines), len(want["dmesg"])))
        report(False, label + ": log", "%d vs %d lines; first difference "
               "at %d: %r vs %r" % (len(lines), len(want["dmesg"]), i + 1,
                                    lines[i:i + 1], want["dmesg"][i:i + 1]))

    # types
    bad = []
    for t, m in MEMBERS:
        w = want["members"]["%s.%s" % (t, m)]
        g = out["struct %s.%s -o" % (t, m)]
        o = next((int(x.group(1)) for x in (re.match(r"\s*\[(\d+)\]", l)
                                            for l in g) if x), None)
        if w is not None and o != w:
            bad.append("%s.%s: %s vs %d" % (t, m, o, w))
    report(not bad, label + ": member offsets (%d)" % len(MEMBERS),
           "; ".join(bad[:4]))
    bad = ["%s: %s vs %s" % (t, number(out["sizeof " + t]), want["sizes"][t])
           for t in SIZES if want["sizes"][t] is not None and
           number(out["sizeof " + t]) != want["sizes"][t]]
    report(not bad, label + ": type sizes (%d)" % len(SIZES),
           "; ".join(bad[:4]))

    # symbols and variables
    bad = []
    for n in SYMBOLS:
        w, g = want["symbols"][n], out["sym " + n]
        a = int(g[0].split()[0], 16) if g and re.match(r"[0-9a-f]+ ",
                                                      g[0]) else None
        if w is not None and a != w:
            bad.append("%s: %s vs %x" % (n, g[:1], w))
    report(not bad, label + ": sym (%d)" % len(SYMBOLS), "; ".join(bad[:4]))
    bad = ["%s: %r vs %s" % (n, out["p " + n][:1], want["values"][n])
           for n in VALUES if want["values"][n] is not None and
           number(out["p " + n]) % (1 << 64) != want["values"][n] % (1 << 64)]
    report(not bad, label + ": p (%d variables)" % len(VALUES),
           "; ".join(bad[:4]))

    # vtop: the address against drgn's walker, each entry against memory
    walks, reads = {}, set()
    for n, a in vaddrs:
        walks[n] = parse_vtop(out["vtop %s" % n])
        reads |= {e for _, e, _ in walks[n][1]}
    reads |= {a for _, a in vaddrs}
    try:
        mem = cached_drgn(d, vmlinux, oracle_dump, "b",
                          {"read64": sorted(reads)})["read64"]
    except Exception as e:
        report(False, label + ": drgn reads", str(e))
        return
    wpa = dict(want["vtop"])
    for n, v in picks:
        wpa["%x" % v[0]] = v[1]
    bad_pa, bad_walk, nwalk = [], [], 0
    for n, a in vaddrs:
        phys, steps, page = walks[n]
        # not mapped (None) must agree too: the image's header and its
        # freed init sections have no entries in swapper_pg_dir
        w = wpa.get("%x" % a)
        if phys != w:
            bad_pa.append("%s %x: %s vs %s" % (n, a, phys, w))
        for lvl, e, val in steps:
            nwalk += 1
            if mem.get("%x" % e) != val:
                bad_walk.append("%s %s at %x: %x vs %s" % (
                    n, lvl, e, val, mem.get("%x" % e)))
        if not steps or (phys is not None and (
                page is None or not page[0] <= phys < page[0] + page[1])):
            bad_walk.append("%s: walk %s, page %s, physical %s" % (
                n, steps, page, phys))
    report(not bad_pa, label + ": vtop of %d addresses (image, linear, "
           "vmalloc, modules, per-cpu, vmemmap)" % len(vaddrs),
           "; ".join(bad_pa[:3]))
    report(not bad_walk, label + ": vtop's %d page table entries" % nwalk,
           "; ".join(bad_walk[:3]))
    bad = []
    for p in PTOV:
        g = out["ptov %x" % p]
        v = int(g[1].split()[0], 16) if len(g) > 1 else None
        if want["ptov"]["%x" % p] is not None and v != want["ptov"]["%x" % p]:
            bad.append("%x: %s vs %x" % (p, g[1:2], want["ptov"]["%x" % p]))
    report(not bad, label + ": ptov (%d)" % len(PTOV), "; ".join(bad[:3]))
    bad = []
    for n, a in vaddrs:
        g = out["rd %s" % n]
        m = re.match(r"([0-9a-f]+):\s+([0-9a-f]+)", g[0]) if g else None
        v = int(m.group(2), 16) if m else None
        if mem.get("%x" % a) is not None and v != mem["%x" % a]:
            bad.append("%s %x: %r vs %x" % (n, a, g[:1], mem["%x" % a]))
    report(not bad, label + ": rd -64 at %d addresses" % len(vaddrs),
           "; ".join(bad[:3]))


def main():
    if not os.path.exists(os.path.join(ROOT, "oracles", "trixie", ".done")):
        print("skip arm64: no oracle chroot (tests/vmcores/oracles.sh)")
        return
    for d in sys.argv[1:]:
        facts = json.load(open(os.path.join(d, "facts.json")))
        kver = facts["kernel_release"]
        if facts.get("arch") != "arm64":
            print("skip arm64 %s: a %s set" % (kver, facts.get("arch")))
            continue
        vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
        syms = system_map(os.path.normpath(os.path.join(
            d, facts["system_map"])))
        for fname, oracle_dump in DUMPS.items():
            if fname not in facts["dumps"]:
                print("skip arm64 %s %s: not made" % (kver, fname))
                continue
            check_dump(d, facts, fname, oracle_dump, vmlinux, syms)


if __name__ == "__main__":
    main()
