#!/usr/bin/env python3
"""kmem_drgn.py VMLINUX DUMP: drgn 0.0.31's answers for kmem_check.py on
the arm64 dump sets, as JSON on stdout.  Runs inside the oracle chroot
(tests/vmcores/oracle-drgn), opening the dump as arm64_drgn.py does.

drgn has no kmem command: these are the same kernel variables read with
drgn's own types and helpers (pfn_to_page, per_cpu, list walks), and the
totals kmem -i derives from them by the classic crash's definitions
(COMMITTED is vm_committed_as.count; SHARED counts the struct pages of the
present memory sections that are not PG_reserved and have a _refcount
above one; CACHED is NR_FILE_PAGES less NR_SWAPCACHE and the block device
page cache).
"""
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from arm64_drgn import open_program  # noqa: E402

from drgn import sizeof  # noqa: E402
from drgn.helpers.linux.cpumask import for_each_possible_cpu  # noqa: E402
from drgn.helpers.linux.list import list_for_each_entry  # noqa: E402
from drgn.helpers.linux.mm import pfn_to_page  # noqa: E402
from drgn.helpers.linux.percpu import per_cpu  # noqa: E402


def names(prog, enum, count):
    """Index -> enumerator; the last declared where several share a
    value (as GDB lists them to the classic crash)."""
    n = prog.constant(count).value_()
    out = [None] * n
    for name, value in prog.type("enum " + enum).enumerators:
        if 0 <= value < n:
            out[value] = name
    return out


def counters(prog, arr, enum, count):
    ns = names(prog, enum, count)
    return {ns[i]: arr[i].counter.value_() for i in range(len(ns))
            if ns[i]}


def vmcoreinfo(prog):
    # drgn's copy of the dump's note; the kernel's own if there is none
    try:
        text = prog["VMCOREINFO"].string_().decode()
    except (KeyError, LookupError):
        text = prog["vmcoreinfo_data"].string_().decode()
    out = {}
    for line in text.splitlines():
        k, _, v = line.partition("=")
        out[k] = v
    return out


def shared_pages(prog):
    vi = vmcoreinfo(prog)
    sbits = int(vi["NUMBER(SECTION_SIZE_BITS)"])
    pbits = int(vi["NUMBER(MAX_PHYSMEM_BITS)"])
    page_shift = prog["PAGE_SHIFT"].value_()
    per_section = 1 << (sbits - page_shift)
    nr_sections = 1 << (pbits - sbits)
    ms_size = sizeof(prog.type("struct mem_section"))
    per_root = int(vi["PAGESIZE"]) // ms_size
    reserved = 1 << prog.constant("PG_reserved").value_()
    psize = sizeof(prog.type("struct page"))
    off_flags = prog.type("struct page").member("flags").offset
    off_count = prog.type("struct page").member("_refcount").offset
    mem_section = prog["mem_section"]
    shared = 0
    for root in range((nr_sections + per_root - 1) // per_root):
        sections = mem_section[root]
        if not sections.value_():
            continue
        for j in range(per_root):
            ms = sections[j]
            if not ms.section_mem_map.value_() & 1:
                continue
            pfn = (root * per_root + j) * per_section
            first = pfn_to_page(prog, pfn).value_()
            data = prog.read(first, per_section * psize)
            for i in range(per_section):
                flags, = struct.unpack_from("<Q", data, i * psize + off_flags)
                count, = struct.unpack_from("<i", data, i * psize + off_count)
                if not flags & reserved and count > 1:
                    shared += 1
    return shared


def pgdats(prog):
    if "node_data" in prog:
        nd = prog["node_data"]
        return [nd[i] for i in range(prog["nr_node_ids"].value_())
                if nd[i].value_()]
    return [prog["contig_page_data"].address_of_()]


def zones(prog):
    out = []
    nr_free = prog.constant("NR_FREE_PAGES").value_()
    wm = [prog.constant(w).value_() for w in ("WMARK_MIN", "WMARK_LOW",
                                               "WMARK_HIGH")]
    for pgdat in pgdats(prog):
        for z in pgdat.node_zones:
            name = z.name.string_().decode()
            spanned = z.spanned_pages.value_()
            if not spanned:
                out.append([name] + [None] * 6)
                continue
            out.append([name, spanned, z.present_pages.value_()] +
                       [z._watermark[w].value_() for w in wm] +
                       [z.vm_stat[nr_free].counter.value_()])
    return out


def main():
    vmlinux, dump = sys.argv[1:3]
    prog = open_program(vmlinux, dump)
    a = {}
    a["VM_ZONE_STAT"] = counters(prog, prog["vm_zone_stat"],
                                 "zone_stat_item", "NR_VM_ZONE_STAT_ITEMS")
    a["VM_NODE_STAT"] = counters(prog, prog["vm_node_stat"],
                                 "node_stat_item", "NR_VM_NODE_STAT_ITEMS")
    ev = names(prog, "vm_event_item", "NR_VM_EVENT_ITEMS")
    sums = [0] * len(ev)
    for cpu in for_each_possible_cpu(prog):
        e = per_cpu(prog["vm_event_states"], cpu).event
        for i in range(len(ev)):
            sums[i] += e[i].value_()
    a["VM_EVENT_STATES"] = {ev[i]: sums[i] for i in range(len(ev)) if ev[i]}
    a["zones"] = zones(prog)
    node = a["VM_NODE_STAT"]
    a["totalram"] = prog["_totalram_pages"].counter.value_()
    a["free"] = sum(z[6] for z in a["zones"] if z[6] is not None)
    a["shared"] = shared_pages(prog)
    bd_sb = prog["blockdev_superblock"]
    a["buffers"] = sum(inode.i_mapping.nrpages.value_() for inode in
                       list_for_each_entry("struct inode",
                                           bd_sb.s_inodes.address_of_(),
                                           "i_sb_list"))
    a["cached"] = max(0, node["NR_FILE_PAGES"] - node["NR_SWAPCACHE"] -
                      a["buffers"])
    a["slab"] = node["NR_SLAB_RECLAIMABLE_B"] + \
        node["NR_SLAB_UNRECLAIMABLE_B"]
    a["huge_total"] = a["huge_free"] = 0
    if "hstates" in prog:
        for h in prog["hstates"]:
            o = h.order.value_()
            if o:
                a["huge_total"] += h.nr_huge_pages.value_() << o
                a["huge_free"] += h.free_huge_pages.value_() << o
    a["swap_total"] = a["swap_used"] = 0
    for i in range(prog["nr_swapfiles"].value_()):
        si = prog["swap_info"][i]
        if si.value_() and si.flags.value_() & 1:
            a["swap_total"] += si.pages.value_()
            a["swap_used"] += si.inuse_pages.value_()
    kbytes = prog["sysctl_overcommit_kbytes"].value_()
    page_shift = prog["PAGE_SHIFT"].value_()
    if kbytes:
        limit = kbytes >> (page_shift - 10)
    else:
        limit = (a["totalram"] - a["huge_total"]) * \
            prog["sysctl_overcommit_ratio"].value_() // 100
    a["commit_limit"] = limit + a["swap_total"]
    a["committed"] = max(0, prog["vm_committed_as"].count.value_())
    json.dump(a, sys.stdout)


if __name__ == "__main__":
    main()
