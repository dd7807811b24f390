#!/usr/bin/env python3
"""repl_check.py DUMPDIR...: the interactive session on a real
pseudo-terminal (tests/cmd/pty_session.py): the prompt, tab completion of
a command, a symbol, a struct name and a struct member, history recalled
in a second session (and a home that cannot be written), Ctrl-C in a long
command and at the prompt, the pager (less, CRASHPAGER, set scroll off,
never for short output or -i scripts), the progress line of a long
command.

How long a completion takes is printed as a note, never judged.
Prints "ok NAME" / "FAIL NAME: why" / "skip NAME: why" lines.
"""
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dumpinfo_check import CRASH, report  # noqa: E402
from pty_session import PtySession  # noqa: E402

PROMPT = r"crash> "


class Checker:
    def __init__(self, vmlinux, dump, kver, tmp):
        self.vmlinux, self.dump, self.kver, self.tmp = (vmlinux, dump, kver,
                                                        tmp)

    def start(self, home, extra_env=None, args=(), cwd=None):
        env = dict(os.environ, HOME=home, TERM="xterm", LC_ALL="C.UTF-8")
        # the DWARF index cache stays where it was (not in this $HOME)
        env.setdefault("CRASH_CACHE_DIR", os.path.join(
            os.environ.get("HOME", "/tmp"), ".cache", "crash"))
        env.pop("CRASHPAGER", None)
        env.update(extra_env or {})
        return PtySession([CRASH, "-s"] + list(args) +
                          [self.vmlinux, self.dump], env,
                          cwd=cwd or self.tmp)

    def check(self, ok, name, p=None, why=""):
        tail = ""
        if not ok and p is not None:
            tail = " | screen: " + p.text()[-600:].replace("\n", "\\n")
        report(ok, "repl %s: %s" % (self.kver, name), why + tail)

    def sanitizer(self, p, name):
        t = p.text()
        bad = [m for m in ("AddressSanitizer", "LeakSanitizer",
                           "runtime error:") if m in t]
        self.check(not bad, name + ": no sanitizer report", p)


def session_one(c, home):
    p = c.start(home)
    c.check(p.expect(PROMPT, 120) is not None, "the prompt", p)
    p.send("set scroll off\n")
    p.expect(r"scroll: off")
    # a command name: "asc" is only ascii
    p.send("asc\t41424344\n")
    c.check(p.expect(r"crash> ascii 41424344\s*\n.*DCBA", 30) is not None,
            "completion of a command", p)
    p.expect(PROMPT)
    # a symbol
    t0 = time.time()
    p.send("sym jiffies_64_to_c\t")
    m = p.expect(r"sym jiffies_64_to_clock_t ", 30)
    sym_time = time.time() - t0
    p.send("\n")
    c.check(m is not None and
            p.expect(r"\(T\) jiffies_64_to_clock_t", 30) is not None,
            "completion of a symbol", p)
    p.expect(PROMPT)
    # a struct name, then a member after the dot
    t0 = time.time()
    p.send("struct task_stru\t")
    m = p.expect(r"struct task_struct", 60)
    type_time = time.time() - t0
    c.check(m is not None, "completion of a struct name", p)
    t0 = time.time()
    p.send(".pi\t\t")
    m = p.expect(r"task_struct\.pid\b", 30)
    member_time = time.time() - t0
    c.check(m is not None and "task_struct.pi_lock" in p.text(),
            "completion of struct members", p)
    p.send("\x15")          # Ctrl-U: the line goes
    p.send("struct task_struct.se.lo\t")
    c.check(p.expect(r"struct task_struct\.se\.load", 30) is not None,
            "completion of a nested member", p)
    p.send("\x15")
    t0 = time.time()
    p.send("struct list_he\t")
    m = p.expect(r"struct list_head", 30)
    type_time2 = time.time() - t0
    p.send("\x15")
    print("# note %s: completion took %.0f ms (first symbol), %.0f ms "
          "(first type, with the index), %.0f ms (member), %.0f ms (next "
          "type), screen included" % (c.kver, sym_time * 1000,
                                      type_time * 1000, member_time * 1000,
                                      type_time2 * 1000))
    p.send("eval 0x1234 + 1\n")
    c.check(p.expect(r"decimal: 4661", 30) is not None, "a command runs", p)
    p.expect(PROMPT)
    # Ctrl-C at the prompt: the line goes, the prompt comes back
    p.send("sym nosuchsymbol")
    p.drain(0.3)
    p.send("\x03")
    p.drain(0.3)
    p.send("eval 7\n")
    c.check(p.expect(r"decimal: 7", 30) is not None and
            "nosuchsymbol: symbol not found" not in p.text(),
            "Ctrl-C at the prompt drops the line", p)
    p.expect(PROMPT)
    # Ctrl-C in long commands: rd through all of memory, repeat, log in
    # a loop; each returns to a prompt that works
    m = None
    p.send("ptov 1000000\n")
    m = p.expect(r"\n(ffff[0-9a-f]+)\s+1000000", 30)
    p.expect(PROMPT)
    for name, cmd in (("rd", "rd -64 %s 100000000" % (m.group(1) if m
                                                       else "0")),
                      ("repeat", "repeat log"),
                      ("foreach", "repeat foreach bt")):
        p.send(cmd + "\n")
        p.drain(1.5)
        p.send("\x03")
        t0 = time.time()
        ok = p.expect(PROMPT, 30) is not None
        p.send("eval 0x%x\n" % (0x51 + len(name)))
        ok = ok and p.expect(r"decimal: %d" % (0x51 + len(name)), 30)
        c.check(bool(ok), "Ctrl-C stops %s (%.1f s), the prompt works"
                % (name, time.time() - t0), p)
        p.expect(PROMPT)
    # the last line before q: the next session recalls it
    p.send("eval 0x1234 + 1\n")
    p.expect(r"decimal: 4661", 30)
    p.expect(PROMPT)
    p.send("q\n")
    rc = p.close()
    c.check(rc == 0, "q leaves with status 0", p, "rc=%r" % rc)
    c.sanitizer(p, "session one")
    hist = os.path.join(home, ".crash_history")
    c.check(os.path.exists(hist) and "eval 0x1234 + 1" in open(hist).read(),
            "history saved to $HOME/.crash_history", p)


