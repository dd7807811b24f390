"""`log -a` with records in the audit queues (called by log_check.py).

The fixtures boot with audit disabled, so their queues are empty.  Here a
copy of a real ELF dump gets three netlink messages written into a page of
its memory and linked into audit_hold_queue (one) and audit_queue (two);
the classic crash's `log -a` of that same copy is what ours must print.
Then audit_queue's length is made to claim one buffer more than its list
holds: ours must show what is there and name the queue.  Where the queues
and members are comes from the classic crash's answers, never ours.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dumpinfo_check import CRASH, report  # noqa: E402
from elf_patch import pt_loads  # noqa: E402
from log_damage import (DUMP, Patch, first_diff, oracle,  # noqa
                        physical, to_offset, value)

OFF = "p/x (long)&((struct %s *)0)->%s"
WHERE = ["p/x page_offset_base", "p/x &audit_hold_queue", "p/x &audit_queue",
         "p sizeof(struct nlmsghdr)",
         OFF % ("sk_buff_head", "next"), OFF % ("sk_buff_head", "prev"),
         OFF % ("sk_buff_head", "qlen"), OFF % ("sk_buff", "next"),
         OFF % ("sk_buff", "prev"), OFF % ("sk_buff", "len"),
         OFF % ("sk_buff", "data"), OFF % ("nlmsghdr", "nlmsg_len"),
         OFF % ("nlmsghdr", "nlmsg_type")]
TEXTS = [(1300, b"audit(1795394702.100:7): arch=c000003e syscall=59 "
          b"success=yes exit=0 comm=\"init\" exe=\"/bin/busybox\""),
         (1307, b"audit(1795394702.100:7): cwd=\"/\""),
         (1320, b"audit(1795394702.100:7): ")]


def ours(vmlinux, path):
    p = subprocess.run([CRASH, "-s", vmlinux, path], input="log -a\n",
                       capture_output=True, text=True, errors="replace",
                       timeout=300)
    return p.stdout.splitlines(), p.stderr


def check(d, facts, vmlinux, kver):
    src = os.path.join(d, DUMP)
    name = "log -a queued %s %s" % (kver, DUMP)
    if not os.path.exists(src):
        print("skip %s: no such dump" % name)
        return
    try:
        a = oracle(d, vmlinux, src, WHERE, "audit")
        (pob, hold, queue, hdr, h_next, h_prev, h_qlen, s_next, s_prev,
         s_len, s_data, n_len, n_type) = (value(a[i]) for i in
                                           range(len(WHERE)))
        b = oracle(d, vmlinux, src, ["vtop %x" % hold, "vtop %x" % queue],
                   "audit")
        hold_pa, queue_pa = physical(b[0]), physical(b[1])
    except Exception as e:
        report(False, name + ": where the queues are", str(e))
        return
    loads = pt_loads(src)
    # a page in the middle of the largest piece of memory the dump holds
    base, size, off = max(loads, key=lambda l: l[1])
    page_pa = (base + size // 2) & ~0xfff
    page_off = off + page_pa - base
    page_va = pob + page_pa
    hdr = (hdr + 3) & ~3
    page = bytearray(4096)
    skbs = [page_va + 0x100 * i for i in range(3)]
    # hold queue: skb 0; audit_queue: skbs 1 and 2
    links = {0: (hold, hold), 1: (skbs[2], queue), 2: (queue, skbs[1])}
    for i, (typ, text) in enumerate(TEXTS):
        data_off = 0x400 + 0x400 * i
        msg = text + b"\0"
        struct.pack_into("<I", page, data_off + n_len, hdr + len(msg))
        struct.pack_into("<H", page, data_off + n_type, typ)
        page[data_off + hdr:data_off + hdr + len(msg)] = msg
        s = 0x100 * i
        struct.pack_into("<Q", page, s + s_next, links[i][0])
        struct.pack_into("<Q", page, s + s_prev, links[i][1])
        struct.pack_into("<I", page, s + s_len, hdr + len(msg))
        struct.pack_into("<Q", page, s + s_data, page_va + data_off)

    def head(first, last, qlen):
        h = bytearray(max(h_next, h_prev, h_qlen) + 8)
        struct.pack_into("<Q", h, h_next, first)
        struct.pack_into("<Q", h, h_prev, last)
        struct.pack_into("<I", h, h_qlen, qlen)
        return bytes(h)

    tmp = tempfile.mkdtemp(prefix="crash-log-audit-")
    copy = os.path.join(tmp, DUMP)
    try:
        shutil.copyfile(src, copy)
        with Patch(copy, [page_off], bytes(page)), \
                Patch(copy, [to_offset(loads, hold_pa, 24)],
                      head(skbs[0], skbs[0], 1)), \
                Patch(copy, [to_offset(loads, queue_pa, 24)],
                      head(skbs[1], skbs[2], 2)):
            want = oracle(d, vmlinux, copy, ["log -a"],
                          "audit %x %x" % (page_pa, page_va))[0]
            got, err = ours(vmlinux, copy)
            report(got == want and len(got) == 3 and not err,
                   name + ": the classic crash's lines",
                   first_diff(got, want) + " " + repr(err[:200]))
            with Patch(copy, [to_offset(loads, queue_pa, 24)],
                       head(skbs[1], skbs[2], 3)):
                got, err = ours(vmlinux, copy)
                report(got == want and re.search(
                    r"^log: -a: audit_queue at %#x: the list goes on past|"
                    r"^log: -a: audit_queue at %#x: the list ends after 2 "
                    r"of its 3" % (queue, queue), err, re.M) is not None,
                    name + ": a queue shorter than its length says",
                    first_diff(got, want) + " " + repr(err[:300]))
    except Exception as e:
        report(False, name, "%s: %s" % (type(e).__name__, e))
    finally:
        shutil.rmtree(tmp)
