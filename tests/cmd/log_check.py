#!/usr/bin/env python3
"""log_check.py DUMPDIR...: the kernel log against the classic crash 8.0.6
(its answers cached next to the dumps):
 - `crash --log DUMPFILE` (read through VMCOREINFO, no vmlinux) against its
   `log`, the fixture's marker line, and a clear error where the dump has
   no VMCOREINFO;
 - the `log` command's options and some of their combinations in a
   session, line for line, on several dump formats;
 - a copy of a dump with its ring buffer damaged (log_damage.py);
 - `log -a` on a copy with audit records put in its queues (log_audit.py).

Prints "ok NAME", "FAIL NAME: why" or "skip NAME: why" lines.
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
from cmds_check import SEP, oracle_answers, split  # noqa: E402
import log_audit  # noqa: E402
import log_damage  # noqa: E402

# Every option of the classic crash's `help log` that these kernels have
# something for, alone and combined.  (-s: the per-CPU safe buffers went
# with Linux 5.15, and both tools print nothing.)
OPTIONS = ["log", "log -t", "log -m", "log -T", "log -d", "log -c",
           "log -a", "log -s", "log -tm", "log -Tm", "log -c -m",
           "log -t -c", "log -T -c", "log -tc -m", "log -td", "log -Tt",
           "log -mcd", "log -Tcdm"]
SESSION_DUMPS = ["kdump-d31-lzo.kdump", "kdump-vmcore.elf",
                 "qemu-kaslr-vmci.elf", "qemu-kaslr-novmci.elf",
                 "kdump-d31-zlib-split.1"]


def ours(paths):
    return subprocess.run([CRASH, "--log"] + paths, capture_output=True,
                          text=True, errors="replace", timeout=120)


def oracle_log(vmlinux, paths, cache_dir):
    os.makedirs(cache_dir, exist_ok=True)
    out = os.path.join(cache_dir, os.path.basename(paths[0]) + ".log.txt")
    if os.path.exists(out) and os.path.getsize(out) > 0:
        return open(out, errors="replace").read()
    cmds = os.path.join(cache_dir, "log.cmds")
    with open(cmds, "w") as f:
        f.write("log\n")
    env = dict(os.environ, CACHE=os.path.join(ROOT, "oracles"))
    p = subprocess.run([ORACLE, "-s", "-i", cmds, vmlinux] + paths,
                       capture_output=True, text=True, errors="replace",
                       env=env, stdin=subprocess.DEVNULL, timeout=600)
    if "Linux version" not in p.stdout:
        raise RuntimeError("oracle crash printed no log (rc %d): %s" %
                           (p.returncode, (p.stderr or p.stdout)[-300:]))
    with open(out + ".tmp", "w") as f:
        f.write(p.stdout)
    os.rename(out + ".tmp", out)
    return p.stdout


def run_session(tool, vmlinux, paths, cmds, env=None):
    """The outputs of cmds (a list of command lines), by index, stdout and
    stderr together."""
    script = "".join("%s\n%s\n" % (SEP % i, c) for i, c in
                     enumerate(cmds)) + SEP % len(cmds) + "\n"
    path = "/tmp/crash-log-cmds-%d.txt" % os.getpid()
    with open(path, "w") as f:
        f.write(script)
    p = subprocess.run(tool + ["-s", "-i", path, vmlinux] + paths,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, errors="replace",
                       stdin=subprocess.DEVNULL, env=env, timeout=900)
    os.unlink(path)
    return split(p.stdout, len(cmds))


def first_difference(got, want):
    i = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b),
             min(len(got), len(want)))
    return ("%d vs %d lines; first difference at line %d: %r vs %r"
            % (len(got), len(want), i + 1, got[i] if i < len(got) else None,
               want[i] if i < len(want) else None))


def check_help(label, got, want):
    """Our help text is our own; its synopsis and option list must be the
    classic crash's."""
    syn = [l.strip() for l in want if l.strip().startswith("log [")]
    ours = [l.strip() for l in got if l.strip().startswith("log [")]
    report(syn and ours == syn[:1], label + ": synopsis",
           "%r vs %r" % (ours, syn))
    opts = set(re.findall(r"^    (-[a-zA-Z])  ", "\n".join(want), re.M))
    mine = set(re.findall(r"^    (-[a-zA-Z])  ", "\n".join(got), re.M))
    report(opts and opts == mine, label + ": the same options described",
           "ours %s, the classic crash's %s" % (sorted(mine), sorted(opts)))


