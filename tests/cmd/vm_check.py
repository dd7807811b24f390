#!/usr/bin/env python3
"""vm_check.py DUMPDIR...: the vm command.

x86_64 sets: against the classic crash 8.0.6, line for line, on the ELF
vmcore, the -d 31 lzo kdump file and QEMU's ELF dump (KASLR, a live
system) of each kernel: vm of every fixture
process and of the current context, kernel threads, several tasks at once,
foreach vm (every task) and foreach user vm, vm -p (every page of every
VMA), -m, -v, -x/-d, -f, a bad task and a usage error; then -R searches
and -P with numbers taken from the oracle's first answers (the oracle's
answers are cached next to the dumps).

arm64 sets: the classic crash of the oracle chroot is an x86_64-only
build, so there against drgn 0.0.31 (vm_drgn.py: for_each_vma, d_path,
follow_phys): each user task's mm_struct, pgd, TOTAL_VM and VMA rows, and
the page translations of vm -p for the first one.

Every set with kdump-d31.elf: the maple tree of init's address space is
damaged in a copy of it (its root pointing nowhere, a pivot below the one
before, a node that is its own child); vm must name the node's address in
one message and the session go on.  Where to write is found with our own
struct/vm/rd/vtop on the intact copy (setting up, not the answer under
test).  Prints "ok NAME" / "FAIL NAME: why" / "skip NAME: why" lines.
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
from dumpinfo_check import CRASH, ROOT, report  # noqa: E402
from dumpinfo_check import classic_reads  # noqa: E402
from cmds_check import answer_pairs, oracle_answers, run  # noqa: E402
from elf_patch import file_offset, pt_loads, vtop_output_physical  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DRGN = os.path.join(TOP, "tests", "vmcores", "oracle-drgn")
HELPER = os.path.join(TOP, "tests", "cmd", "vm_drgn.py")
EXAMPLES = os.path.join(TOP, "tests", "vmcores", "examples")
X86_DUMPS = ("kdump-vmcore.elf", "kdump-d31-lzo.kdump",
             "qemu-kaslr-vmci.elf")
ARM64_DUMPS = ("kdump-vmcore.elf", "kdump-d31-lzo.kdump",
               "qemu-kaslr-vmci.elf")
DAMAGE_DUMP = "kdump-d31.elf"


def boot_pids(facts, fname):
    """The fixture processes' pids in the boot that dump was taken of."""
    boot = facts["dumps"].get(fname, {}).get("boot", "kdump")
    return sorted(facts["boots"][boot]["pids"].values())


def commands(facts, fname):
    pids = boot_pids(facts, fname)
    c = ["vm"] + ["vm %d" % p for p in pids]
    c += ["vm 2", "vm 0", "vm %d %d" % (pids[0], pids[-1]),
          "foreach user vm", "foreach vm"]
    c += ["vm -p %d" % p for p in pids]
    c += ["vm -m %d" % pids[0], "vm -v %d" % pids[-1],
          "vm -x -m %d" % pids[0], "vm -d -v %d" % pids[0],
          "vm -f 8100073", "vm -f c044411", "vm -f 100173", "vm -f 115",
          "vm -f 0x8040075", "vm -f ffffffff", "vm nosuch",
          "vm %d nosuch" % pids[0], "vm -p -m %d" % pids[0]]
    return [(x, x, "exact") for x in c]


