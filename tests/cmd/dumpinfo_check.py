#!/usr/bin/env python3
"""dumpinfo_check.py DUMPDIR...: `crash --dumpinfo` on every real fixture
against the ground truth the fixture kit recorded (facts.json: what the
guest and the dump writers were, read from outside the dump) and against the
classic crash 8.0.6's `help -D` of the same file (tests/vmcores/oracle-crash,
cached next to the dumps).

Prints one line per check: "ok NAME", "FAIL NAME: why" or "skip NAME: why".
"""
import json
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CRASH = os.environ.get("CRASH", os.path.join(TOP, "crash"))
ORACLE = os.path.join(TOP, "tests", "vmcores", "oracle-crash")
ROOT = os.environ.get("CRASH_FIXTURES") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
    "crash-fixtures")


def classic_reads(facts):
    """Whether the classic crash oracle reads this dump set.  Debian builds
    crash for its own architecture only: the x86_64 crash 8.0.6 of the
    oracle chroot refuses an arm64 vmlinux and dump ("machine type
    mismatch"), so arm64 sets are compared with drgn (arm64_check.py)."""
    return facts.get("arch", "x86_64") == "x86_64"


def skip_classic(name, facts):
    print("skip %s %s: the classic crash oracle is an x86_64-only build "
          "(see arm64_check.py for drgn)" % (name, facts.get("arch")))


def report(ok, name, why=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + why))
    sys.stdout.flush()


def check(name, got, want):
    report(got == want, name, "got %r, want %r" % (got, want))


