#!/usr/bin/env python3
"""lines_check.py DUMPDIR...: source lines of kernel addresses (src/symbols/
lines.c over dwarf_lines*.c and dwarf_aranges*.c, through tests/tools/
lines-lookup) on each fixture kernel's vmlinux ($DUMPDIR/../../vmlinux-*,
System.map beside it), against libdw: what lines.c answered before it had
its own reader (dwarf_addrdie, dwarf_getsrclines, the unit's comp_dir).

  lines-agree       a few thousand function addresses (System.map text
                    symbols, their starts and start+N inside them, in random
                    order so the line-table cache evicts): our file and line
                    equal libdw's, and most addresses have one
  lines-no-aranges  the same addresses with .debug_aranges ignored (the
                    units found by the walk over their headers) still agree
  lines-rss         peak RSS of a process that opens the vmlinux and looks
                    up 100 random addresses stays under 60 MB (reported,
                    with libdw's for the same work)

Prints one line per check: "ok NAME", "FAIL NAME: why" or "skip NAME: why".
"""
import glob
import os
import random
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
TOOL = os.path.join(TOP, BUILD, "tests", "tools", "lines-lookup")

FUNCTIONS = 1500        # symbols sampled per kernel (two addresses each)
RSS_LOOKUPS = 100
RSS_LIMIT_KB = 60 * 1024
MIN_ANSWERED = 0.8      # of the addresses, with a line (not a vacuous "-")


def report(ok, name, why=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + why))
    sys.stdout.flush()


def ok(name, note=""):
    print("ok   " + name + (": " + note if note else ""))
    sys.stdout.flush()


def skip(name, why):
    print("skip " + name + ": " + why)
    sys.stdout.flush()


def text_symbols(system_map):
    """Sorted (addr, name) of the text symbols of System.map."""
    syms = []
    with open(system_map) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[1] in "Tt":
                syms.append((int(parts[0], 16), parts[2]))
    syms.sort()
    return syms


def sample(syms, rng):
    """Starts of FUNCTIONS symbols and a byte inside each (before the next
    symbol), shuffled."""
    picks = rng.sample(range(len(syms) - 1), min(FUNCTIONS, len(syms) - 1))
    addrs = []
    for i in picks:
        start, nxt = syms[i][0], syms[i + 1][0]
        addrs.append(start)
        if nxt - start > 1:
            addrs.append(start + rng.randint(1, min(nxt - start - 1, 256)))
    rng.shuffle(addrs)
    return addrs


def run(args, addrs):
    p = subprocess.run([TOOL] + args, input="".join("%x\n" % a for a in addrs),
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError("lines-lookup %s: %s" % (" ".join(args),
                                                     p.stderr.strip()))
    stats = {}
    for line in p.stderr.splitlines():
        k, _, v = line.partition(" ")
        stats[k] = v
    rows = [line.split("\t") for line in p.stdout.splitlines()]
    return rows, stats


def compare(name, rows, nwanted):
    if len(rows) != nwanted:
        report(False, name, "%d answers for %d addresses" % (len(rows),
                                                              nwanted))
        return
    bad = [r for r in rows if len(r) != 3 or r[1] != r[2]]
    answered = sum(1 for r in rows if len(r) == 3 and r[1] != "-")
    if bad:
        report(False, name, "%d of %d differ, e.g. %s" % (
            len(bad), len(rows),
            "; ".join("%s ours %s libdw %s" % tuple(r + ["?"] * (3 - len(r)))
                      for r in bad[:3])))
    elif answered < MIN_ANSWERED * len(rows):
        report(False, name, "only %d of %d addresses have a line" %
               (answered, len(rows)))
    else:
        ok(name, "%d addresses agree (%d with a line)" % (len(rows),
                                                          answered))


def check_kernel(vmlinux, system_map, tag):
    rng = random.Random(tag)
    syms = text_symbols(system_map)
    if len(syms) < FUNCTIONS:
        skip("lines-agree " + tag, "only %d text symbols" % len(syms))
        return
    addrs = sample(syms, rng)
    try:
        rows, _ = run([vmlinux], addrs)
        compare("lines-agree " + tag, rows, len(addrs))
        rows, _ = run(["--no-aranges", vmlinux], addrs)
        compare("lines-no-aranges " + tag, rows, len(addrs))
        few = rng.sample(addrs, RSS_LOOKUPS)
        _, ours = run(["--ours", vmlinux], few)
        _, theirs = run(["--libdw", vmlinux], few)
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        report(False, "lines " + tag, str(e))
        return
    peak = int(ours.get("rss_kb", "-1"))
    note = ("%.1f MB peak for %d lookups (%.1f MB after opening the "
            "vmlinux; libdw: %.1f MB)" % (
                peak / 1024, RSS_LOOKUPS,
                int(ours.get("rss_before_kb", "0")) / 1024,
                int(theirs.get("rss_kb", "0")) / 1024))
    if peak < 0 or peak >= RSS_LIMIT_KB:
        report(False, "lines-rss " + tag, note)
    else:
        ok("lines-rss " + tag, note)


def main():
    if len(sys.argv) < 2:
        print("usage: lines_check.py DUMPDIR...", file=sys.stderr)
        return 2
    if not os.access(TOOL, os.X_OK):
        skip("lines", TOOL + " is not built (make tools)")
        return 0
    seen = set()
    for d in sys.argv[1:]:
        kdir = os.path.normpath(os.path.join(d, "..", ".."))
        vmlinuxes = sorted(glob.glob(os.path.join(kdir, "vmlinux-*")))
        if not vmlinuxes:
            skip("lines " + d, "no vmlinux-* in " + kdir)
            continue
        vmlinux = vmlinuxes[0]
        if vmlinux in seen:
            continue
        seen.add(vmlinux)
        tag = os.path.basename(vmlinux)[len("vmlinux-"):]
        maps = glob.glob(os.path.join(kdir, "System.map-" + tag))
        if not maps:
            skip("lines " + tag, "no System.map-" + tag + " in " + kdir)
            continue
        check_kernel(vmlinux, maps[0], tag)
    return 0


if __name__ == "__main__":
    sys.exit(main())
