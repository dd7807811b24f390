#!/usr/bin/env python3
"""formats_check.py DUMPDIR...: every dump file of a fixture set answers
ps, bt -a, foreach bt, log, mod, mach and sys the same as the one dump of
the same boot that the differential checks compare with the classic crash
(kdump-vmcore.elf for the kdump boot, qemu-kaslr-vmci.elf for the live
one): so what those checks show holds for the flattened, split, zlib, lzo,
snappy, zstd, filtered and VMCOREINFO-less files too.  What may differ is
said beside it.  Prints "ok NAME" / "FAIL NAME: why" lines.
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dumpinfo_check import CRASH, report  # noqa: E402

REFERENCE = {"kdump": "kdump-vmcore.elf", "live": "qemu-kaslr-vmci.elf"}
CMDS = ["ps", "bt -a", "foreach bt", "log", "mod", "mach", "sys", "set"]


def answers(vmlinux, paths):
    script = "".join("eval 0x5eed%04x\n%s\n" % (i, c)
                     for i, c in enumerate(CMDS)) + "eval 0x5eedffff\n"
    p = subprocess.run([CRASH, "-s", vmlinux] + paths, input=script,
                       capture_output=True, text=True, errors="replace",
                       timeout=600)
    out, cur = {}, None
    lines = p.stdout.splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^hexadecimal: 5eed([0-9a-f]{4})", lines[i])
        if m:
            cur = int(m.group(1), 16)
            out[cur] = []
            i += 4
            continue
        if cur is not None:
            out[cur].append(lines[i])
        i += 1
    return out, p


def normalize(cmd, lines, fname):
    if cmd == "sys":
        # the files are named; a filtered dump says [PARTIAL DUMP]
        lines = [l for l in lines if not re.match(r"^ *(DUMPFILE|)\s*:", l)
                 and "KERNEL:" not in l]
    return lines


def main():
    for d in sys.argv[1:]:
        facts = json.load(open(os.path.join(d, "facts.json")))
        vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
        kver = "%s %s" % (facts.get("arch", "x86_64"),
                          facts["kernel_release"])
        dumps = facts["dumps"]
        refs = {}
        for boot, ref in REFERENCE.items():
            if ref in dumps:
                refs[boot], p = answers(vmlinux, [os.path.join(d, ref)])
        for fname, info in sorted(dumps.items()):
            boot = info.get("boot")
            if fname.endswith(".2") or boot not in refs or \
                    fname == REFERENCE[boot]:
                continue
            if fname == "qemu-kaslr-novmci.elf":
                # another moment of the live boot (before qemu_fw_cfg was
                # loaded): log_check compares its log with the classic
                # crash's, session_check its KASLR offset
                print("skip formats %s %s: another moment of the live boot"
                      % (kver, fname))
                continue
            paths = [os.path.join(d, fname)]
            if fname.endswith(".1"):	# a split set: both halves
                paths.append(os.path.join(d, fname[:-2] + ".2"))
            got, p = answers(vmlinux, paths)
            clean = "Sanitizer" not in p.stderr and \
                "runtime error" not in p.stderr
            report(clean and p.returncode == 0,
                   "formats %s %s: opens and runs" % (kver, fname),
                   "rc %d: %s" % (p.returncode, p.stderr[-300:]))
            for i, cmd in enumerate(CMDS):
                g = normalize(cmd, got.get(i, []), fname)
                w = normalize(cmd, refs[boot].get(i, []), REFERENCE[boot])
                k = next((k for k in range(max(len(g), len(w)))
                          if k >= len(g) or k >= len(w) or g[k] != w[k]),
                         None)
                if not w:
                    why = "the reference answered nothing"
                elif k is not None:
                    why = "line %d: %r vs %r" % (
                        k, g[k] if k < len(g) else None,
                        w[k] if k < len(w) else None)
                report(k is None and bool(w),
                       "formats %s %s: %s as %s" % (kver, fname, cmd,
                                                    REFERENCE[boot]),
                       why if not (k is None and w) else "")


if __name__ == "__main__":
    main()
