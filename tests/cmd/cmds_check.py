#!/usr/bin/env python3
"""cmds_check.py DUMPDIR...: the session commands (sym, rd, vtop, eval,
btop, ptob, ascii) against the classic crash 8.0.6 on the same vmlinux and
dump, command by command (the oracle's answers are cached next to the
dumps).  Symbols are chosen from System.map, addresses computed from it and
the KASLR offset the fixture kit recorded, so neither side's answer feeds
the other's question.

Known, deliberate differences are compared the way the note beside them
says.  Prints "ok NAME" / "FAIL NAME: why" / "skip NAME: why" lines.
"""
import hashlib
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dumpinfo_check import CRASH, ROOT, ORACLE, report  # noqa: E402
from dumpinfo_check import classic_reads, skip_classic  # noqa: E402

SEP = "eval 0x5eed%04x"     # both tools print this; it splits the outputs


def system_map(path):
    syms = []
    for line in open(path):
        f = line.split()
        if len(f) == 3:
            syms.append((int(f[0], 16), f[1], f[2]))
    return syms


def pick_symbols(syms, kaslr):
    """A deterministic sample of each kind: unique names at addresses no
    other symbol shares (which of several aliases to name is a matter of
    taste, not of right and wrong)."""
    count, at = {}, {}
    for a, _, n in syms:
        count[n] = count.get(n, 0) + 1
        at[a] = at.get(a, 0) + 1
    out = []
    for kind in "TtDdBbRr":
        cands = [s for s in syms if s[1] == kind and count[s[2]] == 1
                 and at[s[0]] == 1
                 and not s[2].startswith(("__", "."))
                 and s[0] >= 0xffffffff80000000]
        step = max(1, len(cands) // 8)
        out += cands[::step][:8]
    return [(a + kaslr, k, n) for a, k, n in out]


def commands(syms, kaslr):
    cmds = []   # (name, command, how to compare)
    for addr, kind, name in pick_symbols(syms, kaslr):
        cmds.append(("sym %s" % name, "sym %s" % name, "exact"))
        if kind in "Tt":
            cmds.append(("sym %s+1" % name, "sym %x" % (addr + 1), "exact"))
    for c in ("rd jiffies", "rd -32 linux_banner 8", "rd -8 linux_banner 20",
              "rd -64 init_task 8", "rd -16 jiffies 3", "rd -d jiffies 2",
              "rd -D jiffies 2", "rd -x init_uts_ns 4", "rd -N -32 jiffies 2",
              "rd -a linux_banner 30", "rd -p 1000 2", "rd init_uts_ns 12",
              "rd -o 8 init_task 2", "rd -64 -o 0x10 -x linux_banner 2",
              "rd -R -32 linux_banner 4", "rd -R jiffies",
              "btop 123456", "ptob 123", "eval 1+2", "eval 0x1000 * 3",
              "eval -b 0xff", "eval 1 << 40", "ascii 41424344",
              "sym -q prb_read", "sys", "sys -t", "sys -c", "sys -c read",
              "sys -c 5", "sys -c 0", "sys -c nosuchcall", "mach",
              "mach -c", "mach -c -x",
              "ptov 1000", "ptov 1b6079c0",
              "pte 800000001b6001e3", "pte 8000000000001163", "pte 0",
              "pte 1b6001e1"):
        cmds.append((c, c, "exact"))
    addr = {n: a + kaslr for a, _, n in syms}
    cmds.append(("rd -e linux_banner+0x30 linux_banner",
                 "rd -e %x linux_banner" % (addr["linux_banner"] + 0x30),
                 "exact"))
    cmds.append(("rd -8 -e linux_banner+5 linux_banner",
                 "rd -8 -e %x linux_banner" % (addr["linux_banner"] + 5),
                 "exact"))
    for fmt, var in (("struct list_head %x", "init_task"),
                     ("struct list_head -x %x", "init_task"),
                     ("struct list_head %x 2", "init_task"),
                     ("struct list_head %x -c 2", "init_task"),
                     ("struct uts_namespace %x", "init_uts_ns"),
                     ("struct task_struct.pid,comm %x", "init_task"),
                     ("struct -x task_struct.pid,comm %x", "init_task"),
                     ("struct task_struct.tasks,mm,prio %x", "init_task"),
                     ("struct -d task_struct.se.vruntime %x", "init_task"),
                     ("union rcu_special %x", "init_task"),
                     ("struct mm_struct %x", "init_mm"),
                     ("struct pid %x", "init_struct_pid"),
                     ("struct cred %x", "init_cred")):
        if var in addr:
            c = fmt % addr[var]
            cmds.append((fmt.replace("%x", var), c, "exact"))
    for name in ("jiffies", "init_task", "linux_banner", "schedule"):
        cmds.append(("vtop " + name, "vtop %x" % next(
            a for a, k, n in pick_symbols([(a, k, n) for a, k, n in syms
                                           if n == name], kaslr)),
            "exact"))
    return cmds


def run(tool, vmlinux, dump, cmds, env=None):
    script = "".join("%s\n%s\n" % (SEP % i, c) for i, (_, c, _) in
                     enumerate(cmds)) + SEP % len(cmds) + "\n"
    path = "/tmp/crash-cmds-%d.txt" % os.getpid()
    with open(path, "w") as f:
        f.write(script)
    p = subprocess.run(tool + ["-s", "-i", path, vmlinux, dump],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, errors="replace",
                       stdin=subprocess.DEVNULL, env=env, timeout=900)
    os.unlink(path)
    # a sanitizer's report (a leak shows only at exit, after the last
    # command's output) fails the run even when every answer is right
    for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                   "runtime error:"):
        if marker in p.stdout and tool != [ORACLE]:
            k = p.stdout.index(marker)
            report(False, "sanitizer: %s %s" % (os.path.basename(dump),
                                                cmds[0][1]),
                   p.stdout[k:k + 600].replace("\n", " | "))
            break
    return split(p.stdout, len(cmds))


