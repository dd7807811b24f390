# The bench batch in drgn: the same work as bench/cmds.txt (the kernel log,
# a symbol lookup both ways, a read, sys, struct -o task_struct, whatis) but
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
