#!/usr/bin/env python3
"""types_check.py DUMPDIR...: the type layer's struct, union and whatis
output (tests/tools/types-dump over the fixture's vmlinux, and the same
commands in a crash session) against the
classic crash 8.0.6's, command by command: "struct -o" and "whatis" of
about fifty kernel types, member forms, typedefs, enums, variables and
functions.  The oracle's answers are cached next to the dumps (the types do
not depend on the dump; one dump serves to start the classic crash).

Known differences are listed in KNOWN with the reason; they are reported
as skips, and turn into failures the day they start to match (so the list
stays true).  Prints "ok NAME" / "FAIL NAME: why" / "skip NAME: why".
"""
import hashlib
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dumpinfo_check import CRASH, ROOT, ORACLE, TOP, report  # noqa: E402
from dumpinfo_check import classic_reads, skip_classic  # noqa: E402
from cmds_check import split  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
TOOL = os.path.join(TOP, BUILD, "tests", "tools", "types-dump")
SEP = "eval 0x5eed%04x"     # the classic crash prints it; it splits answers

TYPES = """task_struct mm_struct page list_head hlist_node hlist_head rq
cfs_rq rt_rq sched_entity file inode dentry super_block module kmem_cache
zone pglist_data vm_area_struct net_device sk_buff socket sock pid upid
cred signal_struct sighand_struct nsproxy uts_namespace timer_list hrtimer
work_struct irq_desc device kobject bio request_queue printk_ringbuffer
prb_desc printk_info file_operations address_space fs_struct files_struct
fdtable mutex spinlock wait_queue_head kernfs_node xarray percpu_ref
task_group rb_node callback_head""".split()

VARIABLES = """init_task jiffies linux_banner init_uts_ns jiffies_64 runqueues
pm_power_off modprobe_path nr_cpu_ids kmalloc_caches __per_cpu_offset
sys_call_table zone_names softirq_vec init_pid_ns init_mm""".split()

FUNCTIONS = """schedule panic do_exit call_rcu _printk kthread_create_on_node
sched_clock kernel_clone memcpy strlen""".split()

OTHERS = [
    # member forms, quirks included: a member inside an anonymous union
    # keeps its indentation, a named struct member reopens its block
    "struct task_struct.pid", "struct task_struct.se",
    "struct -o task_struct.rcu", "struct sk_buff.headers",
    "struct task_struct.mce_ripv", "struct task_struct.comm",
    "union rcu_special.b", "union -o rcu_special", "union rcu_special",
    "struct inet_connection_sock.icsk_ack", "struct xfrm_state.props",
    "struct -o -x page", "struct -o -x list_head", "struct list_head",
    "whatis struct task_struct", "whatis union rcu_special",
    # typedefs of base types, structs, function pointers, enums
    "whatis u64", "whatis pid_t", "whatis atomic_t", "whatis cpumask_t",
    "whatis irq_handler_t", "whatis rcu_callback_t", "whatis spinlock_t",
    "whatis seqcount_spinlock_t", "whatis kernel_siginfo_t",
    "whatis atomic_long_t", "whatis sigset_t", "struct atomic_t",
    "struct -o atomic_t", "whatis int", "whatis bool", "whatis _Bool",
    # enums and enumerators
    "whatis enum pid_type", "whatis pid_type", "whatis irqreturn_t",
    "whatis enum zone_type", "whatis PIDTYPE_PID", "whatis IRQ_HANDLED",
    # an empty struct, a flexible array
    "whatis lock_class_key", "struct -o sched_group",
]

# command -> why our answer differs from the classic crash's
KNOWN = {
}


def commands():
    cmds = []
    for t in TYPES:
        cmds += ["struct -o " + t, "whatis " + t]
    cmds += ["whatis " + v for v in VARIABLES]
    cmds += ["whatis " + f for f in FUNCTIONS]
    return cmds + OTHERS


