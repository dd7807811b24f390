#!/usr/bin/env python3
"""capture_check.py DUMPDIR...: the dump writer (capture/crash-dump) on the
real fixtures.  From kdump-vmcore.elf (the unfiltered /proc/vmcore copy of
each kernel) it writes -d 31 dumps in every compression, flattened, split
and ELF, and checks them page by page (tests/tools/dump-pages) against
makedumpfile's kdump-d31-*.kdump of the same vmcore: the same pages left
out, the same bytes in every page kept.  Then the classic crash (oracle)
and makedumpfile --dump-dmesg must read our file as they read
makedumpfile's, and so must our crash; a full disk (a file size limit) and
a vmcore cut short must leave a dump that still opens.

About makedumpfile 1.7.6 (trixie's guest writer): on kernels 6.10+ it
mistakes free (buddy) pages for slab pages (fixed by makedumpfile commit
72c3414, "fix detection of typed (compound) pages (Linux 6.12)", 1.7.7), so
its -d 31 keeps free pages: the fixture then equals our -d 15, and our
-d 31 is checked against a fixed makedumpfile when one is built
(bench/makedumpfile.sh; MAKEDUMPFILE=path overrides).

Prints one line per check: "ok NAME", "FAIL NAME: why" or "skip NAME: why".
"""
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dumpinfo_check import CRASH, ROOT, TOP, classic_reads, report, skip_classic  # noqa: E402
from cmds_check import oracle_answers, run as run_cmds  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
if not os.path.isabs(BUILD):
    BUILD = os.path.join(TOP, BUILD)
WRITER = os.path.join(os.path.dirname(CRASH), "crash-dump")
if not os.path.exists(WRITER):
    WRITER = os.path.join(TOP, "capture", "crash-dump")
DUMP_PAGES = os.path.join(BUILD, "tests", "tools", "dump-pages")
if not os.path.exists(DUMP_PAGES):
    DUMP_PAGES = os.path.join(TOP, "build", "tests", "tools", "dump-pages")
NEW_MDF = os.environ.get("MAKEDUMPFILE") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
    "crash-bench", "makedumpfile", "makedumpfile")
HOST_MDF = shutil.which("makedumpfile")
COMPRESSIONS = [("none", []), ("zlib", ["-c"]), ("lzo", ["-l"]),
                ("snappy", ["-p"]), ("zstd", ["-z"])]
ORACLE_CMDS = [("sys", "sys", None), ("log", "log", None),
               ("ps", "ps", None), ("bt", "bt", None)]


def write(args, limit=None, stdout=None):
    def lower_limit():
        if limit:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return subprocess.run([WRITER] + args, stdout=stdout or subprocess.PIPE,
                          stderr=subprocess.PIPE, text=stdout is None,
                          preexec_fn=lower_limit, timeout=600)


def listing(paths):
    """dump-pages' "PFN HASH" lines and its summary, or raise."""
    p = subprocess.run([DUMP_PAGES] + paths, capture_output=True, text=True,
                       timeout=600)
    if p.returncode != 0:
        raise RuntimeError("dump-pages %s: %s" % (" ".join(paths),
                                                  p.stderr.strip()[-300:]))
    pages = dict(l.split() for l in p.stdout.splitlines())
    return pages, p.stderr.strip().splitlines()[-1]


def compare(name, got, want):
    """Same pfns and hashes; say which differ."""
    if got == want:
        report(True, name)
        return
    only_got = sorted(set(got) - set(want))
    only_want = sorted(set(want) - set(got))
    diff = sorted(k for k in set(got) & set(want) if got[k] != want[k])
    report(False, name, "%d pages only in ours (%s), %d only in "
           "makedumpfile's (%s), %d differ (%s)" %
           (len(only_got), ",".join(only_got[:3]), len(only_want),
            ",".join(only_want[:3]), len(diff), ",".join(diff[:3])))


