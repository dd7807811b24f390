#!/usr/bin/env python3
"""vm_drgn.py VMLINUX DUMP: drgn 0.0.31's answers for vm_check.py on the
arm64 dump sets, as JSON on stdout.  Runs inside the oracle chroot
(tests/vmcores/oracle-drgn), opening the dump as arm64_drgn.py does.

For every task with an address space: its mm_struct, mm->pgd, total_vm
(pages) and each VMA drgn's for_each_vma gives (address, start, end,
vm_flags, the mapped file's d_path); and for the first user task, the
physical address of every page of every VMA (follow_phys), null where it
is not mapped.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from arm64_drgn import open_program  # noqa: E402

import drgn  # noqa: E402
from drgn.helpers.linux.fs import d_path  # noqa: E402
from drgn.helpers.linux.mm import follow_phys, for_each_vma  # noqa: E402
from drgn.helpers.linux.pid import for_each_task  # noqa: E402


def main():
    prog = open_program(sys.argv[1], sys.argv[2])
    page = prog["PAGE_SIZE"].value_() if "PAGE_SIZE" in prog else 4096
    out = {"tasks": {}, "pages": None}
    first = None
    for task in sorted(for_each_task(prog), key=lambda t: t.pid.value_()):
        mm = task.mm
        if not mm:
            continue
        vmas = []
        for vma in for_each_vma(mm):
            path = ""
            if vma.vm_file:
                path = d_path(vma.vm_file.f_path).decode(errors="replace")
            vmas.append([vma.value_(), vma.vm_start.value_(),
                         vma.vm_end.value_(), vma.vm_flags.value_(), path])
        out["tasks"][str(task.pid.value_())] = {
            "mm": mm.value_(), "pgd": mm.pgd.value_(),
            "total_vm": mm.total_vm.value_(), "vmas": vmas}
        if first is None:
            first = (task.pid.value_(), mm, vmas)
    if first:
        pid, mm, vmas = first
        pages = []
        for _, start, end, _, _ in vmas:
            for at in range(start, end, page):
                try:
                    pages.append([at, follow_phys(mm, at).value_()])
                except drgn.FaultError:
                    pages.append([at, None])
        out["pages"] = {"pid": pid, "pages": pages}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
