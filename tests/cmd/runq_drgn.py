#!/usr/bin/env python3
"""runq_drgn.py VMLINUX DUMP: drgn 0.0.31's view of each online cpu's
runqueue for runq_check.py, as JSON on stdout.  Runs inside the oracle
chroot (tests/vmcores/oracle-drgn), opening the dump as arm64_drgn.py does.

Per cpu: the struct rq address, rq->curr, rq->clock, the RT tasks as
[queue index, task address] in list order, the CFS tasks as [prio, task
address] in tree order (a group entity's queue in its place, its running
entity's queue first), and the tasks of the task list that are on_rq with
task_cpu() == cpu, as [prio, task address] in pid order.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from arm64_drgn import open_program  # noqa: E402

import drgn  # noqa: E402
from drgn import container_of  # noqa: E402
from drgn.helpers.linux.cpumask import for_each_online_cpu  # noqa: E402
from drgn.helpers.linux.list import list_for_each_entry  # noqa: E402
from drgn.helpers.linux.percpu import per_cpu  # noqa: E402
from drgn.helpers.linux.pid import for_each_task  # noqa: E402
from drgn.helpers.linux.rbtree import rb_first, rb_next  # noqa: E402
from drgn.helpers.linux.sched import idle_task, task_cpu  # noqa: E402


def has_member(prog, type_name, member):
    try:
        prog.type(type_name).member(member)
        return True
    except LookupError:
        return False


def cfs_tasks(prog, cfs_rq, out, depth=0):
    if depth > 64:
        return
    my_q = has_member(prog, "struct sched_entity", "my_q")
    curr = cfs_rq.curr
    if my_q and curr.value_() and curr.my_q.value_():
        cfs_tasks(prog, curr.my_q, out, depth + 1)
    if not cfs_rq.tasks_timeline.rb_leftmost.value_():
        return
    node = rb_first(cfs_rq.tasks_timeline.rb_root)
    while node.value_():
        se = container_of(node, "struct sched_entity", "run_node")
        if my_q and se.my_q.value_():
            cfs_tasks(prog, se.my_q, out, depth + 1)
        else:
            t = container_of(se, "struct task_struct", "se")
            out.append([t.prio.value_(), t.value_()])
        node = rb_next(node)


def rt_tasks(prog, array, out, depth=0):
    my_q = has_member(prog, "struct sched_rt_entity", "my_q")
    for i in range(len(array.queue)):
        for rt_se in list_for_each_entry("struct sched_rt_entity",
                                         array.queue[i].address_of_(),
                                         "run_list"):
            if my_q and rt_se.my_q.value_() and depth < 64:
                rt_tasks(prog, rt_se.my_q.active, out, depth + 1)
                continue
            t = container_of(rt_se, "struct task_struct", "rt")
            out.append([i, t.value_()])


def main():
    vmlinux, dump = sys.argv[1:3]
    prog = open_program(vmlinux, dump)
    tasks = sorted(((t.pid.value_(), t) for t in for_each_task(prog)),
                   key=lambda x: x[0])
    cpus = {}
    for cpu in for_each_online_cpu(prog):
        rq = per_cpu(prog["runqueues"], cpu)
        rt, cfs = [], []
        rt_tasks(prog, rq.rt.active, rt)
        cfs_tasks(prog, rq.cfs, cfs)
        on_rq, seen = [], set()
        for _, t in [(0, idle_task(prog, cpu))] + tasks:
            if t.value_() in seen:
                continue
            seen.add(t.value_())
            if t.on_rq.value_() and task_cpu(t) == cpu:
                on_rq.append([t.prio.value_(), t.value_()])
        cpus[str(cpu)] = {
            "rq": rq.address_of_().value_(),
            "curr": rq.curr.value_(),
            "clock": rq.clock.value_(),
            "rt_array": rq.rt.active.address_of_().value_(),
            "cfs_root": rq.cfs.tasks_timeline.address_of_().value_(),
            "rt": rt, "cfs": cfs, "on_rq": on_rq,
        }
    json.dump({"cpus": cpus}, sys.stdout)


if __name__ == "__main__":
    main()
