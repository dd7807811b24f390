#!/usr/bin/env python3
"""session_vars_check.py DUMPDIR...: the session's own commands in batch
mode against the classic crash 8.0.6 on the same dump (its answers cached
next to the dumps): alias (the built-in list, defining, deleting, errors),
set's crash variables (scroll, radix, silent, set -v), radix 16 in p,
struct, * and task, the * short-cut and the aliases that stand for
commands.  Then what the oracle cannot be asked: .crashrc files (from
$HOME, then the current directory, before -i; untrusted ones refused),
--no_crashrc, repeat stopped by a closed pipe, a closed pipe stopping one
command or, for crash's own stdout, the session.

Prints "ok NAME" / "FAIL NAME: why" / "skip NAME: why" lines.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dumpinfo_check import CRASH, ROOT, report, classic_reads, skip_classic  # noqa: E402
from cmds_check import oracle_answers, run  # noqa: E402

DUMP = "kdump-d31-lzo.kdump"

# (name, command, how): "exact", or "vars" (set -v: the lines of the
# variables this crash has, which it shows in the classic's layout)
CMDS = [
    ("alias (built-in)", "alias", "exact"),
    ("alias one", "alias man", "exact"),
    ("alias missing", "alias nosuchalias", "exact"),
    ("alias define", "alias kp ps -k", "exact"),
    ("alias redefine", "alias kp ps -u", "exact"),
    ("alias quoted", 'alias q2 "eval 0x10 + 2"', "exact"),
    ("alias list after", "alias", "exact"),
    ("alias used", "q2", "exact"),
    ("alias of a command name", "alias ps x", "exact"),
    ("alias of no command", "alias zz nosuchcmd", "exact"),
    ("alias delete", 'alias kp ""', "exact"),
    ("alias delete again", 'alias kp ""', "exact"),
    ("set -v", "set -v", "vars"),
    ("set scroll", "set scroll", "exact"),
    ("set scroll on (batch)", "set scroll on", "exact"),
    ("set radix", "set radix", "exact"),
    ("set radix bad", "set radix 12", "exact"),
    ("set silent", "set silent", "exact"),
    ("* members", "*task_struct.pid,prio init_task", "exact"),
    ("* spaced", "* list_head init_task", "exact"),
    ("* union", "*rcu_special init_task", "exact"),
    ("* no type", "*nosuchtype", "exact"),
    ("* alone", "*", "exact"),
    ("size alias", "size list_head", "exact"),
    ("hex alias", "hex", "exact"),
    ("radix 16: p", "p init_task.prio", "exact"),
    ("radix 16: p member struct", "p init_task.se.load", "exact"),
    ("radix 16: p pointer", "p init_task.mm", "exact"),
    ("radix 16: struct member", "struct task_struct.se.load init_task",
     "exact"),
    ("radix 16: struct", "struct list_head init_task", "exact"),
    ("radix 16: union", "union rcu_special init_task", "exact"),
    ("radix 16: * chars", "*task_struct.comm,prio,static_prio init_task",
     "exact"),
    ("radix 16: task -R", "task -R prio,pid", "exact"),
    ("radix 16: set -v", "set -v", "vars"),
    ("dec alias", "dec", "exact"),
    ("radix 10: p", "p init_task.prio", "exact"),
    ("set radix hex", "set radix hex", "exact"),
    ("set radix dec", "set radix decimal", "exact"),
    ("px alias", "px init_task.prio", "exact"),
    # (no pipes here: in the classic crash's -i mode their output lands
    # among later commands' output; session_io_check.sh tests ours)
    ("dmesg alias", "dmesg", "exact"),
    ("lsmod alias", "lsmod", "exact"),
    ("pd alias", "pd init_task.prio", "exact"),
]

VARS = ("scroll", "radix", "silent", "namelist", "dumpfile",
        "zero_excluded")


def variables(lines):
    """The lines of set -v naming VARS."""
    return [l for l in lines if l.split(":")[0].strip() in VARS]


def crash(args, stdin="", env=None, cwd=None, timeout=120):
    p = subprocess.run([CRASH] + args, input=stdin, capture_output=True,
                       text=True, errors="replace", env=env, cwd=cwd,
                       timeout=timeout)
    return p


def sanitizer(p):
    return any(m in p.stderr for m in ("AddressSanitizer", "LeakSanitizer",
                                       "runtime error:"))


def oracle_checks(d, vmlinux, kver):
    dump = os.path.join(d, DUMP)
    key = hashlib.sha256(repr(CMDS).encode()).hexdigest()[:12]
    cache = os.path.join(d, "oracle-cache", "%s.session-vars-%s.json"
                         % (DUMP, key))
    want = oracle_answers(vmlinux, dump, CMDS, cache)
    got = run([CRASH], vmlinux, dump, CMDS)
    for i, (name, cmd, how) in enumerate(CMDS):
        label = "session %s: %s" % (kver, name)
        g, w = got.get(i), want.get(i)
        if how.startswith("has "):
            report(any(how[4:] in l for l in g or []), label,
                   "%r: got %r" % (cmd, g))
            continue
        if w is None:
            report(False, label, "no answer from the classic crash")
            continue
        if how == "vars":
            g, w = variables(g or []), variables(w)
            if len(w) != len(VARS):
                report(False, label, "the oracle's set -v lacks some of "
                       "%s: %r" % (VARS, w))
                continue
        report(g == w, label, ("%r: got %r, want %r" % (cmd, g, w))[:800])


def crashrc_checks(d, vmlinux, kver):
    dump = os.path.join(d, DUMP)
    t = tempfile.mkdtemp(prefix="crash-rc.")
    try:
        home, cwd = os.path.join(t, "home"), os.path.join(t, "work")
        os.makedirs(home)
        os.makedirs(cwd)
        with open(os.path.join(home, ".crashrc"), "w") as f:
            f.write("# a comment\nalias jj sym jiffies\nset radix 16\n"
                    "eval 0x111\nalias both eval 1\n")
        with open(os.path.join(cwd, ".crashrc"), "w") as f:
            f.write("alias kk sym linux_banner\neval 0x222\n"
                    "alias both eval 2\n")
        script = os.path.join(t, "script")
        with open(script, "w") as f:
            f.write("eval 0x333\nalias\nset radix\njj\nkk\nboth\n")
        env = dict(os.environ, HOME=home)
        p = crash(["-s", "-i", script, vmlinux, dump], env=env, cwd=cwd)
        out = p.stdout
        label = "crashrc %s: " % kver
        o1, o2, o3 = (out.find("hexadecimal: %x " % v)
                      for v in (0x111, 0x222, 0x333))
        report(0 <= o1 < o2 < o3, label + "home, then local, then -i",
               "positions %d %d %d in %r" % (o1, o2, o3, out[:600]))
        report("$HOME/.crashrc  jj       sym jiffies " in out and
               ".crashrc        kk       sym linux_banner " in out,
               label + "alias ORIGIN column", out[:1500])
        report(".crashrc        both     eval 2 " in out and
               "eval 1 " not in out,
               label + "local .crashrc overrides $HOME's", out[:1500])
        report("output radix: 16 (hex)" in out, label + "set in .crashrc",
               out[:1500])
        report("(D) jiffies" in out and "linux_banner" in out,
               label + "its aliases run", out[-600:])
        report(not sanitizer(p), label + "no sanitizer report",
               p.stderr[:600])
        # --no_crashrc: none of it
        p = crash(["-s", "--no_crashrc", "-i", script, vmlinux, dump],
                  env=env, cwd=cwd)
        report("hexadecimal: 111" not in p.stdout and
               "command not found: jj" in p.stderr,
               label + "--no_crashrc", p.stdout[:300] + p.stderr[:300])
        # a file others may write is not run
        os.chmod(os.path.join(home, ".crashrc"), 0o666)
        p = crash(["-s", "-i", script, vmlinux, dump], env=env, cwd=cwd)
        report("not using untrusted file" in p.stderr and
               "hexadecimal: 111" not in p.stdout and
               "hexadecimal: 222" in p.stdout,
               label + "untrusted $HOME/.crashrc refused",
               p.stderr[:300])
        # set silent on in .crashrc: no banner
        os.chmod(os.path.join(home, ".crashrc"), 0o644)
        with open(os.path.join(home, ".crashrc"), "w") as f:
            f.write("set silent on\n")
        p = crash([vmlinux, dump], stdin="eval 5\n", env=env, cwd=t)
        report("KERNEL:" not in p.stdout and "decimal: 5" in p.stdout,
               label + "set silent on keeps the banner away",
               p.stdout[:400])
        p = crash([vmlinux, dump], stdin="eval 5\n",
                  env=dict(os.environ, HOME=os.path.join(t, "none")),
                  cwd=t)
        report("KERNEL:" in p.stdout, label + "the banner without it",
               p.stdout[:400])
    finally:
        shutil.rmtree(t)


def pipe_checks(d, vmlinux, kver):
    dump = os.path.join(d, DUMP)
    label = "pipes %s: " % kver
    # a closed pipe stops that command only: repeat would run forever
    p = crash(["-s", vmlinux, dump],
              stdin="repeat sym jiffies | head -3\nsym linux_banner\n",
              timeout=60)
    lines = p.stdout.splitlines()
    report(lines[:3] == [lines[0]] * 3 and "(D) jiffies" in lines[0] and
           "linux_banner" in p.stdout and not sanitizer(p),
           label + "repeat ended by | head, session goes on",
           p.stdout[:300] + p.stderr[:300])
    p = crash(["-s", vmlinux, dump],
              stdin="log | head -1\nsym linux_banner\n", timeout=60)
    report(len(p.stdout.splitlines()) == 2 and
           "linux_banner" in p.stdout.splitlines()[1] and not sanitizer(p),
           label + "log | head -1, then the next command",
           p.stdout[:300] + p.stderr[:300])
    # crash's own stdout closed: the session ends (a shell pipeline)
    sh = subprocess.run(["sh", "-c", 'yes "sym jiffies" | "$0" -s "$1" "$2"'
                         ' | head -2; echo rc=$?',
                         CRASH, vmlinux, dump], capture_output=True,
                        text=True, timeout=60)
    report(sh.stdout.count("(D) jiffies") == 2 and "rc=0" in sh.stdout,
           label + "crash | head: ends when its reader goes",
           sh.stdout[:300] + sh.stderr[:300])


def main():
    have_oracle = os.path.exists(os.path.join(ROOT, "oracles", "trixie",
                                              ".done"))
    for d in sys.argv[1:]:
        facts = json.load(open(os.path.join(d, "facts.json")))
        vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
        kver = facts["kernel_release"]
        if not classic_reads(facts):
            skip_classic("session " + kver, facts)
        elif have_oracle:
            oracle_checks(d, vmlinux, kver)
        else:
            report_skip = "skip session %s: no oracle chroot" % kver
            print(report_skip)
        crashrc_checks(d, vmlinux, kver)
        pipe_checks(d, vmlinux, kver)


if __name__ == "__main__":
    main()
