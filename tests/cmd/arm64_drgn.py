#!/usr/bin/env python3
"""arm64_drgn.py VMLINUX DUMP QUERIES.json: drgn 0.0.31's answers for
arm64_check.py, as JSON on stdout.  Runs inside the oracle chroot
(tests/vmcores/oracle-drgn, with ORACLE_BIND_RO naming the kit's examples/
directory, whose drgn-ps.py has the workarounds drgn needs for QEMU's arm64
dumps).

(Answers also list the modules: name, struct module address, core base
and size.)
QUERIES: {"vtop": [vaddr...], "read64": [vaddr...], "ptov": [paddr...],
          "members": [[type, member]...], "sizes": [type...],
          "symbols": [name...], "values": [name...]}
Answers: uname; the task list (pid, ppid, cpu, state letter, comm, address)
and each CPU's idle task; the kernel log as dmesg prints it; addresses of
drgn's own choosing in every region (tasks, stacks, modules, per-cpu,
vmemmap) with their translations; and one answer per query (null where drgn
cannot answer).
"""
import json
import os
import sys

sys.path.insert(0, os.environ.get("DRGN_PS_DIR", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "vmcores", "examples")))
import importlib.util  # noqa: E402

import drgn  # noqa: E402
from drgn.helpers.linux.cpumask import for_each_online_cpu  # noqa: E402
from drgn.helpers.linux.mm import follow_phys, phys_to_virt  # noqa: E402
from drgn.helpers.linux.percpu import per_cpu_ptr  # noqa: E402
from drgn.helpers.linux.pid import for_each_task  # noqa: E402
from drgn.helpers.linux.printk import get_dmesg  # noqa: E402
from drgn.helpers.linux.sched import (idle_task, task_cpu,  # noqa: E402
                                      task_state_to_char)


def load_drgn_ps():
    d = sys.path[0]
    spec = importlib.util.spec_from_file_location(
        "drgn_ps", os.path.join(d, "drgn-ps.py"))
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def open_program(vmlinux, dump):
    """As examples/drgn-ps.py opens a dump, with its QEMU workarounds."""
    ps = load_drgn_ps()
    is_elf, vmci, virt = ps.elf_vmcoreinfo(dump)
    with open(dump, "rb") as f:
        head = f.read(16)
    platform, kw = None, {}
    if head[:8] == b"KDUMP   " and head[12:13] == b"\0" or \
       head[:12] == b"makedumpfile":
        platform = ps.platform_of(vmlinux)
    if is_elf and vmci is None:
        text = ps.scan_vmcoreinfo(dump)
        if text:
            kw["vmcoreinfo"], vmci = text, ps.parse_vmcoreinfo(text)
    prog = drgn.Program(platform, **kw)
    prog.set_core_dump(dump)
    try:
        prog.load_debug_info([vmlinux])
    except drgn.MissingDebugInfoError:
        pass
    if vmci and not virt and prog.platform.arch == drgn.Architecture.AARCH64:
        pgd = int(vmci["SYMBOL(swapper_pg_dir)"], 16)
        pgd_pa = pgd - int(vmci["NUMBER(kimage_voffset)"], 16)
        try:
            prog.read(pgd, 8)
        except drgn.FaultError:
            prog.add_memory_segment(
                pgd, int(vmci.get("PAGESIZE", "4096")),
                lambda addr, count, off, phys:
                    prog.read(pgd_pa + off, count, True))
    return prog


def safe(fn):
    try:
        return fn()
    except Exception:  # drgn cannot answer: the check skips it
        return None


def main():
    vmlinux, dump, qpath = sys.argv[1:4]
    q = json.load(open(qpath))
    prog = open_program(vmlinux, dump)
    init_mm = prog["init_mm"].address_of_()
    out = {}
    uts = prog["init_uts_ns"].name
    out["uname"] = {k: getattr(uts, k).string_().decode()
                    for k in ("sysname", "nodename", "release", "version",
                              "machine")}
    tasks = []
    for t in for_each_task(prog):
        # (the raw __state too: see arm64_check.py's TASK_WAKING)
        tasks.append([t.pid.value_(), t.real_parent.pid.value_(), task_cpu(t),
                      task_state_to_char(t), t.comm.string_().decode(),
                      t.value_(), t.member_("__state").value_()])
    out["tasks"] = tasks
    out["idle"] = [[cpu, idle_task(prog, cpu).value_(),
                    idle_task(prog, cpu).comm.string_().decode()]
                   for cpu in for_each_online_cpu(prog)]
    out["dmesg"] = get_dmesg(prog).decode(errors="replace").splitlines()

    # addresses of every kind, chosen here
    picks = {}
    for t in tasks[::7]:
        picks["task %d" % t[0]] = t[5]
        st = drgn.Object(prog, "struct task_struct",
                         address=t[5]).stack.value_()
        picks["stack of %d" % t[0]] = st + 0x1238
    try:
        from drgn.helpers.linux.module import for_each_module
    except ImportError:
        for_each_module = None
    out["modules"] = []
    for mod in safe(lambda: list(for_each_module(prog))) or []:
        base = safe(lambda: mod.core_layout.base.value_()) or \
            safe(lambda: mod.mem[0].base.value_())
        size = safe(lambda: mod.core_layout.size.value_())
        name = mod.name.string_().decode()
        out["modules"].append([name, mod.value_(), base, size])
        if base:
            picks["module %s" % name] = base + 0x10
    rq = prog["runqueues"].address_of_()
    for cpu in for_each_online_cpu(prog):
        picks["runqueues cpu %d" % cpu] = per_cpu_ptr(rq, cpu).value_()
    vmemmap = safe(lambda: prog["vmemmap"].value_())
    if vmemmap is None:
        vmemmap = safe(lambda: prog.constant("VMEMMAP_START").value_())
    if vmemmap is not None:
        pa = follow_phys(init_mm, tasks[0][5]).value_()
        size = prog.type("struct page").size
        picks["struct page of task %d" % tasks[0][0]] = \
            vmemmap + (pa >> 12) * size
    out["picks"] = {k: [v, safe(lambda: follow_phys(init_mm, v).value_())]
                    for k, v in picks.items()}

    out["vtop"] = {"%x" % a: safe(lambda: follow_phys(init_mm, a).value_())
                   for a in q.get("vtop", [])}
    out["read64"] = {"%x" % a: safe(lambda: int.from_bytes(
        prog.read(a, 8), "little")) for a in q.get("read64", [])}
    out["ptov"] = {"%x" % a: safe(lambda: phys_to_virt(prog, a).value_())
                   for a in q.get("ptov", [])}
    out["members"] = {"%s.%s" % (t, m): safe(
        lambda: drgn.offsetof(prog.type("struct " + t), m))
        for t, m in q.get("members", [])}
    out["sizes"] = {t: safe(lambda: prog.type("struct " + t).size)
                    for t in q.get("sizes", [])}
    out["symbols"] = {n: safe(lambda: prog.symbol(n).address)
                      for n in q.get("symbols", [])}
    out["values"] = {n: safe(lambda: prog[n].value_())
                     for n in q.get("values", [])}
    th = safe(lambda: prog.crashed_thread())
    out["crashed_pid"] = th.tid if th else None
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
