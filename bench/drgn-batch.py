# The bench batch in drgn: the same work as bench/cmds.txt (the kernel log,
# a symbol lookup both ways, a read, sys, struct -o task_struct, whatis, the
# task list, the crashed thread's and every task's stack, the modules) but
# the translation.
# Run by: oracle-drgn -c DUMP -s VMLINUX drgn-batch.py  ("prog" is given).
from drgn.helpers.linux.printk import get_printk_records

n = 0
for r in get_printk_records(prog):  # noqa: F821
    n += 1
    print("[%5d.%06d] %s" % (r.timestamp // 10**9, r.timestamp % 10**9 // 1000,
                             r.text.decode(errors="replace")))
sym = prog.symbol("jiffies")  # noqa: F821
print("%016x (%s) %s" % (sym.address, "D", sym.name))
print(prog.symbol(sym.address + 1))  # noqa: F821
print(hex(prog.read_u64(sym.address)))  # noqa: F821
# (no vtop: drgn's follow_phys needs a user page table)
# sys: the uts name, jiffies; struct -o task_struct; whatis init_task
uts = prog["init_uts_ns"].name  # noqa: F821
print(uts.release.string_().decode(), uts.version.string_().decode())
print(prog["jiffies_64"].value_())  # noqa: F821
t = prog.type("struct task_struct")  # noqa: F821
for m in t.members:
    print(m.bit_offset // 8, m.type, m.name)
print(prog["init_task"].type_)  # noqa: F821
# ps, bt -a, foreach bt, mod
from drgn.helpers.linux.list import list_for_each_entry  # noqa: E402
from drgn.helpers.linux.pid import for_each_task  # noqa: E402

tasks = list(for_each_task(prog))  # noqa: F821
for t in tasks:
    print(t.pid.value_(), t.comm.string_().decode(), hex(t.value_()))
try:
    print(prog.crashed_thread().stack_trace())  # noqa: F821
except Exception as e:  # a QEMU dump has no crashed thread
    print("bt -a:", e)
for t in tasks:
    try:
        print(prog.stack_trace(t))  # noqa: F821
    except Exception as e:
        print("bt %d: %s" % (t.pid.value_(), e))
for m in list_for_each_entry("struct module", prog["modules"].address_of_(),  # noqa: F821
                             "list"):
    print(m.name.string_().decode())