def check_session(d, facts, vmlinux, kver):
    cmds = ["help log"] + OPTIONS
    for fname in SESSION_DUMPS:
        if fname not in facts["dumps"]:
            continue
        paths = [os.path.join(d, fname)]
        if facts["dumps"][fname].get("split"):
            paths = sorted(os.path.join(d, n) for n in facts["dumps"]
                           if facts["dumps"][n].get("split"))
        key = hashlib.sha256(repr(cmds).encode()).hexdigest()[:12]
        cache = os.path.join(d, "oracle-cache",
                             "%s.log-options-%s.json" % (fname, key))
        try:
            want = oracle_answers(vmlinux, paths, cmds, cache,
                                  runner=lambda tool, v, p, c, env:
                                  run_session(tool, v, p, c, env))
        except Exception as e:
            report(False, "log options %s %s oracle" % (kver, fname), str(e))
            continue
        got = run_session([CRASH], vmlinux, paths, cmds,
                          dict(os.environ, TZ="UTC"))
        for i, c in enumerate(cmds):
            label = "log options %s %s: %s" % (kver, fname, c)
            g, w = got.get(i), want.get(i)
            if w is None or g is None:
                report(False, label, "no answer from %s" %
                       ("the classic crash" if w is None else "us"))
                continue
            if c == "help log":
                check_help(label, g, w)
                continue
            if len(w) < 2 and c != "log -s" and "log -a" not in c:
                report(False, label, "the classic crash printed no log: %r"
                       % w)
                continue
            if g == w:
                report(True, "%s: same %d lines" % (label, len(g)))
            else:
                report(False, label + ": same lines",
                       first_difference(g, w))
        # not for the classic crash: its usage text goes to stderr and
        # interleaves with the buffered answers before it
        p = subprocess.run([CRASH, "-s", vmlinux] + paths,
                           input="log -x\nlog -t extra\n",
                           capture_output=True, text=True, timeout=120)
        errs = p.stderr.splitlines()
        report(len(errs) == 2 and all(e.startswith("log: ") and
                                      "usage: log [-Ttdmasc]" in e
                                      for e in errs) and not p.stdout,
               "log options %s %s: bad options are one-line errors"
               % (kver, fname), repr(p.stderr[:300]))


def main():
    use_oracle = os.path.exists(os.path.join(ROOT, "oracles", "trixie",
                                             ".done"))
    for d in sys.argv[1:]:
        facts = json.load(open(os.path.join(d, "facts.json")))
        vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
        kver = facts["kernel_release"]
        seen_split = False
        for fname, f in sorted(facts["dumps"].items()):
            paths = [os.path.join(d, fname)]
            if f.get("split"):
                if seen_split:
                    continue
                seen_split = True
                paths = sorted(os.path.join(d, n) for n in facts["dumps"]
                               if facts["dumps"][n].get("split"))
            name = "log %s %s" % (kver, fname)
            p = ours(paths)
            if f.get("has_vmcoreinfo") is False:
                report(p.returncode == 1 and "VMCOREINFO" in p.stderr
                       and p.stderr.count("\n") == 1,
                       name + ": no VMCOREINFO is a one-line error",
                       "rc %d: %s" % (p.returncode, p.stderr[:300]))
                continue
            if p.returncode != 0:
                report(False, name, "rc %d: %s" % (p.returncode,
                                                   p.stderr[:300]))
                continue
            lines = p.stdout.splitlines()
            report(any(facts["marker"] in l for l in lines),
                   name + ": marker line", "%d lines" % len(lines))
            # the banner is the first line on x86_64; arm64 says which CPU
            # it boots on first
            report(any(l.startswith("[    0.000000] Linux version " + kver)
                       for l in lines[:3]),
                   name + ": starts with the banner",
                   lines[:3] if lines else "empty")
            if not use_oracle:
                print("skip %s oracle: no oracle chroot" % name)
                continue
            if not classic_reads(facts):
                skip_classic(name + " oracle", facts)
                continue
            try:
                want = oracle_log(vmlinux, paths,
                                  os.path.join(d, "oracle-cache"))
            except Exception as e:
                report(False, name + " oracle", str(e))
                continue
            want = want.splitlines()
            if lines == want:
                report(True, name + " oracle: same %d lines" % len(lines))
            else:
                diff = next((i for i, (a, b) in enumerate(zip(lines, want))
                             if a != b), min(len(lines), len(want)))
                report(False, name + " oracle: same lines",
                       "%d vs %d lines; first difference at line %d: %r vs %r"
                       % (len(lines), len(want), diff + 1,
                          lines[diff] if diff < len(lines) else None,
                          want[diff] if diff < len(want) else None))
        if not use_oracle:
            print("skip log options %s: no oracle chroot" % kver)
            continue
        if not classic_reads(facts):
            skip_classic("log options %s" % kver, facts)
            continue
        check_session(d, facts, vmlinux, kver)
        log_damage.check(d, facts, vmlinux, kver)
        log_audit.check(d, facts, vmlinux, kver)


if __name__ == "__main__":
    main()
