#!/usr/bin/env python3
"""print_check.py DUMPDIR...: "p" against the classic crash 8.0.6 on the
lzo kdump of each kernel, command by command (the oracle's answers are
cached next to the dumps).

The values come first and are compared exactly, "$N" included: the
history numbers count per session, so the commands that the classic crash
answers and we refuse or fail come last, where they cannot shift the
numbers of the others.  For those, our answer must be one line starting
"p:" (and saying "not supported yet" where we refuse on purpose).

Prints "ok NAME" / "FAIL NAME: why" / "skip NAME: why" lines.
"""
import hashlib
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cmds_check import SEP, oracle_answers, split  # noqa: E402
from dumpinfo_check import CRASH, ROOT, ORACLE, report  # noqa: E402
from dumpinfo_check import classic_reads, skip_classic  # noqa: E402

VALUES = [
    "p jiffies", "p/x jiffies", "p/d jiffies", "p init_task.pid",
    "p &init_task", "p init_uts_ns.name.release",
    "p sizeof(struct task_struct)", "p init_task.comm", "p nr_cpu_ids",
    "p __per_cpu_offset[1]", "p init_task.mm", "p init_task.stack",
    "p panic_cpu", "p init_task.prio", "p/x init_task.flags",
    "p linux_banner", "p init_task.tasks", "p init_task.sched_class",
    "p avenrun", "p jiffies_64", "p/x jiffies_64", "p nr_threads",
    "p tick_nsec", "p init_mm.mm_count", "p init_mm.map_count",
    "p init_mm.pgd", "p/x init_mm.mmap_base", "p init_task.__state",
    # bit fields, an enum, a bool
    "p init_task.sched_reset_on_fork", "p init_task.in_execve",
    "p system_state", "p crash_kexec_post_notifiers",
    # nested structs, unions, arrays of structs, flexible arrays
    "p init_task.se.load", "p init_uts_ns.name", "p init_task.cpus_mask",
    "p init_task.real_parent", "p &init_task.tasks", "p sizeof(init_task)",
    "p sizeof(struct list_head)", "p init_task.comm[0]",
    "p/x init_task.pid", "p init_task.tasks.next", "p init_task.cred",
    "p init_task.se.avg", "p init_uts_ns", "p/x avenrun",
    "p init_task.thread", "p runqueues", "p init_task.se",
    "p init_task.signal", "p/x init_task.se.load",
    "p/d __per_cpu_offset[1]", "p init_nsproxy", "p init_cred",
    "p init_task.pi_lock", "p sizeof(int)", "p sizeof(long)",
    "p sizeof(unsigned long)", "p sizeof(pgd_t)", "p init_task.comm[3]",
    "p &init_uts_ns.name.release", "p &avenrun", "p init_task.cpus_ptr",
    "p/x panic_cpu", "p/d init_task.prio", "p/x init_task.comm",
    "p schedule", "p init_mm", "p init_task.rt", "p/x init_task.thread.sp",
    "p init_task.pid_links", "p init_task.restart_block",
    "p init_task.utask", "p init_task.sched_info", "p init_task.vtime",
    "p init_task.thread_info", "p __cpu_online_mask", "p tainted_mask",
    "p oops_in_progress", "p init_pid_ns", "p saved_command_line",
    "p init_task.stack_refcount", "p init_task.rcu_read_unlock_special",
    # pointers followed, casts, per-cpu instances
    "p (long)jiffies", "p init_task.signal.nr_threads",
    "p init_task.signal->nr_threads", "p *init_task.sched_class",
    "p init_task.real_parent->comm", "p init_task.tasks.next->next",
    "p (struct list_head *)&init_task.tasks",
    "p *(struct list_head *)&init_task.tasks",
    "p ((struct task_struct *)&init_task)->pid",
    "p/x ((struct task_struct *)&init_task)->flags",
    "p &((struct task_struct *)&init_task)->comm",
    "p init_task.se.cfs_rq->nr_running", "p (char)65",
    "p init_task.nsproxy->uts_ns->name.release", "p *init_task.nsproxy",
    "p init_task.cred->uid", "p (unsigned long)init_task.stack",
    "p *init_task.cpus_ptr", "p init_task.parent->parent->pid",
    "p cpu_number:0", "p cpu_number:a", "p cpu_number:1,0",
    "p jiffies:0", "p runqueues:0", "p init_mm.pgd->pgd",
]
# GDB answers these; we refuse them.
REFUSED = [
    "p runqueues.nr_running",
]
# Errors on both sides (the last is a value on 6.12: it is compared
# without its history number, which our refusals shift).
ERRORS = ["p nosuchvar", "p init_task.pids", "p cpu_online_mask",
          "p init_task.mm_cid", "p *init_task.mm", "p init_task.stack[0]",
          "p init_task.mm->mmap_base", "p *jiffies", "p cpu_number:9"]


def run(tool, vmlinux, dump, cmds, env=None):
    script = "".join("%s\n%s\n" % (SEP % i, c) for i, c in
                     enumerate(cmds)) + SEP % len(cmds) + "\n"
    path = "/tmp/crash-print-%d.txt" % os.getpid()
    with open(path, "w") as f:
        f.write(script)
    p = subprocess.run(tool + ["-s", "-i", path, vmlinux, dump],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, errors="replace",
                       stdin=subprocess.DEVNULL, env=env, timeout=900)
    os.unlink(path)
    return split(p.stdout, len(cmds))


def main():
    if not os.path.exists(os.path.join(ROOT, "oracles", "trixie", ".done")):
        print("skip print: no oracle chroot (tests/vmcores/oracles.sh)")
        return
    cmds = VALUES + REFUSED + ERRORS
    fname = "kdump-d31-lzo.kdump"
    for d in sys.argv[1:]:
        facts = json.load(open(os.path.join(d, "facts.json")))
        vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
        kver = facts["kernel_release"]
        if not classic_reads(facts):
            skip_classic("print " + kver, facts)
            continue
        dump = os.path.join(d, fname)
        key = hashlib.sha256(repr(cmds).encode()).hexdigest()[:12]
        cache = os.path.join(d, "oracle-cache",
                             "%s.print-%s.json" % (fname, key))
        want = oracle_answers(vmlinux, dump, cmds, cache, run)
        got = run([CRASH], vmlinux, dump, cmds)
        for i, c in enumerate(cmds):
            label = "print %s %s: %s" % (kver, fname, c)
            g = [l.rstrip() for l in got.get(i, [])]
            w = [l.rstrip() for l in want.get(i, [])]
            if not w:
                print("skip %s: the classic crash gave no answer" % label)
                continue
            one_error = len(g) == 1 and g[0].startswith("p: ")
            if c in REFUSED:
                report(one_error and "not supported yet" in g[0],
                       label + " (refused)",
                       "got %r, want a refusal" % g[:2])
            elif len(w) == 1 and w[0].startswith("p: "):
                report(one_error, label + " (an error)",
                       "got %r, want an error like %r" % (g[:2], w[0]))
            else:
                if i >= len(VALUES):
                    # after our refusals the history numbers differ
                    g = [re.sub(r"\$\d+ = ", "$N = ", l) for l in g]
                    w = [re.sub(r"\$\d+ = ", "$N = ", l) for l in w]
                bad = next((k for k in range(max(len(g), len(w)))
                            if k >= len(g) or k >= len(w) or g[k] != w[k]),
                           None)
                report(bad is None, label, "line %s: got %r, want %r" % (
                    bad, g[bad][:120] if bad is not None and bad < len(g)
                    else None, w[bad][:120] if bad is not None and
                    bad < len(w) else None))


if __name__ == "__main__":
    main()