def dumpinfo(paths):
    p = subprocess.run([CRASH, "--dumpinfo"] + paths, capture_output=True,
                       text=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("crash --dumpinfo exited %d: %s" %
                           (p.returncode, p.stderr.strip()))
    return parse_ours(p.stdout)


def parse_ours(text):
    """Summary fields, header facts, PRSTATUS (pid, pc, sp) and VMCOREINFO."""
    info = {"facts": [], "cpus": [], "vmcoreinfo": [], "qemu_cpus": 0}
    section = "summary"
    for line in text.splitlines():
        if line.endswith(" header:"):
            section = "header"
            continue
        if line.startswith("per-CPU registers"):
            section = "regs"
            continue
        if line.startswith("per-CPU state (QEMU"):
            section = "qemu"
            continue
        if line == "VMCOREINFO:":
            section = "vmcoreinfo"
            continue
        if section == "summary":
            m = re.match(r"\s*([A-Z ]+): (.*)", line)
            if m:
                info[m.group(1)] = m.group(2)
        elif section == "header":
            m = re.match(r"\s*([a-zA-Z_ ]+): (.*)", line)
            if m:
                info["facts"].append((m.group(1), m.group(2)))
        elif section == "regs":
            m = re.match(r"  CPU (\d+): pid (-?\d+), pc ([0-9a-f]+), sp ([0-9a-f]+)",
                         line)
            if m:
                info["cpus"].append((int(m.group(2)), int(m.group(3), 16),
                                     int(m.group(4), 16)))
        elif section == "qemu":
            if re.match(r"  CPU \d+:", line):
                info["qemu_cpus"] += 1
        elif section == "vmcoreinfo" and line.startswith("    "):
            info["vmcoreinfo"].append(line[4:])
    return info


def fact(info, label):
    return [v for k, v in info["facts"] if k == label]


def oracle_help_d(vmlinux, paths, cache_dir):
    """The classic crash's `help -D` output for this dump, cached."""
    os.makedirs(cache_dir, exist_ok=True)
    out = os.path.join(cache_dir, os.path.basename(paths[0]) + ".help-D.txt")
    if os.path.exists(out) and os.path.getsize(out) > 0:
        return open(out, errors="replace").read()
    cmds = os.path.join(cache_dir, "help-D.cmds")
    with open(cmds, "w") as f:
        f.write("help -D\n")
    env = dict(os.environ, CACHE=os.path.join(ROOT, "oracles"))
    p = subprocess.run([ORACLE, "-s", "-i", cmds, vmlinux] + paths,
                       capture_output=True, text=True, env=env,
                       stdin=subprocess.DEVNULL, timeout=600)
    text = p.stdout
    if "signature" not in text and "Elf64_Ehdr" not in text and \
       "Elf32_Ehdr" not in text:
        raise RuntimeError("oracle crash printed no dump header (rc %d): %s"
                           % (p.returncode, (p.stderr or text)[-300:]))
    with open(out + ".tmp", "w") as f:
        f.write(text)
    os.rename(out + ".tmp", out)
    return text


def oracle_values(text, key):
    """Values of 'key: value' lines in the classic crash's help -D."""
    return [m.group(1).strip() for m in
            re.finditer(r"^\s*" + re.escape(key) + r": (.*)$", text, re.M)]


def compare_with_oracle(name, ours, text, is_kdump):
    # The classic crash prints the notes' pids and registers in both formats.
    pids = [int(v.split()[0]) for v in oracle_values(text, "pid")]
    # For a split dump it prints each part's copy of the notes: the first.
    check(name + " oracle: PRSTATUS pids", [c[0] for c in ours["cpus"]],
          pids[:len(ours["cpus"])] if len(pids) > len(ours["cpus"]) else pids)
    rips = [int(m.group(1), 16) for m in
            re.finditer(r"RIP: ([0-9a-f]{16})", text)]
    rsps = [int(m.group(1), 16) for m in
            re.finditer(r"RSP: ([0-9a-f]{16})", text)]
    if rips:
        check(name + " oracle: PRSTATUS rip", [c[1] for c in ours["cpus"]],
              rips[:len(ours["cpus"])])
        check(name + " oracle: PRSTATUS rsp", [c[2] for c in ours["cpus"]],
              rsps[:len(ours["cpus"])])
    oq = oracle_values(text, "num_qemu_notes")
    if oq:
        check(name + " oracle: QEMU notes", ours["qemu_cpus"], int(oq[0]))
    # VMCOREINFO: every line the classic crash shows, we show.
    ovi = set(m.group(1) for m in re.finditer(
        r"^\s+((?:[A-Z_]+\(.*?\)|[A-Z_-]+)=\S*)$", text, re.M))
    if ovi:
        missing = sorted(ovi - set(ours["vmcoreinfo"]))
        report(not missing, name + " oracle: VMCOREINFO lines (%d)" % len(ovi),
               "missing %s" % missing[:5])
    if is_kdump:
        for okey, ours_label, conv in (
                ("header_version", "header version", int),
                ("block_size", "block size", int),
                ("nr_cpus", "nr_cpus", int),
                ("current_cpu", "current_cpu", int)):
            ov = oracle_values(text, okey)
            mine = fact(ours, ours_label)
            if ov and mine:
                check(name + " oracle: " + okey, conv(mine[0].split()[0]),
                      conv(ov[0].split()[0]))
        ov = oracle_values(text, "max_mapnr")
        check(name + " oracle: max_mapnr",
              int(fact(ours, "max_mapnr")[0].split()[0]),
              int(ov[0].split()[0]))
        ov = oracle_values(text, "dump_level")
        if ov:
            check(name + " oracle: dump_level", int(ours["DUMP LEVEL"]),
                  int(ov[0].split()[0]))
        ov = oracle_values(text, "phys_base")
        if ov:
            m = re.search(r"phys_base (0x[0-9a-f]+)",
                          fact(ours, "sub header")[0])
            check(name + " oracle: phys_base", int(m.group(1), 16),
                  int(ov[0].split()[0], 16))
    else:
        starts = [int(v, 16) for v in oracle_values(text, "phys_start")]
        ends = [int(v, 16) for v in oracle_values(text, "phys_end")]
        mine = []
        for v in fact(ours, "PT_LOAD"):
            m = re.match(r"paddr 0x([0-9a-f]+)-0x([0-9a-f]+) .* filesz "
                         r"0x([0-9a-f]+)", v)
            # The classic crash's phys_end is where the file data ends.
            mine.append((int(m.group(1), 16),
                         int(m.group(1), 16) + int(m.group(3), 16)))
        check(name + " oracle: PT_LOAD ranges", mine, list(zip(starts, ends)))


def main():
    dirs = sys.argv[1:]
    use_oracle = os.path.exists(os.path.join(ROOT, "oracles", "trixie",
                                             ".done"))
    if not use_oracle:
        print("skip dumpinfo oracle: no oracle chroot (tests/vmcores/oracles.sh)")
    for d in dirs:
        facts = json.load(open(os.path.join(d, "facts.json")))
        vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
        kver = facts["kernel_release"]
        smp = int(facts["guest"]["smp"])
        done = set()
        for fname, f in sorted(facts["dumps"].items()):
            if fname in done:
                continue
            paths = [os.path.join(d, fname)]
            if f.get("split"):
                paths = sorted(os.path.join(d, n) for n in facts["dumps"]
                               if facts["dumps"][n].get("split"))
                done.update(os.path.basename(p) for p in paths)
            name = "dumpinfo %s %s" % (kver, fname)
            try:
                ours = dumpinfo(paths)
            except Exception as e:  # a crash of ours is a failed check
                report(False, name, str(e))
                continue
            boot = facts["boots"][f["boot"]]
            is_kdump = f["format"] in ("kdump", "flattened")
            fmt = ours.get("FORMAT", "")
            report(("flattened" in fmt) == (f["format"] == "flattened"),
                   name + ": flattened", fmt)
            comp = f.get("compression")
            if is_kdump and comp:
                want = "uncompressed" if comp == "none" else comp
                report("(%s)" % want in fmt, name + ": compression", fmt)
            if not is_kdump:
                report(fmt.startswith("ELF64"), name + ": ELF64", fmt)
            check(name + ": complete", ours.get("COMPLETE"), "yes")
            check(name + ": CPUs with registers", len(ours["cpus"]), smp)
            if f.get("has_vmcoreinfo") is False:
                report(ours.get("RELEASE", "").startswith("(no VMCOREINFO"),
                       name + ": no VMCOREINFO said so", ours.get("RELEASE"))
            else:
                check(name + ": release", ours.get("RELEASE"), kver)
                if f.get("kaslr_offset"):
                    check(name + ": KERNELOFFSET",
                          int(ours.get("KERNELOFFSET", "-1"), 16),
                          int(f["kaslr_offset"], 16))
            if f.get("has_vmcoreinfo") is not False:
                check(name + ": utsname in memory",
                      re.search(r'release "([^"]*)"',
                                ours.get("UTSNAME", "")) and re.search(
                          r'release "([^"]*)"', ours["UTSNAME"]).group(1),
                      kver)
            if "dump_level" in f:
                check(name + ": dump level", int(ours.get("DUMP LEVEL", -1)),
                      f["dump_level"])
            if "header_version" in f:
                check(name + ": header version",
                      int(fact(ours, "header version")[0]),
                      f["header_version"])
            if f.get("split"):
                got = [tuple(int(x, 16) for x in re.search(
                    r"pfns 0x([0-9a-f]+)-0x([0-9a-f]+)", v).groups())
                    for v in fact(ours, "split part")]
                want = sorted((facts["dumps"][os.path.basename(p)]
                               ["split_start_pfn"],
                               facts["dumps"][os.path.basename(p)]
                               ["split_end_pfn"]) for p in paths)
                check(name + ": split ranges", got, want)
            panic = boot.get("panic")
            if f.get("has_vmcoreinfo") is False:
                report(ours.get("PANIC", "").startswith("unknown (")
                       and "VMCOREINFO" in ours.get("PANIC", ""),
                       name + ": no panic without VMCOREINFO, said why",
                       ours.get("PANIC"))
            elif panic:
                check(name + ": PANIC from the log", ours.get("PANIC"),
                      '"Kernel panic - not syncing: %s"' % panic["message"])
                check(name + ": CRASHING CPU from the log",
                      ours.get("CRASHING CPU", "").split(";")[0],
                      "%d (PID %d, %s" % (panic["cpu"], panic["pid"],
                                          panic["comm"]))
            else:
                check(name + ": no panic in a live dump", ours.get("PANIC"),
                      "none in the kernel log")
            if panic:
                cpus = ours["cpus"]
                report(panic["cpu"] < len(cpus) and
                       cpus[panic["cpu"]][0] == panic["pid"],
                       name + ": panic CPU %d runs pid %d" %
                       (panic["cpu"], panic["pid"]), "registers %s" % cpus)
            if use_oracle and not classic_reads(facts):
                skip_classic(name + " oracle", facts)
            elif use_oracle:
                try:
                    text = oracle_help_d(vmlinux, paths,
                                         os.path.join(d, "oracle-cache"))
                except Exception as e:
                    report(False, name + " oracle", str(e))
                    continue
                compare_with_oracle(name, ours, text, is_kdump)


if __name__ == "__main__":
    main()
