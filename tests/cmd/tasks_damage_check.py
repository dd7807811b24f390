#!/usr/bin/env python3
"""tasks_damage_check.py DUMPDIR...: the task list damaged on purpose in a
copy of each kernel's ELF dump (kdump-d31.elf): a pointer into nowhere, a
loop back to an earlier task, a NULL.  ps must list the tasks read before
the damage, say in one warning where it stopped, and the session must go on
(bt, foreach bt) without hanging or crashing, under the sanitizers too.
Where to write is found with our own struct/ps/vtop on the intact copy
(setting up, not the answer under test).  Prints "ok NAME" / "FAIL NAME:
why" / "skip NAME: why" lines.
"""
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
from dumpinfo_check import CRASH, report  # noqa: E402

DUMP = "kdump-d31.elf"


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


def ps_pids(out):
    return [int(l[1:].split()[0]) for l in out.splitlines()
            if re.match(r"^[> ] +\d+ +\d+ ", l)]


def clean(p):
    return "AddressSanitizer" not in p.stderr and \
        "runtime error" not in p.stderr and p.returncode == 0


def check(d, facts, vmlinux, kver):
    src = os.path.join(d, DUMP)
    pids = facts["boots"]["kdump"]["pids"]
    p = ours(vmlinux, src, "struct task_struct.tasks -o\nps %d\nps %d\nps\n"
             % (pids["fxloop"], pids["init"]))
    m = re.search(r"\[(\d+)\] struct list_head tasks;", p.stdout)
    rows = [l[1:].split() for l in p.stdout.splitlines()
            if re.match(r"^[> ] +\d+ +\d+ ", l)]
    if not m or len(rows) < 3:
        report(False, "tasks %s damage: setup" % kver,
               "no tasks offset or ps rows: %r" % p.stdout[:300])
        return
    off = int(m.group(1))
    victim = int(next(r[3] for r in rows if r[0] == str(pids["fxloop"])), 16)
    init = int(next(r[3] for r in rows if r[0] == str(pids["init"])), 16)
    all_pids = ps_pids(p.stdout.split("COMM", 2)[-1])
    q = ours(vmlinux, src, "vtop %x\n" % (victim + off))
    phys = vtop_output_physical(q.stdout.splitlines())
    at = file_offset(pt_loads(src), phys, 8) if phys is not None else None
    if at is None:
        report(False, "tasks %s damage: setup" % kver,
               "cannot place %x in %s" % (victim + off, src))
        return
    tmp = tempfile.mkdtemp(prefix="crash-tasks-")
    try:
        bad = os.path.join(tmp, "bad.elf")
        shutil.copyfile(src, bad)
        # the warning names the task_struct the bad pointer leads to
        cases = (("a pointer into nowhere", 0xdead000000000100,
                  "%x" % (0xdead000000000100 - off)),
                 ("a loop back to init", init + off, "loop"),
                 ("a NULL next", 0, "NULL"))
        for what, value, word in cases:
            with open(bad, "r+b") as f:
                f.seek(at)
                f.write(struct.pack("<Q", value))
            name = "tasks %s damage: %s" % (kver, what)
            p = ours(vmlinux, bad, "ps\nbt %d\nforeach bt\nps -S\n"
                     % pids["init"])
            got = ps_pids(p.stdout.split("COMM", 1)[-1].split("PID:", 1)[0])
            warn = [l for l in p.stderr.splitlines() if "WARNING" in l]
            report(clean(p), name + ": the session goes on",
                   "rc %d, err %r" % (p.returncode, p.stderr[-400:]))
            report(len(warn) == 1 and word.lower() in warn[0].lower(),
                   name + ": one warning says where",
                   "warnings %r" % warn)
            # the damaged task itself was read; what the list held after
            # it is not; nothing was made up
            report(pids["fxloop"] in got and pids["init"] in got and
                   set(got) <= set(all_pids) and len(got) < len(all_pids),
                   name + ": the tasks before the damage, and only real "
                   "ones", "got %r of %r" % (got, all_pids))
            if facts.get("arch", "x86_64") == "x86_64":
                report(p.stdout.count("PID: %d " % pids["init"]) >= 2,
                       name + ": bt still works", p.stdout[-300:])
    finally:
        shutil.rmtree(tmp)


def main():
    for d in sys.argv[1:]:
        facts = json.load(open(os.path.join(d, "facts.json")))
        if DUMP not in facts.get("dumps", {}):
            print("skip tasks damage: no %s in %s" % (DUMP, d))
            continue
        vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
        check(d, facts, vmlinux, facts["kernel_release"])


if __name__ == "__main__":
    main()