def oracle(vmlinux, dump, cmds, cache):
    if os.path.exists(cache):
        return {int(k): v for k, v in json.load(open(cache)).items()}
    script = "".join("%s\n%s\n" % (SEP % i, c) for i, c in enumerate(cmds))
    script += SEP % len(cmds) + "\n"
    path = "/tmp/crash-types-%d.txt" % os.getpid()
    with open(path, "w") as f:
        f.write(script)
    env = dict(os.environ, CACHE=os.path.join(ROOT, "oracles"))
    p = subprocess.run([ORACLE, "-s", "-i", path, vmlinux, dump],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, errors="replace", stdin=subprocess.DEVNULL,
                       env=env, timeout=900)
    os.unlink(path)
    want = split(p.stdout, len(cmds))
    if len(want) < len(cmds) // 2:
        raise RuntimeError("the classic crash answered %d of %d commands "
                           "(rc %d): %s" % (len(want), len(cmds),
                                            p.returncode, p.stdout[-300:]))
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    with open(cache + ".tmp", "w") as f:
        json.dump(want, f)
    os.rename(cache + ".tmp", cache)
    return want


def ours(vmlinux, cmds):
    p = subprocess.run([TOOL, "--markers", vmlinux], input="\n".join(cmds),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, errors="replace", timeout=300)
    if p.returncode != 0:
        raise RuntimeError("types-dump exited %d: %s" %
                           (p.returncode, p.stderr[-300:]))
    out, cur, idx = {}, [], -1
    for l in p.stdout.splitlines():
        if l.startswith("==> "):
            if idx >= 0:
                out[idx] = cur
            idx += 1
            cur = []
        else:
            cur.append(l)
    if idx >= 0:
        out[idx] = cur
    return out


def ours_crash(vmlinux, dump, cmds):
    """The same commands in a crash session (the command layer on top of
    the type layer), split by the same separators."""
    script = "".join("%s\n%s\n" % (SEP % i, c) for i, c in enumerate(cmds))
    script += SEP % len(cmds) + "\n"
    path = "/tmp/crash-types-ours-%d.txt" % os.getpid()
    with open(path, "w") as f:
        f.write(script)
    p = subprocess.run([CRASH, "-s", "-i", path, vmlinux, dump],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, errors="replace", stdin=subprocess.DEVNULL,
                       timeout=300)
    os.unlink(path)
    return split(p.stdout, len(cmds))


def first_difference(g, w):
    for k, (a, b) in enumerate(zip(g, w)):
        if a != b:
            return "line %d: got %r, want %r" % (k + 1, a, b)
    return "got %d lines, want %d (next: %r)" % (
        len(g), len(w), (g[len(w):] or w[len(g):])[0])


def main():
    if not os.path.exists(os.path.join(ROOT, "oracles", "trixie", ".done")):
        print("skip types: no oracle chroot (tests/vmcores/oracles.sh)")
        return
    if not os.access(TOOL, os.X_OK):
        report(False, "types", "%s was not built (make tools)" % TOOL)
        return
    cmds = commands()
    key = hashlib.sha256(repr(cmds).encode()).hexdigest()[:12]
    for d in sys.argv[1:]:
        facts = json.load(open(os.path.join(d, "facts.json")))
        vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
        kver = facts["kernel_release"]
        if not classic_reads(facts):
            skip_classic("types " + kver, facts)
            continue
        fname = "kdump-d31-lzo.kdump"
        if fname not in facts["dumps"]:
            fname = sorted(n for n, f in facts["dumps"].items()
                           if not f.get("split"))[0]
        cache = os.path.join(d, "oracle-cache", "types-%s.json" % key)
        try:
            want = oracle(vmlinux, os.path.join(d, fname), cmds, cache)
            answers = [("types", ours(vmlinux, cmds)),
                       ("crash", ours_crash(vmlinux, os.path.join(d, fname),
                                            cmds))]
        except Exception as e:
            report(False, "types %s" % kver, str(e))
            continue
        for (who, got), (i, c) in ((a, b) for a in answers
                                   for b in enumerate(cmds)):
            label = "%s %s: %s" % (who, kver, c)
            w = [l.rstrip() for l in want.get(i, [])]
            g = [l.rstrip() for l in got.get(i, [])]
            if not w or "Usage:" in w or any(
                    l.startswith(("struct: ", "union: ", "whatis: "))
                    for l in w):
                print("skip %s: the classic crash gives no answer (%s)" %
                      (label, w[0] if w else "nothing"))
                continue
            if c in KNOWN:
                if g == w:
                    report(False, label, "matches now: take it out of "
                           "KNOWN")
                else:
                    print("skip %s: known difference: %s" % (label,
                                                             KNOWN[c]))
                continue
            report(g == w, label + " (%d lines)" % len(w),
                   "" if g == w else first_difference(g, w))


if __name__ == "__main__":
    main()