def session_two(c, home):
    p = c.start(home)
    p.expect(PROMPT, 120)
    # up arrow twice: q, then the eval of the last session
    p.send("\x1b[A\x1b[A")
    p.drain(0.3)
    p.send("\n")
    c.check(p.expect(r"decimal: 4661", 30) is not None,
            "history recalled in the next session", p)
    p.expect(PROMPT)
    p.send("\x04")          # Ctrl-D
    rc = p.close()
    c.check(rc == 0, "Ctrl-D leaves", p, "rc=%r" % rc)


def unwritable_home(c):
    # /proc: a home where nothing can be created (even by root)
    p = c.start("/proc")
    ok = p.expect(PROMPT, 120) is not None
    p.send("eval 0x99\n")
    ok = ok and p.expect(r"decimal: 153", 30) is not None
    p.send("q\n")
    rc = p.close()
    c.check(ok and rc == 0 and "history" not in p.text().lower(),
            "a home that cannot be written: quiet, works", p)


def pager(c, home):
    fake = os.path.join(c.tmp, "fakepager")
    with open(fake, "w") as f:
        f.write("#!/bin/sh\necho PAGER-START\ncat\necho PAGER-END\n")
    os.chmod(fake, 0o755)
    # less, the default: long output stops at its prompt
    p = c.start(home)
    p.expect(PROMPT, 120)
    p.send("set scroll\n")
    c.check(p.expect(r"scroll: on \(/usr/bin/less\)", 30) is not None,
            "scroll on with less by default on a terminal", p)
    p.expect(PROMPT)
    p.send("log\n")
    c.check(p.expect(r"-- MORE --", 30) is not None,
            "long output stops at the pager's prompt", p)
    p.send("q")
    ok = p.expect(PROMPT, 30) is not None
    p.send("eval 0x42\n")
    c.check(ok and p.expect(r"decimal: 66", 30) is not None,
            "q in the pager: back at a working prompt", p)
    p.expect(PROMPT)
    p.send("set scroll off\n")
    p.expect(PROMPT)
    mark = len(p.text())
    p.send("log\n")
    ok = p.expect(r"\n\s*\[\s*[0-9.]+\].*\n" + PROMPT, 60) is not None
    c.check(ok and "MORE" not in p.text()[mark:], "set scroll off: no pager",
            p)
    p.send("q\n")
    p.close()
    c.sanitizer(p, "pager session")
    # CRASHPAGER: long output through it, short output not
    script = os.path.join(c.tmp, "script")
    with open(script, "w") as f:
        f.write("log\neval 0x43\n")
    p = c.start(home, {"CRASHPAGER": fake}, args=["-i", script])
    ok = p.expect(PROMPT, 120) is not None
    c.check(ok and "PAGER-START" not in p.text() and "decimal: 67" in
            p.text(), "no pager for -i scripts", p)
    p.send("set scroll\n")
    c.check(p.expect(r"scroll: on \(CRASHPAGER: %s\)" % re.escape(fake), 30)
            is not None, "set scroll names CRASHPAGER", p)
    p.expect(PROMPT)
    p.send("log\n")
    c.check(p.expect(r"PAGER-START\s*\n(.*\n)+.*PAGER-END", 30) is not None,
            "long output through CRASHPAGER", p)
    p.expect(PROMPT)
    mark = len(p.text())
    p.send("sym jiffies\n")
    ok = p.expect(r"\(D\) jiffies", 30) is not None
    p.expect(PROMPT)
    c.check(ok and "PAGER" not in p.text()[mark:],
            "short output is not paged", p)
    p.send("sym jiffies | cat\n")
    p.expect(PROMPT)
    p.send("sym jiffies > %s/out\n" % c.tmp)
    p.expect(PROMPT)
    c.check("PAGER" not in p.text()[mark:] and
            "(D) jiffies" in open(c.tmp + "/out").read(),
            "piped and redirected output is not paged", p)
    p.send("q\n")
    p.close()
    c.sanitizer(p, "CRASHPAGER session")


