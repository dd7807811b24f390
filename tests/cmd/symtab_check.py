#!/usr/bin/env python3
"""symtab_check.py DUMPDIR...: our vmlinux ELF layer (src/symbols/vmlinux.c,
symtab.c, through tests/tools/symtab-dump) against what the kernel build and
the running kernels say, for each fixture kernel's vmlinux:

  symtab-map       every System.map line: a symbol of that name at that
                   address, with the same nm type letter, and the lookup of
                   the address names a symbol at that address
  symtab-extra     every symbol we keep that System.map lacks is one that
                   scripts/mksysmap filters out on purpose
  symtab-reloc     the same System.map lines moved by a boot's KASLR offset
                   (what lies in the kernel image mapping moves, per-cpu
                   offsets and plain numbers do not)
  symtab-vmcoreinfo  SYMBOL(name)=addr from each boot's VMCOREINFO (runtime
                   addresses written by the crashed kernel itself) equal our
                   lookup with facts.json's kaslr_offset
  symtab-build-id  equals `readelf -n`
  symtab-banner    linux_banner read through vmlinux_read equals the bytes at
                   System.map's address, located with the section headers
                   (parsed here), and facts.json's linux_banner + "\\n"

Prints one line per check: "ok NAME", "FAIL NAME: why" or "skip NAME: why".
"""
import glob
import json
import os
import re
import struct
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
TOOL = os.path.join(TOP, BUILD, "tests", "tools", "symtab-dump")
CRASH = os.environ.get("CRASH", os.path.join(TOP, "crash"))

# What scripts/mksysmap leaves out of System.map (6.1 and 6.12): local
# absolute values, modversions CRCs, the export string tables, and on other
# architectures mapping symbols and the EFI stub / PIE namespaces.
FILTERED = re.compile(r"^(__crc_|__kstrtab_|__kstrtabns_|__efistub_|__pi_|"
                      r"__kvm_nvhe_|\$|\.L)")

# VMCOREINFO SYMBOL() entries that are not plain symbols of that name:
# values (VMCOREINFO_SYMBOL_ARRAY(mem_section) records the SPARSEMEM_EXTREME
# array pointer; vmemmap is VMEMMAP_START), macros naming another symbol
# (x86_64 #define swapper_pg_dir init_top_pgt) or a member of one
# (#define node_online_map node_states[N_ONLINE]).
VMCOREINFO_VALUES = {"mem_section", "vmemmap"}
VMCOREINFO_ALIASES = {"x86_64": {"swapper_pg_dir": "init_top_pgt"}}
VMCOREINFO_MEMBERS = {"node_online_map": "node_states"}

# Where the kernel image is linked, per architecture: everything linked there
# moves with KASLR; below it are per-cpu offsets and plain numbers.  x86_64:
# __START_KERNEL_map; arm64: the top half of a 48-bit kernel space, where
# 5.4+ kernels link the image (KIMAGE_VADDR, above the modules).
IMAGE_START = {"x86_64": 0xffffffff80000000, "aarch64": 0xffff800000000000}


def report(ok, name, why=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + why))
    sys.stdout.flush()


def skip(name, why):
    print("skip " + name + ": " + why)
    sys.stdout.flush()


