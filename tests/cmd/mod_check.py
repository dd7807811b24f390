#!/usr/bin/env python3
"""mod_check.py DUMPDIR...: the loaded modules (`mod`, `mod -t`, `mod -S
DIR`, `mod ADDRESS`), module symbols (`sym -m`, `sym NAME`, `sym ADDRESS`)
and rd -s over a struct module, against the classic crash 8.0.6 on the
same vmlinux and dump (its answers cached next to the dumps); then a
damaged module list (a copy of the ELF dump with the list pointed into
nowhere, and with a module whose next pointer points at itself) must give
a clear error and no crash.

The symbols asked about are taken from the classic crash's own `sym -m`
listing, so neither side's answer feeds the other's question.

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
from elf_patch import file_offset, pt_loads, vtop_output_physical  # noqa: E402
from dumpinfo_check import CRASH, ROOT, report  # noqa: E402
from cmds_check import oracle_answers, run  # noqa: E402
from dumpinfo_check import classic_reads, skip_classic  # noqa: E402

SYM = re.compile(r"^([0-9a-f]+) \((.)\) (\S+)(.*)$")
MARK = re.compile(r"^([0-9a-f]+) MODULE (.*)(START|END): (\S+)$")


def unclone(line):
    """The classic crash cuts .isra.N, .part.N and .llvm.N off a symbol's
    name in some listings and not in others (it names the clone after the
    function); we always show the real name: compare without them."""
    return re.sub(r"\.(isra|part|llvm)\.\S*?(?=( |$|\+))", "", line.rstrip())


def section_names(ko):
    """The section names of an ELF64 object file."""
    with open(ko, "rb") as f:
        data = f.read()
    shoff, = struct.unpack_from("<Q", data, 40)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 58)
    sh = [struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
          for i in range(shnum)]
    stroff = sh[shstrndx][4]
    return {data[stroff + h[0]:data.index(b"\0", stroff + h[0])].decode()
            for h in sh}


def parse_listing(lines):
    """sym -m output: [(addr, letter, name)] for symbols, [(addr, text)]
    for the MODULE START/END marks."""
    syms, marks = [], []
    for l in lines:
        m = SYM.match(l.rstrip())
        if m:
            syms.append((int(m.group(1), 16), m.group(2), m.group(3)))
            continue
        if MARK.match(l.rstrip()):
            marks.append(l.rstrip())
    return syms, marks


def phase1(modules, kodir):
    cmds = [("mod", "mod", "exact"), ("mod -t", "mod -t", "exact")]
    cmds += [("sym -m %s" % m, "sym -m %s" % m, "listing") for m in modules]
    cmds += [("mod -S", "mod -S %s" % kodir, "exact"),
             ("mod after -S", "mod", "exact")]
    cmds += [("sym -m %s after -S" % m, "sym -m %s" % m, "loaded")
             for m in modules]
    return cmds


def pick_queries(listings, mod_lines, kodir):
    """sym questions from the oracle's listings: symbols at addresses no
    other symbol shares (by name, exactly, and one byte in for code), the
    first shared address of each module (the classic crash names the
    address with the first, the bytes after it with the last), memory
    after a region's start with no symbol before it, a region's end."""
    cmds, starts = [], set()
    names = {}
    for syms, marks in listings.values():
        for a, _, n in syms:
            names[n] = names.get(n, 0) + 1
        for mk in marks:
            if "START" in mk:
                starts.add(int(mk.split()[0], 16))
    for mod, (syms, marks) in sorted(listings.items()):
        at = {}
        for a, _, n in syms:
            at[a] = at.get(a, 0) + 1
        uniq = [(a, t, n) for a, t, n in syms if at[a] == 1
                and not n.startswith(".L") and names[n] == 1
                and not re.search(r"\.(isra|part|llvm)\.", n)]
        step = max(1, len(uniq) // 6)
        addrs = sorted(at)
        for a, t, n in uniq[::step][:6]:
            cmds.append(("sym %s" % n, "sym %s" % n, "exact"))
            cmds.append(("sym %x (%s)" % (a, n), "sym %x" % a, "exact"))
            nxt = [b for b in addrs if b > a]
            if t in "tT" and nxt and nxt[0] > a + 1:
                cmds.append(("sym %x (%s+1)" % (a, n), "sym %x" % (a + 1),
                             "exact"))
        shared = [a for a in addrs if at[a] > 1 and
                  any(t in "tT" for b, t, _ in syms if b == a)]
        if shared:
            # which alias names a shared address depends on how the
            # classic crash happened to sort them (it changes once it has
            # read the .ko): any of them will do
            a = shared[0]
            alias = "alias:" + ",".join(n for b, _, n in syms if b == a)
            cmds.append(("sym %x (shared)" % a, "sym %x" % a, alias))
            cmds.append(("sym %x (shared+1)" % a, "sym %x" % (a + 1),
                         alias))
        for mk in marks:
            base = int(mk.split()[0], 16)
            if "START" in mk and not any(a == base for a, _, _ in syms):
                cmds.append(("sym %x (%s+16)" % (base, mk), "sym %x" %
                             (base + 16), "exact"))
            if "END" in mk and base not in starts:
                cmds.append(("sym %x (%s)" % (base, mk), "sym %x" % base,
                             "exact"))
    # rd -s over the first module's struct module: its list pointers
    # point at `modules` or into the next module's __this_module
    first = mod_lines[1].split()[:2] if len(mod_lines) > 1 else None
    if first:
        cmds.append(("rd -s struct module", "rd -s %s 6" % first[0],
                     "exact"))
        cmds.append(("mod -s %s" % first[1], "mod -s %s %s/%s.ko" %
                     (first[1], kodir, first[1]), "exact"))
    return cmds


def compare(label, how, g, w, loaded_letters=None, sections=()):
    g = [unclone(l) for l in g]
    w = [unclone(l) for l in w]
    if how.startswith("alias:"):
        names = how[6:].split(",")
        pat = r"^(\S+) \((.)\) (%s)(\+\d+)? \[(\S+)\]$" % "|".join(
            re.escape(n) for n in names)
        gm = [re.match(pat, l) for l in g]
        wm = [re.match(pat, l) for l in w]
        report(len(g) == len(w) == 1 and gm[0] and wm[0] and
               gm[0].group(1, 4, 5) == wm[0].group(1, 4, 5), label,
               "got %r, want %r (or another of %r)" % (g, w, names))
        return
    if how == "exact":
        # where the classic crash gives an error, we give a one-line error
        # of our own (the wording is ours)
        cmd = label.split(": ", 1)[1].split()[0]
        if len(w) == 1 and (w[0].startswith(cmd + ":") or
                            "invalid address" in w[0]):
            report(len(g) == 1 and g[0].startswith(cmd + ":"),
                   label + " (an error)", "got %r, want %r" % (g, w))
            return
        report(g == w, label, "got %r, want %r" % (g[:6], w[:6]))
        return
    gs, gm = parse_listing(g)
    ws, wm = parse_listing(w)
    if how == "listing":
        # the same symbols in the same order; the classic crash shows "?"
        # for data symbols read from kallsyms (it takes the letter from
        # st_info, where kernels since 4.11 keep the ELF bits and put the
        # letter in typetab): those letters are checked against the ones
        # it shows once it has read the .ko (loaded_letters)
        ok = gm == wm and len(gs) == len(ws)
        why = "marks %r vs %r, %d vs %d symbols" % (gm[:3], wm[:3], len(gs),
                                                     len(ws))
        for (ga, gt, gn), (wa, wt, wn) in zip(gs, ws):
            want_t = wt if wt != "?" else loaded_letters.get((wa, wn), "?")
            if (ga, gn) != (wa, wn) or (want_t != "?" and gt != want_t):
                ok = False
                why = "got %x (%s) %s, want %x (%s) %s" % (ga, gt, gn, wa,
                                                           want_t, wn)
                break
        report(ok, label, why)
        return
    # loaded: the classic crash re-sorts symbols at one address after
    # reading the .ko: compare as sets; it keeps "?" for the assembler
    # labels (.LC*) BFD does not show, and adds the .ko's section symbols
    # (named after their section: __dyndbg), which name no object
    wl = {(a, n): t for a, t, n in ws if n not in sections}
    gl = {(a, n): t for a, t, n in gs}
    bad = [k for k in set(wl) | set(gl) if k not in wl or k not in gl or
           (wl[k] != "?" and wl[k] != gl[k])]
    report(not bad and sorted(gm) == sorted(wm), label,
           "differ at %r" % [(hex(a), n, gl.get((a, n)), wl.get((a, n)))
                             for a, n in bad[:4]])


def check_dump(d, facts, fname, vmlinux, kver):
    boot = facts["dumps"][fname]["boot"]
    modules = facts["boots"][boot]["modules"]
    kodir = os.path.join(os.path.dirname(vmlinux), "modules")
    dump = os.path.join(d, fname)
    c1 = phase1(modules, kodir)
    key = hashlib.sha256(repr(c1).encode()).hexdigest()[:12]
    w1 = oracle_answers(vmlinux, dump, c1, os.path.join(
        d, "oracle-cache", "%s.mod1-%s.json" % (fname, key)))
    g1 = run([CRASH], vmlinux, dump, c1)
    # the modules the fixture kit saw loaded must be listed (its list of
    # the qemu boot was taken before qemu_fw_cfg was loaded)
    listed = sorted(l.split()[1] for l in w1.get(0, [])[1:])
    report(set(modules) <= set(listed), "mod %s %s: the fixture's modules"
           % (kver, fname), "oracle lists %r, facts.json %r" % (listed,
                                                                modules))
    loaded = {}
    listings = {}
    for i, (name, _, how) in enumerate(c1):
        if how == "loaded":
            ws, _ = parse_listing(w1.get(i, []))
            loaded.update({(a, n): t for a, t, n in ws})
        if how == "listing":
            listings[name.split()[-1]] = parse_listing(w1.get(i, []))
    for i, (name, _, how) in enumerate(c1):
        label = "mod %s %s: %s" % (kver, fname, name)
        if w1.get(i) is None or g1.get(i) is None:
            report(False, label, "no answer (oracle %r, ours %r)" %
                   (w1.get(i) is not None, g1.get(i) is not None))
            continue
        sections = ()
        if how == "loaded":
            ko = os.path.join(kodir, name.split()[2] + ".ko")
            sections = section_names(ko) if os.path.exists(ko) else ()
        compare(label, how, g1[i], w1[i], loaded, sections)
    # phase 2: questions chosen from the oracle's listings, asked of the
    # oracle once it has read the .ko files (so that it shows the letters
    # we show from kallsyms alone), and of us without them
    c2 = pick_queries(listings, w1.get(0, []), kodir)
    key = hashlib.sha256(repr(c2).encode()).hexdigest()[:12]
    w2 = oracle_answers(vmlinux, dump, [("mod -S", "mod -S %s" % kodir, "")]
                        + c2, os.path.join(d, "oracle-cache", "%s.mod2-%s.json"
                                           % (fname, key)))
    g2 = run([CRASH], vmlinux, dump, c2)
    for i, (name, _, how) in enumerate(c2):
        label = "mod %s %s: %s" % (kver, fname, name)
        g, w = g2.get(i), w2.get(i + 1)
        if w is None or g is None:
            report(False, label, "no answer")
            continue
        compare(label, how, g, w)
    return w1.get(0, [])


def ours(vmlinux, dump, script):
    with tempfile.NamedTemporaryFile("w", suffix=".cmds", delete=False) as f:
        f.write(script)
    p = subprocess.run([CRASH, "-s", "-i", f.name, vmlinux, dump],
                       capture_output=True, text=True, errors="replace",
                       stdin=subprocess.DEVNULL, timeout=300)
    os.unlink(f.name)
    return p


def phys_of(vmlinux, dump, vaddr):
    p = ours(vmlinux, dump, "vtop %x\n" % vaddr)
    return vtop_output_physical(p.stdout.splitlines())


def bad_lists(d, facts, vmlinux, kver, oracle_mod):
    """A copy of the ELF dump with the module list damaged twice over."""
    src = os.path.join(d, "kdump-d31.elf")
    if "kdump-d31.elf" not in facts["dumps"]:
        print("skip mod %s bad list: no kdump-d31.elf" % kver)
        return
    kaslr = int(facts["dumps"]["kdump-d31.elf"]["kaslr_offset"], 16)
    smap = os.path.normpath(os.path.join(d, facts["system_map"]))
    head = next(int(l.split()[0], 16) + kaslr for l in open(smap)
                if l.split()[2:] == ["modules"])
    loads = pt_loads(src)
    head_off = file_offset(loads, phys_of(vmlinux, src, head) or -1, 8)
    with open(src, "rb") as f:
        f.seek(head_off)
        first, = struct.unpack("<Q", f.read(8))
    first_phys = phys_of(vmlinux, src, first)
    first_off = file_offset(loads, first_phys, 8) if first_phys else None
    if head_off is None or first_off is None:
        report(False, "mod %s bad list: setup" % kver,
               "cannot place modules (%x) or its first entry (%x) in %s"
               % (head, first, src))
        return
    tmp = tempfile.mkdtemp(prefix="crash-mod-")
    try:
        bad = os.path.join(tmp, "bad.elf")
        shutil.copyfile(src, bad)
        # 1. the head points into nowhere (module space no module uses)
        nowhere = 0xffffffffc7ff0000
        with open(bad, "r+b") as f:
            f.seek(head_off)
            f.write(struct.pack("<Q", nowhere))
        p = ours(vmlinux, bad, "mod\nsym -m %s\nsym %x\nmod -t\n" %
                 (facts["boots"]["kdump"]["modules"][0], first))
        err = p.stderr.splitlines()
        name = "mod %s bad list: the head points into nowhere" % kver
        report(p.returncode == 0 and "MODULE" not in p.stdout and
               any("c7ff" in l and l.startswith("mod:") for l in err) and
               "AddressSanitizer" not in p.stderr and
               "runtime error" not in p.stderr, name,
               "rc %d, out %r, err %r" % (p.returncode, p.stdout[:200],
                                          p.stderr[:400]))
        report(sum(l.startswith("sym:") for l in err) == 2,
               name + ": sym -m and sym give one-line errors",
               "err %r" % err)
        # 2. the first module's next pointer points at itself: a circle
        # that never comes back to the head
        with open(bad, "r+b") as f:
            f.seek(head_off)
            f.write(struct.pack("<Q", first))
            f.seek(first_off)
            f.write(struct.pack("<Q", first))
        p = ours(vmlinux, bad, "mod\n")
        # the name column is as wide as the names shown: compare words
        out = [l.split() for l in p.stdout.splitlines()]
        want = [l.split() for l in oracle_mod[1:]]
        name = "mod %s bad list: a circle" % kver
        report(p.returncode == 0 and len(out) == 2 and out[1] in want and
               "circle" in p.stderr and p.stderr.count("\n") == 1 and
               "AddressSanitizer" not in p.stderr, name,
               "rc %d, out %r, err %r" % (p.returncode, out, p.stderr[:400]))
    finally:
        shutil.rmtree(tmp)


def main():
    if not os.path.exists(os.path.join(ROOT, "oracles", "trixie", ".done")):
        print("skip mod: no oracle chroot (tests/vmcores/oracles.sh)")
        return
    for d in sys.argv[1:]:
        facts = json.load(open(os.path.join(d, "facts.json")))
        vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
        kver = facts["kernel_release"]
        if not classic_reads(facts):
            skip_classic("mod " + kver, facts)
            continue
        oracle_mod = None
        for fname in ("kdump-d31-lzo.kdump", "qemu-kaslr-vmci.elf"):
            if fname not in facts["dumps"]:
                print("skip mod %s %s: not made" % (kver, fname))
                continue
            mods = check_dump(d, facts, fname, vmlinux, kver)
            if facts["dumps"][fname]["boot"] == "kdump":
                oracle_mod = mods
        if oracle_mod:
            bad_lists(d, facts, vmlinux, kver, oracle_mod)


if __name__ == "__main__":
    main()
