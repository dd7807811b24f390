#!/usr/bin/env python3
"""dis_check.py DUMPDIR...: dis against the classic crash 8.0.6 on the same
vmlinux and dump, line for line (its answers are cached next to the
dumps).

The questions come from the fixture, never from either tool's answers:
the functions of the panic path (the fixture's panic is sysrq's crash),
some big ones, an even sample of System.map's text symbols, functions of
the loaded modules (named from their .ko files), and -r/-f/-l/-x/-d,
ADDRESS COUNT (addresses from System.map and the dump's KASLR offset) and
-s forms.  Bad input (an unmapped address, a count of 0, an unknown
symbol, a data address, bad options) must give a clear message, and the
next command must still be answered.  x86_64 only: the classic crash
cannot read the arm64 dumps (arm64_check.py): there each instruction is
checked against objdump -d of the vmlinux (the same libopcodes) where the
dump holds the same instruction word as the file.

Prints "ok NAME" / "FAIL NAME: why" / "skip NAME: why" lines.
"""
import hashlib
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cmds_check import answer_pairs, system_map  # noqa: E402
from dumpinfo_check import CRASH, ROOT, report  # noqa: E402
from dumpinfo_check import classic_reads, skip_classic  # noqa: E402

DUMPS = ("kdump-d31-lzo.kdump", "kdump-vmcore.elf")

# The panic path of the fixture (sysrq-trigger 'c'), and some big or
# special functions: asm entry code (no ELF size), a .cold part, string
# functions patched by alternatives, the scheduler.
NAMED = ["machine_kexec", "__crash_kexec", "panic", "sysrq_handle_crash",
         "__handle_sysrq", "__handle_sysrq.cold", "write_sysrq_trigger",
         "proc_reg_write", "vfs_write", "ksys_write", "do_syscall_64",
         "entry_SYSCALL_64", "schedule", "__schedule", "copy_process",
         "memcpy", "memset", "native_safe_halt", "do_idle",
         "kmem_cache_alloc", "printk", "vprintk_emit", "_raw_spin_lock",
         "page_fault_oops"]
MODULE_KOS = ("virtio_ring.ko", "virtio_blk.ko", "virtio_pci.ko")


def kallsyms_text(syms):
    """Text symbols with one name and one address, in address order."""
    count, at = {}, {}
    for a, _, n in syms:
        count[n] = count.get(n, 0) + 1
        at[a] = at.get(a, 0) + 1
    return [(a, k, n) for a, k, n in syms if k in "Tt" and count[n] == 1
            and at[a] == 1 and not n.startswith(("__pfx_", "__cfi_", "."))
            and a >= 0xffffffff80000000]