def search_commands(facts, fname, answers, cmds):
    """vm -R questions whose numbers come from the classic crash's own
    answers to the first round (a task's mm, pgd, a VMA, its flags, a
    physical page and a file offset), so that they differ per kernel and
    neither side's answer feeds the other's question."""
    pids = boot_pids(facts, fname)
    pid = pids[1]
    index = {c: i for i, (_, c, _) in enumerate(cmds)}
    vm = answers.get(index["vm %d" % pid], [])
    pages = answers.get(index["vm -p %d" % pid], [])
    mm = next((l.split() for i, l in enumerate(vm)
               if i and vm[i - 1].split()[:2] == ["MM", "PGD"]), None)
    vmas = [l.split() for l in vm if re.match(r"^[0-9a-f]{16} ", l)
            and len(l.split()) >= 4 and not l.split()[2].endswith("k")]
    phys = next((l.split()[1] for l in pages
                 if re.match(r"^[0-9a-f]+ +[0-9a-f]+$", l)), None)
    offs = [l.split()[-1] for l in pages if "  FILE: " in l]
    if not mm or len(vmas) < 3 or not phys:
        return None
    c = ["vm -R %s %d" % (mm[0], pid), "vm -R %s %d" % (mm[1], pid),
         "vm -R %s %d" % (vmas[2][0], pid), "vm -R %s %d" % (phys, pid),
         "foreach vm -R %s" % vmas[-1][3], "foreach vm -R busybox",
         "vm -R %s" % vmas[0][1], "vm -R %s %d %d" % (vmas[1][1], pids[0],
                                                    pid),
         "vm -p -R %s %d" % (vmas[1][1], pid), "foreach vm -R nosuchthing",
         "vm -R / %d" % pid, "vm -R 0 2", "vm -R %s -p %d" % (vmas[1][1],
                                                             pid)]
    if offs:
        c.append("vm -R %s %d" % (offs[len(offs) // 2], pid))
    # -P: one VMA and its pages ("foreach vm -P" is left out: the classic
    # crash's foreach refuses -P, ours passes it on)
    c += ["vm -P %s %d" % (vmas[2][0], pid), "vm -P 1234 %d" % pid,
          "vm -P %s %d 2 %d" % (vmas[0][0], pids[0], pid),
          "vm -p -P %s %d" % (vmas[0][0], pid),
          "vm -P %s nosuch %d" % (vmas[-1][0], pid)]
    return [(x, x, "exact") for x in c]


def first_difference(g, w):
    k = next((k for k in range(max(len(g), len(w)))
              if k >= len(g) or k >= len(w) or g[k] != w[k]), 0)
    return "line %d: got %r, want %r" % (
        k, g[k] if k < len(g) else None, w[k] if k < len(w) else None)


def against_classic(d, facts):
    vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
    kver = facts["kernel_release"]
    if not os.path.exists(os.path.join(ROOT, "oracles", "trixie", ".done")):
        print("skip vm %s: no oracle chroot (tests/vmcores/oracles.sh)"
              % kver)
        return
    for fname in X86_DUMPS:
        dump = os.path.join(d, fname)
        if not os.path.exists(dump):
            print("skip vm %s %s: no such dump" % (kver, fname))
            continue
        cmds = commands(facts, fname)
        key = hashlib.sha256(repr(cmds).encode()).hexdigest()[:12]
        cache = os.path.join(d, "oracle-cache",
                             "%s.vm-%s.json" % (fname, key))
        compare(kver, fname, vmlinux, dump, cmds, cache)
        first = oracle_answers(vmlinux, dump, cmds, cache)
        search = search_commands(facts, fname, first, cmds)
        if not search:
            report(False, "vm %s %s: -R questions" % (kver, fname),
                   "no mm, VMAs or pages in the classic crash's answers")
            continue
        key = hashlib.sha256(repr(search).encode()).hexdigest()[:12]
        cache = os.path.join(d, "oracle-cache",
                             "%s.vm-R-%s.json" % (fname, key))
        compare(kver, fname, vmlinux, dump, search, cache)


def compare(kver, fname, vmlinux, dump, cmds, cache):
    for i, name, _, label, g, w in answer_pairs(
            "vm %s %s" % (kver, fname), vmlinux, dump, cmds, cache):
        if w and w[0] == "Usage:":
            # the synopsis lines are each tool's own
            report(g[:1] == ["Usage:"] and
                   g[-1:] == ['Enter "help vm" for details.'],
                   label + " (usage)", "got %r" % g[:3])
            continue
        if name.startswith(("vm -x ", "vm -d ")):
            # Known, not vm's: the struct layer that prints the
            # structure for -m/-v (the struct command too) leaves out
            # a function pointer's <symbol> under -x and prints
            # pointers as signed decimal under -d; the members, their
            # order and nesting must still agree
            g = [l.split(" = ")[0] for l in g]
            w = [l.split(" = ")[0] for l in w]
            report(g == w, label + " (members only: a struct -x/-d "
                   "difference)", first_difference(g, w))
            continue
        report(g == w, label, first_difference(g, w))


def drgn_answers(vmlinux, dump, cache):
    if os.path.exists(cache):
        return json.load(open(cache))
    env = dict(os.environ, CACHE=os.path.join(ROOT, "oracles"),
               ORACLE_BIND_RO=EXAMPLES, DRGN_PS_DIR=EXAMPLES)
    p = subprocess.run([DRGN, HELPER, vmlinux, dump], capture_output=True,
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


def parse_vm(lines):
    """mm, pgd, TOTAL_VM in kB and the VMA rows of one task's vm block."""
    out = {"vmas": []}
    for i, l in enumerate(lines):
        if l.split()[:2] == ["MM", "PGD"] and i + 1 < len(lines):
            f = lines[i + 1].split()
            out["mm"], out["pgd"] = int(f[0], 16), int(f[1], 16)
            out["total_vm_k"] = int(f[3].rstrip("k"))
        m = re.match(r"^([0-9a-f]{16}) +([0-9a-f]+) +([0-9a-f]+) +"
                     r"([0-9a-f]+) (.*)$", l)
        if m:
            out["vmas"].append([int(m.group(1), 16), int(m.group(2), 16),
                                int(m.group(3), 16), int(m.group(4), 16),
                                m.group(5)])
    return out


def parse_pages(lines):
    pages = []
    for l in lines:
        m = re.match(r"^([0-9a-f]+) +(\S.*)$", l)
        if not m or l.startswith(("VIRTUAL", "PID:")) or \
                re.match(r"^[0-9a-f]{16} ", l):
            continue
        rest = m.group(2)
        phys = int(rest, 16) if re.match(r"^[0-9a-f]+$", rest) else None
        pages.append([int(m.group(1), 16), phys])
    return pages


def against_drgn(d, facts):
    vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
    kver = "%s %s" % (facts["kernel_release"], facts.get("arch"))
    if not os.path.exists(os.path.join(ROOT, "oracles", "trixie", ".done")):
        print("skip vm %s: no drgn oracle" % kver)
        return
    page_k = 4
    for fname in ARM64_DUMPS:
        dump = os.path.join(d, fname)
        if not os.path.exists(dump):
            print("skip vm %s %s: no such dump" % (kver, fname))
            continue
        key = hashlib.sha256(open(HELPER, "rb").read()).hexdigest()[:12]
        cache = os.path.join(d, "oracle-cache",
                             "%s.vm-drgn-%s.json" % (fname, key))
        label = "vm %s %s" % (kver, fname)
        try:
            want = drgn_answers(vmlinux, dump, cache)
        except (RuntimeError, ValueError, subprocess.TimeoutExpired) as e:
            report(False, label + ": drgn", str(e))
            continue
        pids = sorted(want["tasks"], key=int)
        cmds = [("vm " + p, "vm " + p, "exact") for p in pids]
        if want["pages"]:
            p = want["pages"]["pid"]
            cmds.append(("vm -p %d" % p, "vm -p %d" % p, "exact"))
        got = run([CRASH], vmlinux, dump, cmds)
        report(len(pids) > 0, label + ": drgn found user tasks")
        for i, pid in enumerate(pids):
            w, g = want["tasks"][pid], parse_vm(got.get(i, []))
            report(g.get("mm") == w["mm"] and g.get("pgd") == w["pgd"],
                   "%s: vm %s MM, PGD" % (label, pid),
                   "got %r, drgn %r" % ((g.get("mm"), g.get("pgd")),
                                        (w["mm"], w["pgd"])))
            report(g.get("total_vm_k") == w["total_vm"] * page_k,
                   "%s: vm %s TOTAL_VM" % (label, pid),
                   "got %r, drgn %r pages" % (g.get("total_vm_k"),
                                              w["total_vm"]))
            report(g["vmas"] == w["vmas"] and len(w["vmas"]) > 0,
                   "%s: vm %s VMAs" % (label, pid),
                   "got %r, drgn %r" % (g["vmas"][:3], w["vmas"][:3]))
        if want["pages"] and not any(
                p is not None for _, p in want["pages"]["pages"]):
            # drgn 0.0.31 translates no user page of QEMU's arm64 ELF
            # dump: follow_phys faults ("recursive address translation")
            # reading the mm's tables at linear-map addresses that dump
            # does not describe; no answer to check against
            print("skip %s: vm -p %d: drgn translated none of its pages"
                  % (label, want["pages"]["pid"]))
        elif want["pages"]:
            g = parse_pages(got.get(len(pids), []))
            w = want["pages"]["pages"]
            bad = [(a, b) for a, b in zip(g, w) if a != b]
            report(len(g) == len(w) and not bad and
                   any(p is not None for _, p in w),
                   "%s: vm -p %d: %d pages" % (label, want["pages"]["pid"],
                                               len(w)),
                   "got %d, drgn %d; first differences %r" % (
                       len(g), len(w), bad[:3]))


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


def member_offset(out, name):
    m = re.search(r"\[(\d+)\]\s+[^;\n]*\b%s(\[\d+\])?;" % re.escape(name),
                  out)
    return int(m.group(1)) if m else None


def damage(d, facts):
    kver = "%s %s" % (facts["kernel_release"], facts.get("arch", "x86_64"))
    src = os.path.join(d, DAMAGE_DUMP)
    if not os.path.exists(src):
        print("skip vm %s damage: no %s" % (kver, DAMAGE_DUMP))
        return
    vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
    pids = facts["boots"]["kdump"]["pids"]
    init, other = pids["init"], pids["fxloop"]
    p = ours(vmlinux, src, "struct mm_struct.mm_mt -o\n"
             "struct maple_tree.ma_root -o\nstruct maple_range_64 -o\n"
             "vm %d\nvm %d\n" % (init, other))
    mt, root_off = member_offset(p.stdout, "mm_mt"), \
        member_offset(p.stdout, "ma_root")
    piv, slot = member_offset(p.stdout, "pivot"), \
        member_offset(p.stdout, "slot")
    mms = [int(l.split()[0], 16) for l in p.stdout.splitlines()
           if re.match(r"^[0-9a-f]{16}  [0-9a-f]{16}  ", l)]
    want_other = [l for l in p.stdout.split("PID: %d " % other, 1)[-1]
                  .splitlines() if re.match(r"^[0-9a-f]{16} ", l)]
    if None in (mt, root_off, piv, slot) or len(mms) != 2 or \
            not want_other:
        report(False, "vm %s damage: setup" % kver,
               "offsets %r, mm %r: %r" % ((mt, root_off, piv, slot), mms,
                                          p.stdout[:300]))
        return
    root_at = mms[0] + mt + root_off
    q = ours(vmlinux, src, "rd -64 %x 1\nvtop %x\n" % (root_at, root_at))
    m = re.match(r"^[0-9a-f]+:\s+([0-9a-f]+)", q.stdout)
    phys = vtop_output_physical(q.stdout.splitlines())
    if not m or phys is None:
        report(False, "vm %s damage: setup" % kver,
               "ma_root unread: %r" % q.stdout[:300])
        return
    root = int(m.group(1), 16)
    node = root & ~0xff
    q = ours(vmlinux, src, "vtop %x\n" % node)
    node_phys = vtop_output_physical(q.stdout.splitlines())
    loads = pt_loads(src)
    at_root = file_offset(loads, phys, 8)
    at_node = file_offset(loads, node_phys, 256) \
        if node_phys is not None else None
    if at_root is None or at_node is None:
        report(False, "vm %s damage: setup" % kver,
               "cannot place %x / %x in %s" % (root_at, node, src))
        return
    nowhere = 0xdead000000000100
    # (what, [(file offset, value)...], the address the message names)
    cases = (("a root pointing nowhere", [(at_root, nowhere | 0x0a)],
              nowhere),
             ("a pivot below the one before", [(at_node + piv + 8, 1)],
              node),
             ("a node that is its own child",
              [(at_root, node | 0x12), (at_node + slot, node | 0x12)],
              node))
    tmp = tempfile.mkdtemp(prefix="crash-vm-")
    try:
        bad = os.path.join(tmp, "bad.elf")
        for what, writes, named in cases:
            shutil.copyfile(src, bad)
            with open(bad, "r+b") as f:
                for off, value in writes:
                    f.seek(off)
                    f.write(struct.pack("<Q", value))
            name = "vm %s damage: %s" % (kver, what)
            p = ours(vmlinux, bad, "vm %d\nvm %d\nforeach vm\nps %d\n"
                     % (init, other, other))
            msgs = [l for l in p.stderr.splitlines() if l.startswith("vm:")]
            report("AddressSanitizer" not in p.stderr and
                   "runtime error" not in p.stderr and p.returncode >= 0,
                   name + ": no crash", "rc %d, err %r" % (
                       p.returncode, p.stderr[-400:]))
            # once for vm, once in foreach vm
            report(len(msgs) == 2 and all("%x" % named in x for x in msgs),
                   name + ": a message names %x" % named, "got %r" % msgs)
            got_other = [l for l in p.stdout.split("PID: %d " % other, 1)[-1]
                         .split("PID:", 1)[0].splitlines()
                         if re.match(r"^[0-9a-f]{16} ", l)]
            report(got_other == want_other and
                   p.stdout.rstrip().endswith(" fxloop"),
                   name + ": the session goes on",
                   "got %r, want %r; end %r" % (got_other[:2],
                                                want_other[:2],
                                                p.stdout[-200:]))
    finally:
        shutil.rmtree(tmp)


def main():
    for d in sys.argv[1:]:
        facts = json.load(open(os.path.join(d, "facts.json")))
        if classic_reads(facts):
            against_classic(d, facts)
        else:
            against_drgn(d, facts)
        damage(d, facts)


if __name__ == "__main__":
    main()
