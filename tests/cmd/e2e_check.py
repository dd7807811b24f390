#!/usr/bin/env python3
"""e2e_check.py DUMPDIR...: the capture side end to end under QEMU
(tests/vmcores/make-e2e.sh; cached by its inputs, about 50 s to make under
TCG).  For the x86_64 dump sets of the suites in E2E_SUITES (default
"bookworm") it makes the e2e set of the same kernel, in which the guest ran
the project's own programs: crash-kexec -p loaded the capture kernel,
sysrq-c crashed the first kernel, and crash-dump -l -d 31 wrote
kdump-ours-d31-lzo.kdump from /proc/vmcore in the capture kernel (next to
makedumpfile -l -d 31's kdump-d31-lzo.kdump of the same vmcore).  Checked:

  - crash-kexec on the real kernel: each action's exit code and message, in
    the first kernel (its results are in the crashed kernel's log, read
    from the dump by makedumpfile --dump-dmesg) and in the capture kernel
    (no crashkernel= memory, -l, lockdown), and -e, after which the new
    kernel prints the command line it was given; --reuse-cmdline's
    command line as the capture kernel saw it
  - the dump: the same pages as makedumpfile's of the same vmcore
    (tests/tools/dump-pages); the classic crash (oracle) reads it with the
    answers it gives on makedumpfile's; our crash answers sys, ps, bt and
    log as the classic crash does on it
  - the same kind of crash as the default set's makedumpfile dump, by the
    classic crash's answers there: the same release, CPUs, panic message,
    workload tasks and kernel threads (kworkers aside), the same functions
    in the panic task's backtrace, the panic line in the log

Prints one line per check: "ok NAME", "FAIL NAME: why" or "skip NAME: why".
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dumpinfo_check import CRASH, ROOT, TOP, report  # noqa: E402
from cmds_check import ORACLE, oracle_answers, run as run_cmds  # noqa: E402

MAKE_E2E = os.path.join(TOP, "tests", "vmcores", "make-e2e.sh")
BUILD = os.environ.get("BUILD", "build")
if not os.path.isabs(BUILD):
    BUILD = os.path.join(TOP, BUILD)
DUMP_PAGES = os.path.join(BUILD, "tests", "tools", "dump-pages")
if not os.path.exists(DUMP_PAGES):
    DUMP_PAGES = os.path.join(TOP, "build", "tests", "tools", "dump-pages")
# The commands compared; capture_check.py asks the classic crash the same
# of the default set's makedumpfile dump and caches it under this name.
CMDS = [("sys", "sys", None), ("log", "log", None),
        ("ps", "ps", None), ("bt", "bt", None)]
DEFAULT_CACHE = "kdump-d31-lzo.kdump.capture-v1.json"

# What crash-kexec must answer on the real kernel: name -> (exit code,
# text its output must hold).  load.sh / capture.sh run them in the guest.
FIRST_KERNEL = [
    ("status-empty", 0, "crash kernel (-p):    not loaded"),
    ("exec-nothing", 1, "no kernel is loaded for a kexec reboot"),
    ("not-a-kernel", 253, "it is an ELF file"),
    ("no-such-kernel", 255, "cannot open kernel /nonexistent"),
    ("load-l", 0, None),
    ("status-l", 1, "kexec kernel (-l):    loaded"),
    ("unload-l", 0, None),
    ("status-unloaded-l", 0, "kexec kernel (-l):    not loaded"),
    ("load-p", 0, None),
    ("status-p", 1, "crash kernel (-p):    loaded"),
    ("unload-p", 0, None),
    ("status-unloaded-p", 0, "crash kernel (-p):    not loaded"),
    ("load-p-again", 0, "crash kernel loaded"),
    ("status-final", 1, "crash kernel (-p):    loaded"),
]
CAPTURE_KERNEL = [
    ("capture-status", 0, "crash kernel memory:  none reserved"),
    ("capture-no-crash-memory", 1, "no memory is reserved for a crash "
     "kernel (/sys/kernel/kexec_crash_size is 0)"),
    ("capture-load-l", 0, None),
    ("capture-status-l", 1, "kexec kernel (-l):    loaded"),
    ("lockdown-status", 1, "lockdown:             integrity"),
    ("lockdown-unsigned", 255, "the kernel is locked down "
     "(lockdown=integrity)"),
]


def read(path):
    try:
        return open(path, "rb").read().decode(errors="replace")
    except OSError:
        return ""


def e2e_results(text):
    """name -> (rc, output lines) from "FIXTURE: e2e NAME ..." lines."""
    res = {}
    for line in text.splitlines():
        m = re.search(r"FIXTURE: e2e (\S+) \| (.*)", line)
        if m:
            res.setdefault(m.group(1), [None, []])[1].append(m.group(2))
            continue
        m = re.search(r"FIXTURE: e2e (\S+) rc=(\d+) want=\d+", line)
        if m:
            res.setdefault(m.group(1), [None, []])[0] = int(m.group(2))
    return res


def check_kexec(tag, where, text, table):
    res = e2e_results(text)
    for name, rc, needle in table:
        label = "%s crash-kexec %s: %s" % (tag, where, name)
        if name not in res or res[name][0] is None:
            report(False, label, "no result in the guest's log")
            continue
        got_rc, lines = res[name]
        out = " | ".join(lines)
        if got_rc != rc:
            report(False, label, "exit %d, want %d: %s" % (got_rc, rc,
                                                        out[:300]))
        elif needle and needle not in out:
            report(False, label, "output lacks %r: %s" % (needle, out[:300]))
        else:
            report(True, label + " (exit %d)" % rc)


def sys_fields(lines):
    f = {}
    for l in lines:
        m = re.match(r"\s*([A-Z][A-Z ]*[A-Z]): (.*)", l)
        if m:
            f[m.group(1)] = m.group(2).strip()
    return f


def ps_rows(lines):
    rows = []
    for l in lines:
        m = re.match(r"([> ])\s*(\d+)\s+(\d+)\s+(\d+)\s+([0-9a-f]+)\s+(\S+)"
                     r"\s+\S+\s+\d+\s+\d+\s+(.*)$", l)
        if m:
            rows.append({"active": m.group(1) == ">", "pid": int(m.group(2)),
                         "st": m.group(6), "comm": m.group(7).strip()})
    return rows


def bt_funcs(lines):
    return [m.group(1) for m in
            (re.match(r"\s*#\d+ \[[0-9a-f]+\] (\S+) at ", l) for l in lines)
            if m]


def panic_lines(lines):
    return [re.sub(r"^\[\s*[\d.]+\] ", "", l) for l in lines
            if "Kernel panic - not syncing" in l]


def strip_dumpfile(lines):
    return [l for l in lines if not l.lstrip().startswith("DUMPFILE:")]


def same_kind(tag, got, want):
    """Ours on the e2e dump against the classic crash on the default set's
    makedumpfile dump: another boot, the same kind of crash."""
    gs, ws = sys_fields(got[0]), sys_fields(want[0])
    for key in ("RELEASE", "VERSION", "CPUS", "PANIC"):
        report(gs.get(key) == ws.get(key) and key in ws,
               "%s same kind of crash: sys %s" % (tag, key),
               "%r, default set %r" % (gs.get(key), ws.get(key)))
    report(gs.get("MACHINE", "").split()[:1] ==
           ws.get("MACHINE", "").split()[:1],
           "%s same kind of crash: sys MACHINE" % tag,
           "%r, default set %r" % (gs.get("MACHINE"), ws.get("MACHINE")))
    gp, wp = ps_rows(got[2]), ps_rows(want[2])

    def comms(rows, user):
        return sorted({r["comm"] for r in rows
                       if r["comm"].startswith("[") != user
                       and not r["comm"].startswith("[kworker/")})
    for user, what in ((True, "user tasks"), (False, "kernel threads")):
        g, w = comms(gp, user), comms(wp, user)
        report(g == w and bool(w), "%s same kind of crash: ps %s (%d names)"
               % (tag, what, len(w)), "only ours %s, only the default "
               "set's %s" % (sorted(set(g) - set(w)), sorted(set(w) - set(g))))

    def active(rows):
        return sorted((r["comm"], r["st"]) for r in rows
                      if r["active"] and not r["comm"].startswith("[swapper"))
    report(active(gp) == active(wp) and bool(active(wp)),
           "%s same kind of crash: ps active tasks %s" % (tag, active(wp)),
           "ours %s" % active(gp))
    gb, wb = bt_funcs(got[3]), bt_funcs(want[3])
    report(gb == wb and len(wb) > 3,
           "%s same kind of crash: bt of the panic task (%d frames)" %
           (tag, len(wb)), "ours %s, default set %s" % (gb, wb))
    report(bool(got[3]) and bool(want[3]) and
           got[3][0].split("TASK:")[0].split()[1:2] ==
           want[3][0].split("TASK:")[0].split()[1:2] and
           got[3][0].split("COMMAND:")[-1] == want[3][0].split("COMMAND:")[-1],
           "%s same kind of crash: bt names the same pid and command" % tag,
           "ours %r, default set %r" % (got[3][:1], want[3][:1]))
    gl, wl = panic_lines(got[1]), panic_lines(want[1])
    report(gl == wl and bool(wl),
           "%s same kind of crash: log's panic line" % tag,
           "ours %s, default set %s" % (gl, wl))


def listing(path):
    p = subprocess.run([DUMP_PAGES, path], capture_output=True, text=True,
                       timeout=600)
    if p.returncode != 0:
        raise RuntimeError("dump-pages %s: %s" % (path, p.stderr[-300:]))
    return dict(l.split() for l in p.stdout.splitlines())


def answers(tool, vmlinux, dump):
    got = run_cmds(tool, vmlinux, dump, CMDS)
    return [got.get(i) or [] for i in range(len(CMDS))]


def check_set(d):
    facts = json.load(open(os.path.join(d, "facts.json")))
    kdir = os.path.dirname(os.path.dirname(d))
    suite_dir = os.path.dirname(kdir)
    kver = facts["kernel_release"]
    tag = "e2e %s" % kver
    t0 = time.time()
    env = dict(os.environ, CACHE=suite_dir,
               SUITE=os.path.basename(suite_dir))
    env.pop("BUILD", None)
    p = subprocess.run([MAKE_E2E, "x86_64", kver], capture_output=True,
                       text=True, env=env, timeout=1800)
    secs = time.time() - t0
    if p.returncode != 0:
        report(False, "%s: make-e2e.sh" % tag, "exit %d: %s" %
               (p.returncode, p.stderr.strip()[-600:].replace("\n", " | ")))
        return
    e2e = p.stdout.strip().splitlines()[-1]
    report(True, "%s: make-e2e.sh (%.0f s)" % (tag, secs))
    logs = os.path.join(e2e, "logs", "kdump")
    ours = os.path.join(e2e, "kdump-ours-d31-lzo.kdump")
    mdf = os.path.join(e2e, "kdump-d31-lzo.kdump")
    vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))

    # crash-kexec on the real kernel
    check_kexec(tag, "first kernel",
                read(os.path.join(logs, "crashed-kernel-dmesg.txt")),
                FIRST_KERNEL)
    check_kexec(tag, "capture kernel",
                read(os.path.join(logs, "e2e-capture.txt")), CAPTURE_KERNEL)
    cmdline = read(os.path.join(logs, "capture-cmdline.txt")).strip()
    first = re.search(r"FIXTURE: cmdline=(.*)",
                      read(os.path.join(logs, "console.log")))
    first = first.group(1).strip().split() if first else []
    reused = [w for w in first if not w.startswith("crashkernel=")]
    # the kernel puts elfcorehdr= in front
    words = [w for w in cmdline.split() if not w.startswith("elfcorehdr=")]
    report(bool(first) and words[:len(reused)] == reused and
           not any(w.startswith("crashkernel=") for w in words) and
           "fixture_mode=capture" in words,
           "%s crash-kexec -p --reuse-cmdline: the capture kernel's command "
           "line is the first kernel's less crashkernel=, then --append's"
           % tag, "first kernel %r, capture kernel %r" % (first, cmdline))
    console = read(os.path.join(logs, "console.log"))
    after = console.split("after_capture follows", 1)
    booted = len(after) == 2 and "Starting new kernel" in after[1] and \
        re.search(r"Command line:[^\n]*e2e_kexec=1", after[1]) is not None
    report(booted, "%s crash-kexec -e: the kernel loaded with -l boots with "
           "its --append command line" % tag,
           "no 'Starting new kernel' and 'Command line: ... e2e_kexec=1' "
           "after crash-kexec -e on the console")

    # the dump
    steps = read(os.path.join(logs, "capture-steps.txt"))
    report(re.search(r"^ours-lzo rc=0 ", steps, re.M) is not None,
           "%s crash-dump -l -d 31 /proc/vmcore in the capture kernel" % tag,
           steps.strip().replace("\n", " | "))
    t = {}
    for m in re.finditer(r"^(\S+) rc=\d+ start=([\d.]+) end=([\d.]+)", steps,
                         re.M):
        t.setdefault(m.group(1), []).append(float(m.group(3)) -
                                            float(m.group(2)))
    if "ours-lzo" in t and "mdf-lzo" in t:
        # the first runs, then (scenarios/e2e/capture.sh) three more of
        # each in turn, quiet: the median of all four
        ours_t = sorted(t["ours-lzo"] + t.get("time-ours", []))
        mdf_t = sorted(t["mdf-lzo"] + t.get("time-mdf", []))

        def median(x):
            return (x[(len(x) - 1) // 2] + x[len(x) // 2]) / 2
        print("# %s in the guest (1 CPU, TCG), -l -d 31: crash-dump %s s "
              "(median %.2f), makedumpfile %s s (median %.2f); files %s" % (
                  tag, " ".join("%.2f" % x for x in ours_t),
                  median(ours_t),
                  " ".join("%.2f" % x for x in mdf_t),
                  median(mdf_t),
                  "byte-identical" if open(ours, "rb").read() ==
                  open(mdf, "rb").read() else "differ"))
    try:
        got, want = listing(ours), listing(mdf)
        bad = sorted(k for k in set(got) | set(want)
                     if got.get(k) != want.get(k))
        report(not bad and len(want) > 1000,
               "%s our dump has makedumpfile's pages of the same vmcore "
               "(%d)" % (tag, len(want)), "%d pfns differ (%s)" %
               (len(bad), ",".join(bad[:4])))
    except (RuntimeError, OSError) as e:
        report(False, "%s pages" % tag, str(e))

    have_oracle = os.path.exists(os.path.join(ROOT, "oracles", "trixie",
                                              ".done"))
    if not have_oracle:
        print("skip %s classic crash: no oracle chroot" % tag)
        return
    key = hashlib.sha256(repr(CMDS).encode()).hexdigest()[:12]
    cache = os.path.join(e2e, "oracle-cache")
    o_ours = oracle_answers(vmlinux, ours, CMDS, os.path.join(
        cache, "kdump-ours-d31-lzo.kdump.e2e-%s.json" % key))
    o_mdf = oracle_answers(vmlinux, mdf, CMDS, os.path.join(
        cache, "kdump-d31-lzo.kdump.e2e-%s.json" % key))
    mine = answers([CRASH], vmlinux, ours)
    for i, (name, _, _) in enumerate(CMDS):
        w = strip_dumpfile(o_mdf.get(i) or [])
        g = strip_dumpfile(o_ours.get(i) or [])
        report(g == w and len(w) > 3, "%s classic crash reads our dump as "
               "makedumpfile's: %s" % (tag, name),
               "first difference: %r vs %r" % (
                   next((a for a, b in zip(g, w) if a != b), g[:1]),
                   next((b for a, b in zip(g, w) if a != b), w[:1])))
        w = o_ours.get(i) or []
        g = mine[i]
        report(g == w and len(w) > 3, "%s our crash on our dump answers as "
               "the classic crash: %s" % (tag, name),
               "first difference: %r vs %r" % (
                   next((a for a, b in zip(g, w) if a != b), g[:1]),
                   next((b for a, b in zip(g, w) if a != b), w[:1])))
    default = os.path.join(d, "kdump-d31-lzo.kdump")
    o_def = oracle_answers(vmlinux, default, CMDS, os.path.join(
        d, "oracle-cache", DEFAULT_CACHE))
    same_kind(tag, mine, [o_def.get(i) or [] for i in range(len(CMDS))])


def main():
    suites = os.environ.get("E2E_SUITES", "bookworm").split()
    if os.geteuid() != 0:
        print("skip e2e: make-dumps.sh needs root")
        return
    for d in sys.argv[1:]:
        d = os.path.abspath(d)
        try:
            facts = json.load(open(os.path.join(d, "facts.json")))
        except OSError:
            continue
        suite = os.path.basename(os.path.dirname(os.path.dirname(
            os.path.dirname(d))))
        if facts.get("arch") != "x86_64" or suite not in suites or \
                facts.get("scenario") != "default":
            continue
        check_set(d)


if __name__ == "__main__":
    main()