def split(text, n):
    """Outputs between the separator evals, by command index."""
    out, cur, idx = {}, [], None
    lines = []
    for l in text.splitlines():
        # the classic crash ends "union NAME ADDRESS" without a newline:
        # the separator's output then starts on the same line
        k = l.find("hexadecimal: 5eed")
        if k > 0:
            lines += [l[:k], l[k:]]
        else:
            lines.append(l)
    i = 0
    while i < len(lines):
        l = lines[i]
        if l.startswith("hexadecimal: 5eed") and i + 3 < len(lines):
            if idx is not None:
                out[idx] = cur
            idx = int(l.split()[1][4:], 16)
            cur = []
            i += 4
            continue
        if idx is not None:
            cur.append(l)
        i += 1
    return out


def oracle_answers(vmlinux, dump, cmds, cache, runner=None):
    """The classic crash's answers to cmds, by index: from the cache file,
    or run once (by runner, which takes cmds as the caller has them) and
    cached there."""
    if os.path.exists(cache):
        return {int(k): v for k, v in json.load(open(cache)).items()}
    env = dict(os.environ, CACHE=os.path.join(ROOT, "oracles"))
    want = (runner or run)([ORACLE], vmlinux, dump, cmds, env)
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    with open(cache + ".tmp", "w") as f:
        json.dump(want, f)
    os.rename(cache + ".tmp", cache)
    return want


def answer_pairs(prefix, vmlinux, dump, cmds, cache):
    """Each command's answers, the classic crash's (cached) and ours, as
    (index, name, how, label, ours, theirs); a command the classic crash
    did not answer is reported skipped, one we did not answer failed."""
    want = oracle_answers(vmlinux, dump, cmds, cache)
    got = run([CRASH], vmlinux, dump, cmds)
    for i, (name, _, how) in enumerate(cmds):
        label = "%s: %s" % (prefix, name)
        g, w = got.get(i), want.get(i)
        if w is None:
            print("skip %s: the classic crash gave no answer" % label)
            continue
        if g is None:
            report(False, label, "no output from us")
            continue
        yield i, name, how, label, g, w


def main():
    have_oracle = os.path.exists(os.path.join(ROOT, "oracles", "trixie",
                                              ".done"))
    if not have_oracle:
        print("skip commands: no oracle chroot (tests/vmcores/oracles.sh)")
        return
    for d in sys.argv[1:]:
        facts = json.load(open(os.path.join(d, "facts.json")))
        if not classic_reads(facts):
            skip_classic("commands " + facts["kernel_release"], facts)
            continue
        vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
        smap = os.path.normpath(os.path.join(d, facts["system_map"]))
        syms = system_map(smap)
        kver = facts["kernel_release"]
        for fname in ("kdump-d31-lzo.kdump", "qemu-kaslr-vmci.elf"):
            dump = os.path.join(d, fname)
            kaslr = int(facts["dumps"][fname]["kaslr_offset"], 16)
            cmds = commands(syms, kaslr)
            # v2: the splitter copes with output that lacks its last newline
            key = hashlib.sha256((repr(cmds) + "v2").encode()).hexdigest()[:12]
            cache = os.path.join(d, "oracle-cache",
                                 "%s.cmds-%s.json" % (fname, key))
            for i, name, how, label, g, w in answer_pairs(
                    "cmd %s %s" % (kver, fname), vmlinux, dump, cmds, cache):
                # where the classic crash gives an error, we must give a
                # one-line error of our own (the wording is ours)
                if len(w) == 1 and "error" in w[0] and w[0].startswith(
                        name.split()[0] + ":"):
                    report(len(g) == 1 and g[0].startswith(
                        name.split()[0] + ":"), label + " (an error)",
                        "got %r, want an error like %r" % (g[:4], w[0]))
                    continue
                # the classic crash shows a name.part.N clone as "name"
                g = [re.sub(r"\.part\.\d+", "", l.rstrip()) for l in g]
                w = [l.rstrip() for l in w]
                report(g == w, label, "got %r, want %r" % (g[:4], w[:4]))


if __name__ == "__main__":
    main()