def tool(*args, stdin=None):
    p = subprocess.run([TOOL] + list(args), input=stdin, capture_output=True,
                       text=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError("symtab-dump %s: %s" % (" ".join(args[:2]),
                                                    p.stderr.strip()))
    return p.stdout


def examples(items, n=3):
    return "; ".join(items[:n]) + (" ..." if len(items) > n else "")


def read_map(path):
    out = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3:
                out.append((int(parts[0], 16), parts[1], parts[2]))
    return out


def check_map(label, vmlinux, lines, offset=0):
    """Feed "ADDR TYPE NAME" lines to check-map; one FAIL per class."""
    text = "".join("%016x %s %s\n" % l for l in lines)
    args = (["--offset", hex(offset)] if offset else []) + \
        ["check-map", vmlinux]
    out = tool(*args, stdin=text).splitlines()
    classes = {"missing": [], "other address": [], "type letter": [],
               "lookup finds nothing": [], "lookup elsewhere": []}
    other_name = 0
    for row in out:
        addr_s, mtype, name, byname, our, look = row.split()
        addr = int(addr_s, 16)
        if byname == "missing":
            classes["missing"].append(name)
        elif byname != "same":
            classes["other address"].append("%s at %s, ours %s" %
                                            (name, addr_s, byname[6:]))
        elif our != mtype:
            classes["type letter"].append("%s %s, ours %s" %
                                          (name, mtype, our))
        if look == "-":
            classes["lookup finds nothing"].append("%s %s" % (addr_s, name))
        else:
            lname, laddr = look.rsplit("@", 1)
            if int(laddr, 16) != addr:
                classes["lookup elsewhere"].append(
                    "%s (%s): %s at %s" % (addr_s, name, lname, laddr))
            elif lname != name:
                other_name += 1
    if len(out) != len(lines):
        report(False, label, "%d lines in, %d out" % (len(lines), len(out)))
        return
    bad = [(k, v) for k, v in classes.items() if v]
    for k, v in bad:
        report(False, "%s (%s)" % (label, k),
               "%d of %d lines: %s" % (len(v), len(lines), examples(v)))
    if not bad:
        # Several names at one address (aliases, labels at a function's
        # start): the lookup names the best of them, not always this one.
        report(True, "%s (%d lines; %d looked up as an alias at the same "
               "address)" % (label, len(lines), other_name))


def check_extra(label, vmlinux, maplines):
    in_map = set((a, n) for a, _, n in maplines)
    extra, unexplained, kinds = 0, [], {}
    for row in tool("syms", vmlinux).splitlines():
        addr, t, name, _ = row.split()
        if (int(addr, 16), name) in in_map:
            continue
        extra += 1
        m = FILTERED.match(name)
        if t == "a":
            kind = "local absolute"
        elif m:
            kind = m.group(1) + "*"
        else:
            unexplained.append("%s %s %s" % (addr, t, name))
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
    desc = ", ".join("%d %s" % (v, k) for k, v in sorted(kinds.items()))
    report(not unexplained, "%s (%d not in System.map: %s)" %
           (label, extra, desc or "none"),
           "%d unexplained: %s" % (len(unexplained), examples(unexplained)))


def elf_sections(path):
    """(addr, size, offset, type, flags) of each section, parsed here."""
    with open(path, "rb") as f:
        ident = f.read(64)
        if ident[:4] != b"\x7fELF":
            raise RuntimeError("%s: not ELF" % path)
        is64, end = ident[4] == 2, "<" if ident[5] == 1 else ">"
        if is64:
            shoff, = struct.unpack(end + "Q", ident[40:48])
            shentsize, shnum = struct.unpack(end + "HH", ident[58:62])
            fmt = end + "IIQQQQIIQQ"
        else:
            shoff, = struct.unpack(end + "I", ident[32:36])
            shentsize, shnum = struct.unpack(end + "HH", ident[46:50])
            fmt = end + "IIIIIIIIII"
        f.seek(shoff)
        out = []
        for _ in range(shnum):
            sh = struct.unpack(fmt, f.read(shentsize)[:struct.calcsize(fmt)])
            out.append((sh[3], sh[5], sh[4], sh[1], sh[2]))
        return out


def banner_from_file(path, addr):
    for saddr, size, off, stype, flags in elf_sections(path):
        if flags & 2 and stype != 8 and saddr <= addr < saddr + size:
            with open(path, "rb") as f:
                f.seek(off + addr - saddr)
                data = f.read(min(4096, saddr + size - addr))
            return data.split(b"\0", 1)[0].decode("latin-1")
    return None


def readelf_build_id(path):
    try:
        p = subprocess.run(["readelf", "-n", path], capture_output=True,
                           text=True, timeout=120)
    except FileNotFoundError:
        return None
    m = re.search(r"Build ID: ([0-9a-f]+)", p.stdout)
    return m.group(1) if m else ""


def vmcoreinfo_symbols(dump):
    p = subprocess.run([CRASH, "--dumpinfo", dump], capture_output=True,
                       text=True, timeout=300)
    if p.returncode != 0:
        return None
    syms = {}
    for line in p.stdout.splitlines():
        m = re.match(r"\s*SYMBOL\(([^)]+)\)=([0-9a-f]+)$", line)
        if m:
            syms[m.group(1)] = int(m.group(2), 16)
    return syms


def check_vmcoreinfo(label, vmlinux, dumpdir, facts, machine):
    """One dump per boot (each boot has its own KASLR offset)."""
    done = set()
    for name in sorted(facts.get("dumps", {})):
        d = facts["dumps"][name]
        boot = d.get("boot")
        off = d.get("kaslr_offset") or \
            facts.get("boots", {}).get(boot, {}).get("kaslr_offset")
        if boot in done or off is None or d.get("has_vmcoreinfo") is False:
            continue
        path = os.path.join(dumpdir, name)
        if not os.path.exists(path):
            continue
        syms = vmcoreinfo_symbols(path)
        if not syms:
            continue
        done.add(boot)
        off = int(off, 16)
        names = sorted(n for n in syms if n not in VMCOREINFO_VALUES)
        aliases = VMCOREINFO_ALIASES.get(machine, {})
        wanted = [aliases.get(n, n) for n in names]
        rows = tool("--offset", hex(off), "names", vmlinux, *wanted)
        look = tool("--offset", hex(off), "lookup", vmlinux,
                    *["%x" % syms[n] for n in names])
        bad = []
        for n, row, lrow in zip(names, rows.splitlines(), look.splitlines()):
            a, got = row.split()[1], lrow.split()[1]
            if n in VMCOREINFO_MEMBERS:
                # Not a symbol: a member of one; the lookup must land in it.
                if not got.startswith(VMCOREINFO_MEMBERS[n] + "+"):
                    bad.append("lookup %x (%s): %s" % (syms[n], n, got))
                continue
            if a == "-" or int(a, 16) != syms[n]:
                bad.append("%s: VMCOREINFO %x, ours %s" % (n, syms[n], a))
            # An alias at the same address is fine; an offset is not.
            if got == "-" or "+" in got:
                bad.append("lookup %x (%s): %s" % (syms[n], n, got))
        report(not bad, "%s %s boot, %s (%d symbols, offset %#x)" %
               (label, boot, name, len(names), off),
               examples(bad))
    if not done:
        skip(label, "no dump with VMCOREINFO and a known KASLR offset")


def check_kernel(vmlinux, sysmap, dumpdir, facts):
    release = os.path.basename(vmlinux)[len("vmlinux-"):]
    info = dict(l.split(": ", 1) for l in tool("info", vmlinux).splitlines()
                if ": " in l)
    maplines = read_map(sysmap)

    check_map("symtab-map %s" % release, vmlinux, maplines)
    check_extra("symtab-extra %s" % release, vmlinux, maplines)

    off = None
    for b in ("kdump", "live"):
        off = off or facts.get("boots", {}).get(b, {}).get("kaslr_offset")
    machine = info.get("machine", "").split()[0] if info.get("machine") \
        else ""
    if machine in IMAGE_START and off:
        off = int(off, 16)
        moved = [(a + off if a >= IMAGE_START[machine] else a, t, n)
                 for a, t, n in maplines]
        check_map("symtab-reloc %s offset %#x" % (release, off), vmlinux,
                  moved, off)
    else:
        skip("symtab-reloc %s" % release, "no image range known for %r or "
             "no KASLR offset" % machine)

    check_vmcoreinfo("symtab-vmcoreinfo %s" % release, vmlinux, dumpdir,
                     facts, machine)

    want = readelf_build_id(vmlinux)
    if want is None:
        skip("symtab-build-id %s" % release, "no readelf")
    else:
        got = info.get("build-id", "")
        report(got == want and got != "", "symtab-build-id %s" % release,
               "ours %r, readelf -n %r" % (got, want))

    ours = tool("banner", vmlinux)
    at = [a for a, _, n in maplines if n == "linux_banner"]
    from_file = banner_from_file(vmlinux, at[0]) if at else None
    report(ours == from_file, "symtab-banner %s (System.map address)" %
           release, "ours %r, file bytes %r" % (ours, from_file))
    fact = facts.get("linux_banner")
    if fact is None:
        skip("symtab-banner %s (facts.json)" % release, "no linux_banner")
    else:
        report(ours == fact + "\n", "symtab-banner %s (facts.json)" %
               release, "ours %r, facts %r" % (ours, fact))


def main():
    if len(sys.argv) < 2:
        print("usage: symtab_check.py DUMPDIR...", file=sys.stderr)
        return 2
    if not os.access(TOOL, os.X_OK):
        report(False, "symtab-dump", "%s was not built (make tools)" % TOOL)
        return 0
    seen = set()
    for dumpdir in sys.argv[1:]:
        kdir = os.path.dirname(os.path.dirname(os.path.abspath(dumpdir)))
        vms = sorted(glob.glob(os.path.join(kdir, "vmlinux-*")))
        maps = sorted(glob.glob(os.path.join(kdir, "System.map-*")))
        if not vms or not maps:
            skip("symtab %s" % dumpdir, "no vmlinux-* and System.map-* in "
                 + kdir)
            continue
        if vms[0] in seen:
            continue
        seen.add(vms[0])
        try:
            with open(os.path.join(dumpdir, "facts.json")) as f:
                facts = json.load(f)
        except OSError:
            facts = {}
        try:
            check_kernel(vms[0], maps[0], dumpdir, facts)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            report(False, "symtab %s" % os.path.basename(vms[0]), str(e))
    return 0


if __name__ == "__main__":
    sys.exit(main())
