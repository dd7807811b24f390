#!/usr/bin/env python3
"""cmdline_check.py DUMPDIR...: the command line (issue 5 item 1).

 - --osrelease DUMPFILE on every dump of the set: its output and exit
   status against the classic crash 8.0.6's (x86_64 sets; on the others
   against facts.json), and one line on stderr where it says "unknown";
 - -h: "crash -h ps", "-hps", "--help=ps", "--help ps" are "help ps" of a
   session, and no file is opened for them; -h alone lists every option
   crash takes; -h OPTION shows that option's entry; -h with an unknown
   name is one line and exit status 1;
 - -d N: what opening decided (format, VMCOREINFO, KASLR offset), the
   offset the one the fixture kit recorded; nothing without -d; set debug;
 - --minimal: the classic crash's answers (allowed commands the same,
   refused ones refused by both; set shows the variables);
 - --no_modules: module symbols are not found and mod says so, as in the
   classic crash; without it they are found;
 - a gzip or xz compressed vmlinux, given after the dump as well as
   before, answers as the vmlinux does; a damaged one is one line;
 - bad options, missing arguments and missing or unreadable files: one
   line on stderr, nothing on stdout, exit status 1.

The compressed copies of the vmlinux are made once and kept in the fixture
cache (cmdline/).  Prints "ok NAME" / "FAIL NAME: why" / "skip NAME: why".
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dumpinfo_check import CRASH, ROOT, ORACLE, report  # noqa: E402
from dumpinfo_check import classic_reads, skip_classic  # noqa: E402
from cmds_check import oracle_answers, run  # noqa: E402

DUMP = "kdump-d31-lzo.kdump"
SANITIZER = ("AddressSanitizer", "LeakSanitizer", "runtime error:")


def crash(args, stdin="", timeout=300):
    return subprocess.run([CRASH] + args, input=stdin, capture_output=True,
                          text=True, errors="replace", timeout=timeout)


def oracle(args, timeout=300):
    env = dict(os.environ, CACHE=os.path.join(ROOT, "oracles"))
    return subprocess.run([ORACLE] + args, capture_output=True, text=True,
                          errors="replace", env=env, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def sane(p):
    return not any(m in p.stderr for m in SANITIZER)


def have_oracle():
    return os.path.exists(os.path.join(ROOT, "oracles", "trixie", ".done"))


def cached(d, name, key, make):
    """make()'s JSON-able answer, cached in d/oracle-cache under a name
    that changes with key."""
    h = hashlib.sha256(repr(key).encode()).hexdigest()[:12]
    path = os.path.join(d, "oracle-cache", "cmdline-%s-%s.json" % (name, h))
    if os.path.exists(path):
        return json.load(open(path))
    answer = make()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        json.dump(answer, f)
    os.rename(path + ".tmp", path)
    return answer


def dump_files(d, facts):
    return sorted(n for n in facts["dumps"]
                  if os.path.exists(os.path.join(d, n)))


def check_osrelease(d, facts, kver, classic):
    names = dump_files(d, facts)
    want = None
    if classic:
        def ask():
            out = {}
            for n in names:
                p = oracle(["--osrelease", os.path.join(d, n)])
                out[n] = [p.stdout, p.returncode]
            return out
        want = cached(d, "osrelease", names, ask)
    for n in names:
        label = "cmdline %s: --osrelease %s" % (kver, n)
        p = crash(["--osrelease", os.path.join(d, n)])
        if not sane(p):
            report(False, label, p.stderr[-600:])
            continue
        known = facts["dumps"][n].get("has_vmcoreinfo") is not False
        if want is not None:
            ok = [p.stdout, p.returncode] == want[n]
            report(ok, label + ": as the classic crash",
                   "got %r rc %d, want %r rc %d" % (
                       p.stdout, p.returncode, want[n][0], want[n][1]))
        else:
            ok = (p.stdout == facts["kernel_release"] + "\n"
                  and p.returncode == 0) if known else (
                      p.stdout == "unknown\n" and p.returncode == 1)
            report(ok, label + ": the release facts.json records",
                   "got %r rc %d" % (p.stdout, p.returncode))
        if p.returncode:
            errs = p.stderr.splitlines()
            report(len(errs) == 1 and n in errs[0],
                   label + ": one line naming the file", repr(p.stderr))
        else:
            report(p.stderr == "", label + ": nothing on stderr",
                   repr(p.stderr[:300]))


def check_help(d, facts, vmlinux, kver):
    dump = os.path.join(d, DUMP)
    session = crash(["-s", vmlinux, dump], "help ps\nhelp log\n")
    want_ps = session.stdout.split("NAME\n  log")[0]
    for args in (["-h", "ps"], ["-hps"], ["--help=ps"], ["--help", "ps"],
                 # the files after it are not opened
                 ["-h", "ps", "/nonexistent"]):
        p = crash(args)
        report(p.returncode == 0 and p.stdout == want_ps and
               p.stdout.startswith("NAME\n  ps - ") and not p.stderr,
               "cmdline %s: crash %s is help ps" % (kver, " ".join(args)),
               "rc %d, %r vs %r, stderr %r" % (
                   p.returncode, p.stdout[:120], want_ps[:120],
                   p.stderr[:200]))
    # -h alone: every option the usage names is taken, and the other way
    p = crash(["-h"])
    named = set(re.findall(r"^  (-[-\w]+)(?:, (--[\w-]+))?", p.stdout, re.M))
    named = {n for pair in named for n in pair if n}
    want = {"-s", "-i", "-d", "-h", "--help", "-v", "--version",
            "--osrelease", "--log", "--dumpinfo", "--minimal",
            "--no_modules", "--zero_excluded", "--kaslr", "--force",
            "--no_crashrc", "--json"}
    report(p.returncode == 0 and p.stdout.startswith("usage: crash") and
           named == want, "cmdline %s: crash -h lists the options" % kver,
           "rc %d; missing %s, unexpected %s" % (
               p.returncode, sorted(want - named), sorted(named - want)))
    for opt in sorted(want - {"-h", "--help"}):
        q = crash(["-h", opt])
        bare = crash(["-h", opt.lstrip("-")]) if opt.startswith("--") \
            else q
        # "-h log" is the log command's page: commands come first
        first = q.stdout.split("\n")[0].split()
        report(q.returncode == 0 and first and
               opt in first[0].rstrip(",") + " " + " ".join(first[1:2])
               and q.stdout in p.stdout and
               (bare.stdout == q.stdout or bare.stdout.startswith("NAME")),
               "cmdline %s: crash -h %s is its entry" % (kver, opt),
               "rc %d: %r" % (q.returncode, q.stdout[:200]))
    q = crash(["-h", "nosuchthing"])
    report(q.returncode == 1 and not q.stdout and
           len(q.stderr.splitlines()) == 1 and "nosuchthing" in q.stderr,
           "cmdline %s: crash -h nosuchthing is one line, status 1" % kver,
           "rc %d %r %r" % (q.returncode, q.stdout[:100], q.stderr[:200]))
    q = crash(["-h", "commands"])
    report(q.returncode == 0 and re.search(r"^ps +", q.stdout, re.M)
           and re.search(r"^log +", q.stdout, re.M),
           "cmdline %s: crash -h commands lists them" % kver,
           q.stdout[:200])


def check_debug(d, facts, vmlinux, kver):
    for n in (DUMP, "qemu-kaslr-novmci.elf"):
        if n not in facts["dumps"]:
            continue
        label = "cmdline %s: -d 1 %s" % (kver, n)
        p = crash(["-s", "-d", "1", vmlinux, os.path.join(d, n)],
                  "set debug\nsym jiffies\n")
        lines = [l for l in p.stderr.splitlines()
                 if l.startswith("crash: debug: ")]
        m = re.search(r"KASLR offset (0x[0-9a-f]+): (.*)", p.stderr)
        want = int(facts["dumps"][n]["kaslr_offset"], 16)
        report(p.returncode == 0 and sane(p) and m and
               int(m.group(1), 16) == want,
               label + ": the KASLR offset facts.json records",
               "rc %d, want 0x%x: %s" % (p.returncode, want,
                                         p.stderr[-600:]))
        vmci = facts["dumps"][n].get("has_vmcoreinfo")
        report(any(l.startswith("crash: debug: format ") for l in lines) and
               any(("VMCOREINFO in the dump" in l) == bool(vmci)
                   for l in lines if "VMCOREINFO" in l)
               and any("VMCOREINFO" in l for l in lines),
               label + ": format and where VMCOREINFO came from",
               repr(lines))
        report(p.stdout.startswith("debug: 1\n") and " jiffies" in p.stdout,
               label + ": set debug shows the level", repr(p.stdout[:200]))
    p = crash(["-s", vmlinux, os.path.join(d, DUMP)], "sym jiffies\n")
    report(p.returncode == 0 and "debug" not in p.stderr,
           "cmdline %s: nothing of it without -d" % kver, p.stderr[:300])


MINIMAL = [  # (name, command, how): how "same" or "refused"
    ("sym", "sym jiffies", "same"),
    ("sym of a module", "sym virtblk_probe", "same"),
    ("eval", "eval 3 + 4", "same"),
    ("rd", "rd jiffies_64", "same"),
    ("log", "log", "same"),
    ("set", "set", "vars"),
    ("ps", "ps", "refused"),
    ("sys", "sys", "refused"),
    ("bt", "bt", "refused"),
    ("mod", "mod", "refused"),
    ("struct", "struct list_head", "refused"),
    ("task", "task", "refused"),
    ("files", "files", "refused"),
]
VARS = ("scroll", "radix", "debug", "silent", "namelist", "dumpfile",
        "zero_excluded")


def variables(lines):
    return [l for l in lines if l.split(":")[0].strip() in VARS]


def check_minimal(d, facts, vmlinux, kver, classic):
    dump = os.path.join(d, DUMP)
    got = run([CRASH, "--minimal"], vmlinux, dump, MINIMAL,
              dict(os.environ, TZ="UTC"))
    want = None
    if classic:
        cache = os.path.join(d, "oracle-cache", "cmdline-minimal-%s.json" %
                             hashlib.sha256(repr(MINIMAL).encode())
                             .hexdigest()[:12])
        want = oracle_answers(vmlinux, dump, MINIMAL, cache,
                              runner=lambda tool, v, p, c, env:
                              run(tool + ["--minimal"], v, p, c, env))
    for i, (name, cmd, how) in enumerate(MINIMAL):
        label = "cmdline %s: --minimal %s" % (kver, cmd)
        g = got.get(i)
        w = want.get(i) if want is not None else None
        if g is None:
            report(False, label, "no answer from us")
            continue
        mine_refused = (len(g) == 1 and
                        "not available in --minimal mode" in g[0])
        if how == "refused":
            report(mine_refused, label + ": refused in one line", repr(g))
            if w is not None:
                report(any("not available in minimal mode" in l
                           for l in w),
                       label + ": the classic crash refuses it too", repr(w))
            continue
        report(not mine_refused and g, label + ": it runs", repr(g[:3]))
        if w is None or how == "differs":
            continue
        if how == "vars":
            g, w = variables(g), variables(w)
        report(g == w, label + ": as the classic crash",
               ("%d vs %d lines: %r vs %r" % (len(g), len(w), g[:4], w[:4])
                )[:600])


NO_MODULES = [
    ("sym", "sym jiffies", "same"),
    ("module symbol", "sym virtblk_probe", "same"),
    ("mod", "mod", "refused"),
    ("bt", "bt", "same"),
]


def check_no_modules(d, facts, vmlinux, kver, classic):
    dump = os.path.join(d, DUMP)
    plain = crash(["-s", vmlinux, dump], "sym virtblk_probe\n")
    if "virtio_blk" not in plain.stdout:
        print("skip cmdline %s: --no_modules: no virtio_blk module to look "
              "for (%r)" % (kver, plain.stdout[:200]))
        return
    got = run([CRASH, "--no_modules"], vmlinux, dump, NO_MODULES,
              dict(os.environ, TZ="UTC"))
    want = None
    if classic:
        cache = os.path.join(d, "oracle-cache", "cmdline-nomod-%s.json" %
                             hashlib.sha256(repr(NO_MODULES).encode())
                             .hexdigest()[:12])
        want = oracle_answers(vmlinux, dump, NO_MODULES, cache,
                              runner=lambda tool, v, p, c, env:
                              run(tool + ["--no_modules"], v, p, c, env))
    for i, (name, cmd, how) in enumerate(NO_MODULES):
        label = "cmdline %s: --no_modules %s" % (kver, cmd)
        g = got.get(i)
        w = want.get(i) if want is not None else None
        if g is None:
            report(False, label, "no answer from us")
            continue
        if how == "refused":
            report(len(g) == 1 and "--no_modules" in g[0],
                   label + ": says why in one line", repr(g))
            if w is not None:
                report(not any("MODULE" in l for l in w),
                       label + ": the classic crash lists none either",
                       repr(w[:3]))
            continue
        if cmd.startswith("sym virtblk"):
            report(g and g[0].startswith("symbol not found"),
                   label + ": not found", repr(g))
        if w is not None:
            report(g == w, label + ": as the classic crash",
                   "%r vs %r" % (g[:4], w[:4]))


def compressed_copy(vmlinux, kind):
    """A gzip or xz copy of vmlinux in the fixture cache, made once."""
    st = os.stat(vmlinux)
    cache = os.path.join(ROOT, "cmdline")
    os.makedirs(cache, exist_ok=True)
    path = os.path.join(cache, "%s-%d-%d.%s" % (
        os.path.basename(vmlinux), st.st_size, int(st.st_mtime), kind))
    if os.path.exists(path):
        return path
    # fast settings: the test is about reading them, and xz -T2 writes
    # blocks the reader inflates in parallel
    cmd = ["gzip", "-1", "-c"] if kind == "gz" else \
        ["xz", "-0", "-T2", "-c"]
    with open(path + ".tmp", "wb") as out:
        subprocess.run(cmd + [vmlinux], stdout=out, check=True)
    os.rename(path + ".tmp", path)
    return path


def check_compressed(d, facts, vmlinux, kver, kind):
    dump = os.path.join(d, DUMP)
    try:
        packed = compressed_copy(vmlinux, kind)
    except (OSError, subprocess.CalledProcessError) as e:
        report(False, "cmdline %s: compressing the vmlinux with %s" %
               (kver, kind), str(e))
        return
    cmds = "sym jiffies\nsys\n"
    want = crash(["-s", vmlinux, dump], cmds)
    # the dump first: the compressed file is told by its content (one
    # whole inflation per set: they take seconds)
    label = "cmdline %s: %s vmlinux after the dump" % (kver, kind)
    p = crash(["-s", "-d", "1", dump, packed], cmds)
    got = p.stdout.replace(packed, vmlinux)
    report(p.returncode == 0 and sane(p) and got == want.stdout and
           "RELEASE: " + facts["kernel_release"] in got,
           label + ": the same answers as the vmlinux",
           "rc %d: %r vs %r; %s" % (p.returncode, got[:300],
                                    want.stdout[:300], p.stderr[-300:]))
    report("%s-compressed" % ("gzip" if kind == "gz" else "xz")
           in p.stderr, label + ": -d says it was inflated",
           p.stderr[-400:])
    # cut short, given first: taken as the vmlinux, and one line naming
    # the file, status 1
    with tempfile.TemporaryDirectory(prefix="crash-cmdline.") as t:
        cut = os.path.join(t, "vmlinux." + kind)
        with open(packed, "rb") as f, open(cut, "wb") as out:
            out.write(f.read(1 << 20))
        p = crash(["-s", cut, dump], "sym jiffies\n")
        errs = p.stderr.splitlines()
        report(p.returncode == 1 and sane(p) and len(errs) == 1 and
               cut in errs[0] and "damaged" in errs[0] and not p.stdout,
               "cmdline %s: a cut %s vmlinux before the dump is one line, "
               "status 1" % (kver, kind),
               "rc %d: %r" % (p.returncode, p.stderr[-400:]))


def check_errors(d, facts, vmlinux, kver):
    dump = os.path.join(d, DUMP)
    with tempfile.TemporaryDirectory(prefix="crash-cmdline.") as t:
        text = os.path.join(t, "notes.txt")
        with open(text, "w") as f:
            f.write("not a kernel\n")
        cases = [
            ("unknown long option", ["--no-such-option", vmlinux, dump],
             "--no-such-option"),
            ("unknown short option", ["-sQ", vmlinux, dump], "-Q"),
            ("long option with an argument it does not take",
             ["--minimal=3", vmlinux, dump], "--minimal"),
            ("-i without its file", [vmlinux, dump, "-i"], "-i"),
            ("-i of a missing file", ["-i", os.path.join(t, "nofile"),
                                      vmlinux, dump], "nofile"),
            ("-i of a directory", ["-i", t, vmlinux, dump], t),
            ("-d without a number", ["-d", "lots", vmlinux, dump], "lots"),
            ("--kaslr junk", ["--kaslr", "zz", vmlinux, dump], "zz"),
            ("--osrelease without its file", ["--osrelease"],
             "--osrelease"),
            ("a missing dump", [vmlinux, os.path.join(t, "nodump")],
             "nodump"),
            ("a missing vmlinux", [os.path.join(t, "novmlinux"), dump],
             "novmlinux"),
            ("a directory", [t, dump], t),
            ("a text file", [vmlinux, text], text),
            ("no dump", [vmlinux], "no dump file"),
            ("two vmlinux files", [vmlinux, vmlinux, dump], vmlinux),
        ]
        for name, args, needle in cases:
            p = crash(args, "sym jiffies\n", timeout=120)
            errs = p.stderr.splitlines()
            report(p.returncode == 1 and sane(p) and not p.stdout and
                   len(errs) == 1 and needle in errs[0],
                   "cmdline %s: %s: one line, status 1" % (kver, name),
                   "rc %d, stdout %r, stderr %r" % (
                       p.returncode, p.stdout[:200], p.stderr[-400:]))


def main():
    dirs = sys.argv[1:]
    sets = []
    for d in dirs:
        facts = json.load(open(os.path.join(d, "facts.json")))
        vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
        sets.append((d, facts, vmlinux))
    # inflating a 300-600 MB vmlinux takes seconds: xz for the smallest
    # one, gzip for the others
    smallest = min((os.path.getsize(v), d) for d, _, v in sets)[1] \
        if sets else None
    for d, facts, vmlinux in sets:
        kver = facts["kernel_release"]
        classic = classic_reads(facts) and have_oracle()
        if not classic:
            if not classic_reads(facts):
                skip_classic("cmdline %s oracle" % kver, facts)
            else:
                print("skip cmdline %s oracle: no oracle chroot" % kver)
        check_osrelease(d, facts, kver, classic)
        check_help(d, facts, vmlinux, kver)
        check_debug(d, facts, vmlinux, kver)
        check_minimal(d, facts, vmlinux, kver, classic)
        check_no_modules(d, facts, vmlinux, kver, classic)
        check_compressed(d, facts, vmlinux, kver,
                         "xz" if d == smallest else "gz")
        check_errors(d, facts, vmlinux, kver)


if __name__ == "__main__":
    main()
