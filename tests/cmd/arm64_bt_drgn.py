#!/usr/bin/env python3
"""arm64_bt_drgn.py VMLINUX DUMP: drgn 0.0.31's stack traces for
arm64_bt_check.py, as JSON on stdout.  Runs inside the oracle chroot
(tests/vmcores/oracle-drgn), opening the dump as arm64_drgn.py does.

Answers: the crashed thread's task_struct (null if drgn names none); each
online cpu's current task; every task (for_each_task, and each cpu's idle
task) with its pid, comm and drgn's frames: [function name or null, pc,
sp or null, is_inline, interrupted]; and for each task whose trace drgn
ends at a vector from user mode, the pt_regs there (pc, sp, pstate,
orig_x0, syscallno).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from arm64_drgn import open_program, safe  # noqa: E402

import drgn  # noqa: E402
from drgn.helpers.linux.cpumask import for_each_online_cpu  # noqa: E402
from drgn.helpers.linux.pid import for_each_task  # noqa: E402
from drgn.helpers.linux.sched import cpu_curr, idle_task  # noqa: E402


def frames(prog, task):
    out = []
    for f in prog.stack_trace(task):
        out.append([f.name, f.pc, safe(lambda: f.sp), f.is_inline,
                    f.interrupted])
    return out


def user_regs(prog, fr):
    """The pt_regs a task entered the kernel with from user mode: where
    the stack pointer of drgn's last frame, the vector (el0t_64_sync...),
    points (it made room for them and called the handler)."""
    if not fr or not (fr[-1][0] or "").startswith("el0t_") or not fr[-1][2]:
        return None
    regs = drgn.Object(prog, "struct pt_regs", address=fr[-1][2])
    return {"addr": regs.address_, "pc": regs.pc.value_(),
            "sp": regs.sp.value_(), "pstate": regs.pstate.value_(),
            "orig_x0": regs.orig_x0.value_(),
            "syscallno": regs.syscallno.value_() & 0xffffffffffffffff}


def main():
    vmlinux, dump = sys.argv[1:3]
    prog = open_program(vmlinux, dump)
    out = {"crashed": safe(lambda: prog.crashed_thread().object.value_())}
    cpus = list(for_each_online_cpu(prog))
    out["current"] = [[c, cpu_curr(prog, c).value_()] for c in cpus]
    tasks = [idle_task(prog, c) for c in cpus] + list(for_each_task(prog))
    out["tasks"] = []
    for t in tasks:
        e = {"pid": t.pid.value_(), "addr": t.value_(),
             "comm": t.comm.string_().decode(errors="replace")}
        try:
            e["frames"] = frames(prog, t)
        except Exception as ex:  # drgn cannot unwind it: said, not checked
            e["error"] = str(ex)
        e["user"] = safe(lambda: user_regs(prog, e.get("frames")))
        out["tasks"].append(e)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
