#!/usr/bin/env python3
"""dwarf_index_check.py DUMPDIR...: the DWARF name index (src/symbols/
dwarf_index*.c, index_cache.c, through tests/tools/dwarf-index) on each
fixture kernel's vmlinux ($DUMPDIR/../../vmlinux-*), against an independent
reference: libdw's own DIE walk (dwarf_next_unit, dwarf_child,
dwarf_siblingof), written in the same tool from the index's definition.

  dwarf-index-all       every entry of every name (kind, name, DIE offset,
                        declaration or definition) equals libdw's, and so
                        do the per-kind totals
  dwarf-index-lookup    the definitions the debugger needs first (struct
                        task_struct, struct page, init_task, schedule, ...)
                        are the DIEs libdw calls definitions; names with no
                        definition give a declaration; a macro is not found
  dwarf-index-threads   one thread and two build the same index
  dwarf-index-cache     built and saved, then loaded: the same answers;
                        a damaged cache file is rebuilt, not trusted
  dwarf-index-prefix    prefix iteration is sorted and complete

Prints one line per check: "ok NAME", "FAIL NAME: why" or "skip NAME: why".
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
TOOL = os.path.join(TOP, BUILD, "tests", "tools", "dwarf-index")

# (kind, name, what the lookup must give): "def" when libdw knows a
# definition, "decl" for names only declared (jiffies is an alias the linker
# script makes, so the DWARF only has extern declarations of it), None for
# what is not in the DWARF at all (TASK_RUNNING is a #define).
LOOKUPS = [
    ("struct", "task_struct", "def"),
    ("struct", "page", "def"),
    ("struct", "list_head", "def"),
    ("struct", "mm_struct", "def"),
    ("union", "bpf_attr", "def"),
    ("typedef", "pid_t", "def"),
    ("typedef", "atomic_t", "def"),
    ("base", "long unsigned int", "def"),
    ("enum", "pageflags", "def"),
    ("enumerator", "PG_locked", "def"),
    ("enumerator", "MIGRATE_MOVABLE", "def"),
    ("variable", "init_task", "def"),
    ("variable", "init_mm", "def"),
    ("variable", "jiffies", "decl"),
    ("variable", "jiffies_64", "def"),
    ("function", "schedule", "def"),
    ("function", "panic", "def"),
    ("enumerator", "TASK_RUNNING", None),
]


def report(ok, name, why=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + why))
    sys.stdout.flush()


def skip(name, why):
    print("skip " + name + ": " + why)
    sys.stdout.flush()


def run(args, env=None):
    p = subprocess.run([TOOL] + args, capture_output=True, text=True,
                       timeout=300, env=env)
    # "lookup" exits 1 for a name that is not there; nothing else may fail
    # (a sanitizer's report also makes the exit status 1).
    allowed = (0, 1) if "lookup" in args else (0,)
    if p.returncode not in allowed or "Sanitizer" in p.stderr:
        raise RuntimeError("dwarf-index %s exited %d: %s" %
                           (" ".join(a for a in args if a != args[0]),
                            p.returncode, p.stderr.strip()[-500:]))
    return p.stdout


def env_with(**kw):
    env = dict(os.environ)
    env.pop("CRASH_NO_INDEX_CACHE", None)
    env.update(kw)
    return env


def first_differences(a, b, n=5):
    sa, sb = set(a), set(b)
    only_a = sorted(sa - sb)[:n]
    only_b = sorted(sb - sa)[:n]
    return "only in libdw: %s; only in ours: %s" % (only_a, only_b)


def by_name(lines, names):
    """name -> [(kind, offset, decl|def)] for the names asked for."""
    out = {n: [] for n in names}
    for line in lines:
        parts = line.split(" ")
        if parts[0] == "total":
            continue
        name = " ".join(parts[1:-2])
        if name in out:
            out[name].append((parts[0], parts[-2], parts[-1]))
    return out


def check_vmlinux(vmlinux, tag, tmp):
    # The whole index against libdw's walk.
    ref = run([vmlinux, "libdw-dump"]).splitlines()
    ours_text = run(["-j", "2", vmlinux, "dump"])
    ours = ours_text.splitlines()
    totals = [l for l in ours if l.startswith("total ")]
    ok = sorted(ref) == sorted(ours)
    report(ok, "dwarf-index-all " + tag,
           "" if ok else first_differences(ref, ours))
    if not totals or sum(int(t.split()[2]) for t in totals) < 100000:
        report(False, "dwarf-index-size " + tag,
               "suspiciously few entries: %s" % totals)

    # The lookups the debugger needs first.
    names = [n for _, n, _ in LOOKUPS]
    refs = by_name(ref, names)
    bad = []
    for kind, name, want in LOOKUPS:
        got = run([vmlinux, "lookup", name, kind]).strip()
        cands = [r for r in refs[name] if r[0] == kind]
        if want is None:
            if cands or "no symbol" not in got:
                bad.append("%s: %r (libdw: %s)" % (name, got, cands))
            continue
        parts = got.split(" ")
        if len(parts) < 4 or parts[0] != kind:
            bad.append("%s: %r" % (name, got))
            continue
        where, flag = parts[-4], parts[-1]
        has_def = any(c[2] == "def" for c in cands)
        if flag != want or (where, flag) not in [(c[1], c[2]) for c in cands] \
                or (flag == "decl" and has_def):
            bad.append("%s: we say %s %s, libdw has %s" %
                       (name, where, flag, cands[:4]))
    report(not bad, "dwarf-index-lookup " + tag, "; ".join(bad))

    # Threads: one and two build the same thing (a sample of the names).
    one = run(["-j", "1", vmlinux, "dump", "16"])
    two = run(["-j", "2", vmlinux, "dump", "16"])
    report(one == two, "dwarf-index-threads " + tag,
           "" if one == two else first_differences(one.splitlines(),
                                                   two.splitlines()))

    # The cache: built and saved, loaded, same answers; damage rebuilt.
    cdir = os.path.join(tmp, "cache-" + tag)
    env = env_with(CRASH_CACHE_DIR=cdir)
    first = run(["--cache", vmlinux, "stats"], env)
    second = run(["--cache", vmlinux, "stats"], env)
    cached_dump = run(["--cache", vmlinux, "dump"], env)
    files = glob.glob(os.path.join(cdir, "dwarf-index-*.idx"))
    why = []
    if "source built, saved" not in first:
        why.append("first open: %r" % first.splitlines()[3:5])
    if "source cache" not in second:
        why.append("second open: %r" % second.splitlines()[3:5])
    if cached_dump != ours_text:
        why.append("loaded index differs: " +
                   first_differences(ours, cached_dump.splitlines()))
    if len(files) != 1:
        why.append("cache files: %s" % files)
    else:
        size = os.path.getsize(files[0])
        with open(files[0], "r+b") as f:
            f.seek(size // 2)
            b = f.read(1)
            f.seek(size // 2)
            f.write(bytes([b[0] ^ 0x55]))
        third = run(["--cache", vmlinux, "stats"], env)
        if "source built, saved" not in third or "checksum" not in third:
            why.append("damaged file: %r" % third.splitlines()[3:5])
        fourth = run(["--cache", vmlinux, "stats"], env)
        if "source cache" not in fourth:
            why.append("after rebuild: %r" % fourth.splitlines()[3:5])
    report(not why, "dwarf-index-cache " + tag, "; ".join(why))

    # Prefix iteration: what starts with "task_" among structs, sorted,
    # the same set as the full listing has.
    got = run([vmlinux, "prefix", "task_", "struct"]).splitlines()
    want = sorted({" ".join(l.split(" ")[1:-2]) for l in ours
                   if l.startswith("struct task_")}, key=lambda s: s.encode())
    ok = got == want and "task_struct" in got
    report(ok, "dwarf-index-prefix " + tag,
           "" if ok else "got %d names, want %d" % (len(got), len(want)))


def main():
    if len(sys.argv) < 2:
        print("usage: dwarf_index_check.py DUMPDIR...", file=sys.stderr)
        return 2
    if not os.access(TOOL, os.X_OK):
        report(False, "dwarf-index", TOOL + " is not built (make tools)")
        return 0
    seen = set()
    tmp = tempfile.mkdtemp(prefix="crash-dwarf-index.")
    try:
        for d in sys.argv[1:]:
            vm = sorted(glob.glob(os.path.join(d, "..", "..", "vmlinux-*")))
            if not vm:
                skip("dwarf-index " + d, "no vmlinux next to the dumps")
                continue
            vmlinux = os.path.realpath(vm[0])
            if vmlinux in seen:
                continue
            seen.add(vmlinux)
            tag = os.path.basename(vmlinux)[len("vmlinux-"):]
            try:
                check_vmlinux(vmlinux, tag, tmp)
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                report(False, "dwarf-index " + tag, str(e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