def module_functions(moddir, loaded):
    """A few global functions of each loaded module, from its .ko."""
    out = []
    for ko in MODULE_KOS:
        if ko[:-3] not in loaded:
            continue
        path = os.path.join(moddir, ko)
        if not os.path.exists(path):
            continue
        p = subprocess.run(["nm", "--defined-only", path],
                           capture_output=True, text=True)
        names = sorted(l.split()[2] for l in p.stdout.splitlines()
                       if len(l.split()) == 3 and l.split()[1] == "T"
                       and not l.split()[2].startswith(("__pfx_",
                                                        "__cfi_")))
        out += names[::max(1, len(names) // 3)][:3]
    return out


def commands(syms, kaslr, mods, user):
    names = {n for _, _, n in syms}
    addr = {n: a + kaslr for a, _, n in syms}
    cmds = []   # (name, command)
    for n in NAMED:
        if n in names:
            cmds.append(("dis " + n, "dis " + n))
    # a static function name that several files use: the classic crash
    # lists them instead of choosing
    seen = {}
    for a, k, n in syms:
        if k in "Tt" and not n.startswith(("_", ".")):
            seen.setdefault(n, set()).add(a)
    dups = sorted(n for n, a in seen.items() if len(a) > 1)
    if dups:
        cmds.append(("dis " + dups[0], "dis " + dups[0]))
    text = kallsyms_text(syms)
    for a, _, n in text[::max(1, len(text) // 12)][:12]:
        cmds.append(("dis " + n, "dis " + n))
    for n in mods:
        cmds.append(("dis " + n, "dis " + n))
        cmds.append(("dis -r %s+20" % n, "dis -r %s+20" % n))
        cmds.append(("dis -x %s 6" % n, "dis -x %s 6" % n))
    for c in ("dis -r schedule+90", "dis -r schedule+90 3",
              "dis -r vfs_write+100 5", "dis -f schedule+20",
              "dis -f ksys_write+30", "dis -f ksys_write+30 4",
              "dis -l sysrq_handle_crash", "dis -l schedule",
              "dis -l -r panic+40", "dis -x panic 10", "dis -d panic 10",
              "dis -x -f schedule+100", "dis schedule 5", "dis panic+7",
              "dis (schedule+20) 3", "dis -r schedule", "dis -l ksys_write",
              "dis -s sysrq_handle_crash", "dis -s schedule 3", "dis -b",
              "dis -x -r write_sysrq_trigger+30"):
        cmds.append((c, c))
    for n, off, cnt in (("schedule", 0, ""), ("panic", 0, " 8"),
                        ("vfs_write", 0x18, " 6"), ("ksys_write", 4, "")):
        if n in addr:
            cmds.append(("dis %s+%d%s (by address)" % (n, off, cnt),
                         "dis %x%s" % (addr[n] + off, cnt)))
    if user:
        # user text of the panic task (init, a static busybox: its text
        # starts at 0x401000), last: set changes the context
        cmds += [("set 1", "set 1"), ("dis -u 401000 6", "dis -u 401000 6")]
    return [(name, c, "exact") for name, c in cmds]


# Bad input: (command, what our message must say).  The next command
# (dis schedule 2) must still be answered.
BAD = [("dis nosuchsymbol_x", "symbol not found: nosuchsymbol_x"),
       ("dis schedule 0", "invalid count argument: 0"),
       ("dis ffffffffff000000 3", "ffffffffff000000"),
       ("dis 0 3", "0"),
       ("dis -r -f schedule", "mutually exclusive"),
       ("dis -d -x schedule", "mutually exclusive"),
       ("dis -Z schedule", "Usage:"),
       ("dis schedule 1 2", "Usage:"),
       ("dis -s jiffies", "not a kernel text address"),
       ("dis 1234 3", "1234")]


def run_ours(vmlinux, dump, lines):
    p = subprocess.run([CRASH, "-s", vmlinux, dump], input="".join(
        l + "\n" for l in lines), capture_output=True, text=True,
        errors="replace", timeout=600)
    return p


def check_bad(kver, fname, vmlinux, dump):
    for cmd, want in BAD:
        p = run_ours(vmlinux, dump, [cmd, "dis schedule 2"])
        out = p.stdout + p.stderr
        label = "dis %s %s bad input: %s" % (kver, fname, cmd)
        tail = [l for l in p.stdout.splitlines() if "<schedule" in l]
        report(p.returncode == 0 and want in out and len(tail) == 2 and
               "Sanitizer" not in p.stderr and
               "runtime error" not in p.stderr, label,
               "rc %d, stdout %r, stderr %r" % (p.returncode,
                                                p.stdout[-300:],
                                                p.stderr[-300:]))


# Several names for one address (memcpy and __memcpy, jiffies and
# jiffies_64, two __key.N, a module's init_module and its own init
# function): which one the classic crash shows depends on its earlier
# lookups (a cache in its address search).  So "0xADDR <name+off>" is
# compared as "0xADDR <@+off>" where name is one of the names of
# ADDR - off (System.map, KASLR-moved; a module's .ko for its aliases).
# gcc's clone suffixes (.isra.N, .part.N) it strips from names; so do we,
# and that is compared as it is.
NAMED_ADDR = re.compile(r"0x([0-9a-f]+) <([^<>+]+)(\+(0x[0-9a-f]+|[0-9]+))?>")


def strip_clone(n):
    for suffix in (".isra.", ".part.", ".llvm."):
        if suffix in n:
            return n[:n.index(suffix)]
    return n


def alias_groups(syms, kaslr, moddir):
    at = {}
    for a, k, n in syms:
        at.setdefault(a + kaslr, set()).add(strip_clone(n))
    groups = {}
    for ko in MODULE_KOS + ("virtio.ko", "virtio_pci_modern_dev.ko",
                            "virtio_pci_legacy_dev.ko", "qemu_fw_cfg.ko"):
        path = os.path.join(moddir, ko)
        if not os.path.exists(path):
            continue
        p = subprocess.run(["readelf", "-sW", path], capture_output=True,
                           text=True)
        for l in p.stdout.splitlines():
            f = l.split()
            if len(f) == 8 and f[3] == "FUNC" and f[6].isdigit():
                groups.setdefault((ko, f[6], f[1]), set()).add(f[7])
    module_alias = {}
    for names in groups.values():
        if len(names) > 1:
            for n in names:
                module_alias[n] = names
    return at, module_alias


def canonical(lines, aliases):
    at, module_alias = aliases

    def one(m):
        addr, name, off = int(m.group(1), 16), m.group(2), m.group(4)
        o = int(off, 0) if off and off.startswith("0x") else int(off or 0)
        names = at.get(addr - o)
        if not names or len(names) < 2 or name not in names:
            if name not in module_alias:
                return m.group(0)
        return "0x%x <@%s>" % (addr, m.group(3) or "")
    return [NAMED_ADDR.sub(one, l) for l in lines]


def first_difference(g, w):
    k = next((k for k in range(max(len(g), len(w)))
              if k >= len(g) or k >= len(w) or g[k] != w[k]), 0)
    return "%d vs %d lines; line %d: got %r, want %r" % (
        len(g), len(w), k + 1, g[k] if k < len(g) else None,
        w[k] if k < len(w) else None)


def compare(label, cmd, g, w, canon):
    g, w = canonical(g, canon), canonical(w, canon)
    if cmd.startswith("dis -s"):
        # FILE:, LINE: and a blank line; the source is on neither
        # machine, so both say so (on stderr: where its line lands among
        # the answers is a matter of buffering)
        g = [l for l in g if "source code is not available" not in l]
        w = [l for l in w if "source code is not available" not in l]
    if not w:
        report(False, label, "the classic crash printed nothing")
        return
    if g == w:
        report(True, "%s: same %d lines" % (label, len(g)))
    else:
        report(False, label, first_difference(g, w))


ARM64_FUNCS = ("schedule", "panic", "sysrq_handle_crash", "vfs_write",
               "ksys_write", "__schedule", "memcpy", "el0_svc")
OBJDUMP_LINE = re.compile(r"^\s*([0-9a-f]+):\s+([0-9a-f]{8})\s+(.*)$")


def objdump_function(vmlinux, start, end):
    """{link address: (instruction word, text)} from binutils' objdump
    (the same libopcodes), or None if it cannot read arm64."""
    p = subprocess.run(["objdump", "-d", "--start-address=0x%x" % start,
                        "--stop-address=0x%x" % end, vmlinux],
                       capture_output=True, text=True, errors="replace")
    if p.returncode != 0:
        return None
    out = {}
    for l in p.stdout.splitlines():
        m = OBJDUMP_LINE.match(l)
        if m:
            out[int(m.group(1), 16)] = (m.group(2), m.group(3).rstrip())
    return out


def against_objdump(d, facts, vmlinux, syms):
    """arm64: the classic crash cannot read these dumps, so each
    instruction is checked against objdump -d of the vmlinux wherever the
    dump holds the same instruction word as the file (the kernel patches
    some at boot: ftrace, alternatives); addresses moved by the KASLR
    offset."""
    kver = facts["kernel_release"]
    fname = "kdump-d31-lzo.kdump"
    dump = os.path.join(d, fname)
    if fname not in facts["dumps"] or not os.path.exists(dump):
        print("skip dis %s %s: no such dump" % (kver, fname))
        return
    kaslr = int(facts["dumps"][fname].get("kaslr_offset", "0"), 16)
    ordered = sorted(set(a for a, _, _ in syms))
    at = {n: a for a, _, n in syms}
    script = []
    for n in ARM64_FUNCS:
        if n in at:
            script += ["dis " + n, "rd -32 %s 512" % n]
    p = run_ours(vmlinux, dump, script)
    out = p.stdout.splitlines()
    for n in ARM64_FUNCS:
        if n not in at:
            continue
        label = "dis %s %s: %s against objdump" % (kver, fname, n)
        start = at[n]
        end = next((a for a in ordered if a > start), start + 4)
        want = objdump_function(vmlinux, start, end)
        if want is None:
            print("skip %s: objdump cannot disassemble arm64" % label)
            return
        mine = [l for l in out if re.match(r"^0x[0-9a-f]+ <", l) and
                start + kaslr <= int(l.split()[0], 16) < end + kaslr]
        words = {}
        for l in out:
            m = re.match(r"^([0-9a-f]{16}):\s+(.*)$", l)
            if m:
                a = int(m.group(1), 16)
                for i, w in enumerate(m.group(2).split()[:4]):
                    words[a + 4 * i] = w
        bad, same = [], 0
        for l in mine:
            m = re.match(r"^0x([0-9a-f]+) <[^>]*>:\t(.*)$", l)
            if not m:
                bad.append(l)
                continue
            a = int(m.group(1), 16)
            link = a - kaslr
            if link not in want:
                bad.append(l)
                continue
            word, text = want[link]
            if words.get(a) != word:
                continue        # patched at run time
            # objdump: "bl\tffff800008ce0070 <__schedule>"; we: GDB's
            # "bl\t0xffffca7e11ce0070 <__schedule>"
            theirs = re.sub(r"\b([0-9a-f]{16})\b",
                            lambda m: "0x%x" % (int(m.group(1), 16) + kaslr),
                            text)
            # the names: objdump's own choice of alias and radix
            ours = re.sub(r" <[^<>]*>", "", m.group(2).rstrip())
            theirs = re.sub(r" <[^<>]*>", "", theirs)
            if ours == theirs:
                same += 1
            else:
                bad.append("%r vs objdump's %r" % (m.group(2), theirs))
        # objdump goes on to the next symbol, we to the function's end
        prefix = sorted(want)[:len(mine)] == sorted(
            int(l.split()[0], 16) - kaslr for l in mine)
        report(not bad and same > 0 and prefix, label,
               "%d lines, objdump %d, %d the same; %s" % (
                   len(mine), len(want), same, bad[:2]))


def main():
    if not os.path.exists(os.path.join(ROOT, "oracles", "trixie", ".done")):
        print("skip dis: no oracle chroot (tests/vmcores/oracles.sh)")
        return
    for d in sys.argv[1:]:
        facts = json.load(open(os.path.join(d, "facts.json")))
        kver = facts["kernel_release"]
        if facts.get("arch") == "arm64":
            vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
            against_objdump(d, facts, vmlinux, system_map(os.path.normpath(
                os.path.join(d, facts["system_map"]))))
            continue
        if facts.get("arch") != "x86_64":
            print("skip dis %s: no test for %s" % (kver, facts.get("arch")))
            continue
        if not classic_reads(facts):
            skip_classic("dis " + kver, facts)
            continue
        vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
        syms = system_map(os.path.normpath(os.path.join(
            d, facts["system_map"])))
        moddir = os.path.normpath(os.path.join(os.path.dirname(vmlinux),
                                               "modules"))
        loaded = set(facts["boots"]["kdump"]["modules"])
        mods = module_functions(moddir, loaded)
        for fname in DUMPS:
            dump = os.path.join(d, fname)
            if fname not in facts["dumps"] or not os.path.exists(dump):
                print("skip dis %s %s: no such dump" % (kver, fname))
                continue
            kaslr = int(facts["dumps"][fname].get("kaslr_offset", "0"), 16)
            # the user pages are in the ELF vmcore (dump level 0)
            cmds = commands(syms, kaslr, mods, fname == "kdump-vmcore.elf")
            canon = alias_groups(syms, kaslr, moddir)
            key = hashlib.sha256(repr(cmds).encode()).hexdigest()[:12]
            cache = os.path.join(d, "oracle-cache",
                                 "%s.dis-%s.json" % (fname, key))
            for _, name, _, label, g, w in answer_pairs(
                    "dis %s %s" % (kver, fname), vmlinux, dump, cmds,
                    cache):
                compare(label, name, g, w, canon)
            check_bad(kver, fname, vmlinux, dump)


if __name__ == "__main__":
    main()