def mdf_version(d):
    try:
        text = open(os.path.join(d, "manifest.txt")).read()
    except OSError:
        return None
    m = re.search(r"makedumpfile \(guest\): makedumpfile: version "
                  r"(\d+)\.(\d+)\.(\d+)", text)
    return tuple(int(x) for x in m.groups()) if m else None


def has_typed_pages(vmcore):
    """Does VMCOREINFO say page types live in _mapcount (6.10+)?"""
    with open(vmcore, "rb") as f:
        head = f.read(1 << 20)
    if b"NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)" in head:
        return True
    p = subprocess.run(["grep", "-a", "-c", "-m1",
                        "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)", vmcore],
                       capture_output=True, text=True)
    return p.stdout.strip() not in ("", "0")


def strip_dumpfile(lines):
    return [l for l in lines if not l.lstrip().startswith("DUMPFILE:")]


def check_dir(d, tmp):
    vmcore = os.path.join(d, "kdump-vmcore.elf")
    fixture = os.path.join(d, "kdump-d31-lzo.kdump")
    kver = os.path.basename(os.path.dirname(os.path.dirname(d)))
    if not os.path.exists(vmcore) or not os.path.exists(fixture):
        report(False, "capture %s" % kver, "no kdump-vmcore.elf or "
               "kdump-d31-lzo.kdump in %s" % d)
        return
    vmlinux = [os.path.join(os.path.dirname(os.path.dirname(d)), f)
               for f in os.listdir(os.path.dirname(os.path.dirname(d)))
               if f.startswith("vmlinux-")]
    ref, _ = listing([fixture])
    level = "31"
    ver = mdf_version(d)
    if ver and ver < (1, 7, 7) and has_typed_pages(vmcore):
        level = "15"
        print("# %s: the fixture's makedumpfile %s keeps free pages on "
              "this kernel (fixed in 1.7.7): comparing our -d 15 with its "
              "-d 31" % (kver, ".".join(map(str, ver))))
    tag = "capture %s" % kver

    outs = {}
    for comp, flag in COMPRESSIONS:
        out = os.path.join(tmp, "%s.%s.kdump" % (kver, comp))
        p = write(flag + ["-d", level, vmcore, out])
        if p.returncode != 0:
            report(False, "%s -d %s %s" % (tag, level, comp),
                   "exit %d: %s" % (p.returncode, p.stderr.strip()[-300:]))
            continue
        outs[comp] = out
        got, _ = listing([out])
        compare("%s -d %s %s: same pages as makedumpfile" %
                (tag, level, comp), got, ref)

    # -d 31 against a makedumpfile that has the 6.10+ fix, when there is one
    if level != "31":
        if os.access(NEW_MDF, os.X_OK):
            theirs = os.path.join(tmp, "%s.mdf-new.kdump" % kver)
            ours = os.path.join(tmp, "%s.d31.kdump" % kver)
            subprocess.run([NEW_MDF, "-l", "-d", "31", vmcore, theirs],
                           capture_output=True, timeout=600)
            p = write(["-l", "-d", "31", vmcore, ours])
            if p.returncode == 0 and os.path.exists(theirs):
                compare("%s -d 31: same pages as makedumpfile %s" %
                        (tag, NEW_MDF), listing([ours])[0],
                        listing([theirs])[0])
            else:
                report(False, "%s -d 31 vs fixed makedumpfile" % tag,
                       "could not write both dumps")
        else:
            print("skip %s -d 31 vs a fixed makedumpfile: none built "
                  "(bench/makedumpfile.sh)" % tag)

    # flattened, to a pipe; makedumpfile -R rebuilds the same file
    flat = os.path.join(tmp, "%s.flat" % kver)
    with open(flat, "wb") as f:
        p = write(["-F", "-l", "-d", level, vmcore], stdout=f)
    if p.returncode != 0:
        report(False, "%s -F" % tag, "exit %d" % p.returncode)
    else:
        compare("%s -F: same pages as makedumpfile" % tag,
                listing([flat])[0], ref)
        if HOST_MDF and "lzo" in outs:
            rebuilt = os.path.join(tmp, "%s.rebuilt" % kver)
            with open(flat, "rb") as f:
                subprocess.run([HOST_MDF, "-R", rebuilt], stdin=f,
                               capture_output=True, timeout=600)
            same = (os.path.exists(rebuilt) and
                    open(rebuilt, "rb").read() == open(outs["lzo"],
                                                       "rb").read())
            report(same, "%s -F: makedumpfile -R gives the file -l writes"
                   % tag, "the rebuilt file differs")
            if os.path.exists(rebuilt):
                os.unlink(rebuilt)

    # split in three
    parts = [os.path.join(tmp, "%s.split.%d" % (kver, i)) for i in range(3)]
    p = write(["--split", "-c", "-d", level, vmcore] + parts)
    if p.returncode != 0:
        report(False, "%s --split" % tag, "exit %d" % p.returncode)
    else:
        compare("%s --split 3: same pages as makedumpfile" % tag,
                listing(parts)[0], ref)

    # ELF: the kept pages but those of zeros, each as the vmcore has it
    elf = os.path.join(tmp, "%s.elf" % kver)
    p = write(["-E", "-d", level, vmcore, elf])
    if p.returncode != 0:
        report(False, "%s -E" % tag, "exit %d" % p.returncode)
    else:
        got, _ = listing([elf])
        counts = {}
        for h in ref.values():
            counts[h] = counts.get(h, 0) + 1
        zero = max(counts, key=counts.get)  # the most common page: zeros
        want = {k: v for k, v in ref.items() if v != zero}
        compare("%s -E: the pages makedumpfile keeps, but zeros" % tag,
                got, want)
        os.unlink(elf)

    # readers of our lzo dump: makedumpfile, the classic crash, ours
    ours = outs.get("lzo")
    if ours and HOST_MDF:
        texts = []
        for dump in (ours, fixture):
            out = os.path.join(tmp, "dmesg.txt")
            p = subprocess.run([HOST_MDF, "--dump-dmesg", dump, out],
                               capture_output=True, text=True, timeout=300)
            texts.append(open(out).read() if p.returncode == 0 and
                         os.path.exists(out) else None)
            if os.path.exists(out):
                os.unlink(out)
        if texts[1] is None:
            print("skip %s makedumpfile --dump-dmesg: the host's "
                  "makedumpfile cannot read makedumpfile's own dump of "
                  "this kernel either" % tag)
        else:
            report(texts[0] == texts[1] and bool(texts[0]),
                   "%s makedumpfile --dump-dmesg reads ours as its own" %
                   tag, "the log differs or is empty" if texts[0] else
                   "makedumpfile --dump-dmesg failed on ours")
    if ours and vmlinux:
        have_oracle = os.path.exists(os.path.join(ROOT, "oracles", "trixie",
                                                  ".done"))
        facts = json.load(open(os.path.join(d, "facts.json")))
        if not classic_reads(facts):
            skip_classic("capture %s classic crash" % tag, facts)
        elif have_oracle:
            cache = os.path.join(d, "oracle-cache",
                                 "kdump-d31-lzo.kdump.capture-v1.json")
            want = oracle_answers(vmlinux[0], fixture, ORACLE_CMDS, cache)
            env = dict(os.environ, CACHE=os.path.join(ROOT, "oracles"))
            got = run_cmds([os.path.join(TOP, "tests", "vmcores",
                                         "oracle-crash")],
                           vmlinux[0], ours, ORACLE_CMDS, env)
            for i, (name, _, _) in enumerate(ORACLE_CMDS):
                g = strip_dumpfile(got.get(i) or [])
                w = strip_dumpfile(want.get(i) or [])
                report(g == w and bool(w), "%s classic crash reads ours: %s"
                       % (tag, name), "differs from its answer on "
                       "makedumpfile's dump (first: %r vs %r)" %
                       (next((a for a, b in zip(g, w) if a != b), g[:1]),
                        next((b for a, b in zip(g, w) if a != b), w[:1])))
        else:
            print("skip %s classic crash: no oracle chroot" % tag)
        got = run_cmds([CRASH], vmlinux[0], ours, ORACLE_CMDS)
        want = run_cmds([CRASH], vmlinux[0], fixture, ORACLE_CMDS)
        for i, (name, _, _) in enumerate(ORACLE_CMDS):
            g = strip_dumpfile(got.get(i) or [])
            w = strip_dumpfile(want.get(i) or [])
            report(g == w and bool(w), "%s our crash reads ours: %s" %
                   (tag, name), "differs from makedumpfile's dump")

    # a full disk: a file size limit of 8 MB
    full = os.path.join(tmp, "%s.full" % kver)
    p = write(["-l", "-d", level, vmcore, full], limit=8 << 20)
    report(p.returncode == 1 and "no space" in p.stderr and
           os.path.exists(full) and not os.path.exists(full + ".tmp"),
           "%s full disk: exit 1, says so, keeps the file" % tag,
           "exit %d, %s" % (p.returncode, p.stderr.strip()[-200:]))
    if os.path.exists(full):
        info = subprocess.run([CRASH, "--dumpinfo", full],
                              capture_output=True, text=True, timeout=120)
        report(info.returncode == 0 and
               re.search(r"COMPLETE: no", info.stdout) is not None,
               "%s full disk: our crash opens it, marked incomplete" % tag,
               "crash --dumpinfo: exit %d, %s" %
               (info.returncode, (info.stdout + info.stderr)[-200:]))
        got, summary = listing([full])
        bad = [k for k in got if ref.get(k) != got[k]]
        report(len(got) > 1000 and not bad,
               "%s full disk: %d pages kept, each as makedumpfile has it" %
               (tag, len(got)), "%d pages, %d differ" % (len(got), len(bad)))
        os.unlink(full)

    # a vmcore cut short: the pages it lacks are left out, not fatal
    cut = os.path.join(tmp, "%s.cut.elf" % kver)
    size = os.path.getsize(vmcore)
    with open(vmcore, "rb") as src, open(cut, "wb") as dst:
        left = size * 2 // 3
        while left:
            b = src.read(min(left, 8 << 20))
            dst.write(b)
            left -= len(b)
    out = os.path.join(tmp, "%s.cut.kdump" % kver)
    p = write(["-l", "-d", level, cut, out])
    ok = p.returncode == 0 and "ends before" in p.stderr
    report(ok, "%s vmcore cut short: written, with a warning" % tag,
           "exit %d: %s" % (p.returncode, p.stderr.strip()[-200:]))
    if ok:
        # (its mem_map may be in the part cut off: then only zero pages
        # are left out, so compare with the whole vmcore's pages)
        whole, _ = listing([vmcore])
        got, _ = listing([out])
        bad = [k for k in got if whole.get(k) != got[k]]
        report(1000 < len(got) < len(whole) and not bad,
               "%s vmcore cut short: %d pages, each as the whole vmcore "
               "has it" % (tag, len(got)),
               "%d pages, %d differ" % (len(got), len(bad)))
    os.unlink(cut)

    # not a vmcore
    if vmlinux:
        out = os.path.join(tmp, "notcore.kdump")
        p = write(["-d", "31", vmlinux[0], out])
        report(p.returncode == 1 and "ET_CORE" in p.stderr and
               not os.path.exists(out) and
               not os.path.exists(out + ".tmp"),
               "%s a vmlinux for VMCORE: exit 1, a clear message" % tag,
               "exit %d: %s" % (p.returncode, p.stderr.strip()[-200:]))


def main():
    if not os.access(WRITER, os.X_OK):
        print("FAIL capture: %s is not built" % WRITER)
        return
    for d in sys.argv[1:]:
        tmp = tempfile.mkdtemp(prefix="capture-check.")
        try:
            check_dir(d, tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
