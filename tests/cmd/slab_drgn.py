#!/usr/bin/env python3
"""slab_drgn.py VMLINUX DUMP: drgn 0.0.31's answers for kmem -s on the
arm64 dump sets (the classic crash of the oracle chroot is an x86_64-only
build), as JSON on stdout: for each cache of slab_caches, in the list's
order, [address, name, object_size, slab bytes, allocated, total, slabs].

drgn has no kmem -s: the numbers are those the classic crash derives,
read here with drgn's own types, per_cpu_ptr and list helpers: TOTAL and
SLABS are the nodes' total_objects and nr_slabs; ALLOCATED is TOTAL less
the free objects of each cpu's slab (objects less inuse), its lockless
freelist (the hardened pointers decoded), its partial slabs (a 16-bit
sum), and the nodes' partial slabs.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from arm64_drgn import open_program  # noqa: E402

from drgn import FaultError, cast  # noqa: E402
from drgn.helpers.linux.cpumask import for_each_present_cpu  # noqa: E402
from drgn.helpers.linux.list import list_for_each_entry  # noqa: E402
from drgn.helpers.linux.percpu import per_cpu_ptr  # noqa: E402
from drgn.helpers.linux.slab import for_each_slab_cache  # noqa: E402


def bswap64(v):
    return int.from_bytes(v.to_bytes(8, "little"), "big")


def readable(prog, addr):
    try:
        prog.read(addr, 1)
        return True
    except FaultError:
        return False


def freelist_count(prog, cache, head):
    """Objects on a freelist of hardened pointers, as the classic crash
    follows it (stop at a pointer with bit 0 set or seen before)."""
    random = cache.random.value_() if hasattr(cache, "random") else None
    offset = cache.offset.value_()
    seen, q = set(), head
    while q and not q & 1 and q not in seen:
        seen.add(q)
        at = q + offset
        v = prog.read_u64(at)
        if random is not None:
            d = v ^ random ^ bswap64(at)
            v = d if (not d or readable(prog, d)) else v ^ random ^ at
        q = v
    return len(seen)


def s16(v):
    v &= 0xffff
    return v - 0x10000 if v & 0x8000 else v


def counts(prog, cache):
    free = 0
    for cpu in for_each_present_cpu(prog):
        c = per_cpu_ptr(cache.cpu_slab, cpu)
        slab = c.slab
        if not slab:
            continue
        free += slab.objects.value_() - s16(slab.inuse.value_())
        free += freelist_count(prog, cache, c.freelist.value_())
        part, p, seen = 0, c.partial, set()
        while p and p.value_() not in seen:
            seen.add(p.value_())
            part = s16(part + p.objects.value_() - s16(p.inuse.value_()))
            p = p.next
        free += part
    total = slabs = 0
    nr_node_ids = prog["nr_node_ids"].value_()
    for n in range(nr_node_ids):
        node = cache.node[n]
        if not node:
            continue
        slabs += node.nr_slabs.counter.value_()
        total += node.total_objects.counter.value_()
        for s in list_for_each_entry("struct slab", node.partial.address_of_(),
                                     "slab_list"):
            free += s.objects.value_() - s16(s.inuse.value_())
    return total - free, total, slabs


def main():
    vmlinux, dump = sys.argv[1:3]
    prog = open_program(vmlinux, dump)
    page_size = prog["PAGE_SIZE"].value_() if "PAGE_SIZE" in prog else 4096
    out = []
    for cache in for_each_slab_cache(prog):
        name = cache.name.string_().decode(errors="replace")
        order = cache.oo.x.value_() >> 16
        allocated, total, slabs = counts(prog, cache)
        out.append([cache.value_(), name, cache.object_size.value_(),
                    page_size << order, allocated, total, slabs])
    json.dump({"caches": out}, sys.stdout)


if __name__ == "__main__":
    main()