def progress(c, home):
    """A long command whose output goes to a file shows a progress line on
    the terminal (after CRASH_PROGRESS_AFTER seconds, 0 here), which is
    gone when it ends and is not in the file; output on the terminal itself
    gets none."""
    # (shown at once here: a short command shows it too)
    p = c.start(home, {"CRASH_PROGRESS_AFTER": "0"})
    p.expect(PROMPT)
    out = os.path.join(c.tmp, "rd.out")
    mark = len(p.text())
    raw_mark = len(p.raw)
    p.send("rd jiffies 20000 > %s\n" % out)
    shown = p.expect(r"rd: \d+/20000 \(\d+%\)", 120) is not None
    p.expect(PROMPT, 300)
    raw = p.raw[raw_mark:]
    c.check(shown, "a long command's progress line on stderr", p)
    # erased: a carriage return and erase-to-end after the last one, then
    # the prompt
    last = raw.rfind(b"rd: ")
    c.check(last >= 0 and b"\r\x1b[K" in raw[last:] and
            raw.rstrip().endswith(b"crash>"),
            "the progress line is erased at the end", p)
    data = open(out, errors="replace").read()
    # (memory's own bytes may spell anything in the ASCII column: look for
    # the progress line's shape)
    c.check(len(data) > 1000 and data.count("\n") == 10000 and
            not re.search(r"rd: \d+/20000 \(", data),
            "no progress line in the redirected output", p)
    # the other long commands: log (records, no total), sym -l, ps,
    # struct with a count
    for cmd, pat in (("log", r"log: \d+"), ("sym -l", r"sym: \d+/\d+ \("),
                     ("ps", r"ps: \d+/\d+ \("),
                     ("struct list_head jiffies 3000",
                      r"struct: \d+/3000 \(")):
        out = os.path.join(c.tmp, "long.out")
        p.send("%s > %s\n" % (cmd, out))
        shown = p.expect(pat, 120) is not None
        p.expect(PROMPT, 300)
        data = open(out, errors="replace").read()
        c.check(shown and len(data) > 100 and not re.search(pat, data),
                "%s: a progress line on the terminal, not in the file" % cmd,
                p)
    # JSON output: the progress line stays on the terminal, the file is
    # one JSON document
    p.send("set output json\n")
    p.expect(PROMPT)
    out = os.path.join(c.tmp, "json.out")
    p.send("log > %s\n" % out)
    shown = p.expect(r"log: \d+", 120) is not None
    p.expect(PROMPT, 300)
    try:
        doc = json.loads(open(out).read())
        ok = doc["command"] == "log" and len(doc["result"]) > 100 and \
            doc["messages"] == []
    except (ValueError, KeyError) as e:
        ok = False
        print("    json: %s" % e)
    c.check(shown and ok, "set output json: log's progress line on the "
            "terminal, its document whole in the file", p)
    p.send("set output text\n")
    p.expect(PROMPT)
    mark = len(p.text())
    p.send("set scroll off\n")
    p.expect(PROMPT)
    p.send("rd jiffies 2000\n")
    p.expect(PROMPT, 120)
    c.check(re.search(r"rd: \d+/2000 ", p.text()[mark:]) is None,
            "no progress line among output on the terminal", p)
    p.send("q\n")
    p.close()
    c.sanitizer(p, "progress session")


def main():
    for d in sys.argv[1:]:
        facts = json.load(open(os.path.join(d, "facts.json")))
        vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
        dump = os.path.join(d, "kdump-vmcore.elf")
        tmp = tempfile.mkdtemp(prefix="crash-repl.")
        try:
            home = os.path.join(tmp, "home")
            os.makedirs(home)
            c = Checker(vmlinux, dump, facts["kernel_release"], tmp)
            session_one(c, home)
            session_two(c, home)
            unwritable_home(c)
            pager(c, home)
            progress(c, home)
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
