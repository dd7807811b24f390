#!/usr/bin/env python3
"""log_check.py DUMPDIR...: `crash --log DUMPFILE` (the kernel log read
through VMCOREINFO, no vmlinux) against the classic crash 8.0.6's `log` of
the same dump (cached next to the dumps), the fixture's marker line, and a
clear error where the dump has no VMCOREINFO.

Prints "ok NAME", "FAIL NAME: why" or "skip NAME: why" lines.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dumpinfo_check import CRASH, ROOT, ORACLE, report  # noqa: E402


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
            report(lines and lines[0].startswith("[    0.000000] Linux version "
                                                 + kver),
                   name + ": starts with the banner",
                   lines[0] if lines else "empty")
            if not use_oracle:
                print("skip %s oracle: no oracle chroot" % name)
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


if __name__ == "__main__":
    main()
