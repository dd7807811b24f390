#!/usr/bin/env python3
"""json_check.py DUMPDIR...: JSON output mode (crash --json, set output
json) on real dumps.

Every command line gives exactly one document, on a line of its own,
that Python's json parser reads (NaN and Infinity refused) and that
validates against doc/crash-json.schema.json (the envelope, and the
command's result against its $defs entry).  Then the documents are
checked against the same commands' text output in the same session
(which the other checks compare with the classic crash 8.0.6 and drgn):
sys field by field, ps row by row, ps -S, bt -a and bt -l frame by frame,
every log record rendered as log -m renders it, mod row by row, sym -l
(every symbol and module mark), sym -q and sym of addresses, struct
layouts against struct -o, and struct values leaf by leaf against
"struct TYPE.PATH ADDR".  Commands with no JSON form give their text as
lines; errors land in the document's messages; set output switches back.

Prints "ok NAME" / "FAIL NAME: why" / "skip NAME: why" lines.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dumpinfo_check import CRASH, TOP, report  # noqa: E402

SCHEMA = os.path.join(TOP, "doc", "crash-json.schema.json")
SEP = "!echo ====%d===="


def strict_loads(line):
    def no_constant(name):
        raise ValueError("not JSON: %s" % name)
    return json.loads(line, parse_constant=no_constant)


def crash(args, vmlinux, dump, lines):
    """Our crash on lines in batch mode: (stdout, stderr)."""
    with tempfile.NamedTemporaryFile("w", suffix=".cmds", delete=False) as f:
        f.write("".join(l + "\n" for l in lines))
        path = f.name
    try:
        p = subprocess.run([CRASH] + args + ["-i", path, vmlinux, dump],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, timeout=900)
    finally:
        os.unlink(path)
    out = p.stdout.decode("utf-8", "strict")
    err = p.stderr.decode("utf-8", "replace")
    for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                   "runtime error:"):
        if marker in err:
            raise RuntimeError("sanitizer report: " + err[:2000])
    return out, err


def text_answers(vmlinux, dump, cmds):
    """Each command's text output (stdout and stderr as one), by index."""
    lines = []
    for i, c in enumerate(cmds):
        lines += [SEP % i, c]
    lines.append(SEP % len(cmds))
    with tempfile.NamedTemporaryFile("w", suffix=".cmds", delete=False) as f:
        f.write("".join(l + "\n" for l in lines))
        path = f.name
    try:
        p = subprocess.run([CRASH, "-s", "-i", path, vmlinux, dump],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=900)
    finally:
        os.unlink(path)
    text = p.stdout.decode("utf-8", "replace")
    out = {}
    for i in range(len(cmds)):
        a = text.index("====%d====\n" % i) + len("====%d====\n" % i)
        b = text.index("====%d====\n" % (i + 1))
        out[i] = text[a:b]
    return out


class Schema:
    def __init__(self):
        import jsonschema
        self.schema = json.load(open(SCHEMA))
        cls = jsonschema.validators.validator_for(self.schema)
        cls.check_schema(self.schema)
        self.envelope = cls(self.schema)
        self.defs = {}
        for name in self.schema["$defs"]:
            sub = {"$ref": "#/$defs/" + name, "$defs": self.schema["$defs"]}
            self.defs[name] = cls(sub)

    def errors(self, doc, kind):
        errs = [e.message for e in self.envelope.iter_errors(doc)]
        if kind and "result" in doc:
            errs += ["result: %s at %s" % (e.message, list(e.absolute_path))
                     for e in self.defs[kind].iter_errors(doc["result"])]
        elif kind:
            errs.append("no result (text: %r)" % doc.get("text", [])[:3])
        return errs[:3]


# ---- the text forms, parsed -------------------------------------------

def sys_fields(text):
    f = {}
    for line in text.splitlines():
        m = re.match(r"^ *([A-Z ]+): (.*)$", line)
        if m:
            f[m.group(1).strip()] = m.group(2)
    return f


def ps_rows(text):
    rows = []
    for line in text.splitlines()[1:]:
        m = re.match(r"^(.) +(\d+) +(\d+) +(\d+) +([0-9a-f]+) +(\S+) +"
                     r"([\d.]+) +(\d+) +(\d+)  (.*)$", line)
        if not m:
            rows.append(("unparsed", line))
            continue
        comm = m.group(10)
        kthread = comm.startswith("[") and comm.endswith("]")
        rows.append((m.group(1) == ">", int(m.group(2)), int(m.group(3)),
                     int(m.group(4)), "0x" + m.group(5), m.group(6),
                     m.group(7), int(m.group(8)), int(m.group(9)),
                     comm[1:-1] if kthread else comm, kthread))
    return rows


def json_ps_rows(result):
    return [(r["active"], r["pid"], r["ppid"], r["cpu"], r["task"],
             r["state"], "%.1f" % r["pct_mem"], r["vsz_kb"], r["rss_kb"],
             r["comm"], r["kernel_thread"]) for r in result]


def bt_traces(text, lines=False):
    """[(pid, task, [(slot, function, pc, file:line)])] of bt's text."""
    traces = []
    for line in text.splitlines():
        m = re.match(r'^PID: (\d+) +TASK: ([0-9a-f]+) ', line)
        if m:
            traces.append((int(m.group(1)), "0x" + m.group(2), []))
            continue
        m = re.match(r"^ ?#\d+ \[([0-9a-f]+)\] (\S+) at ([0-9a-f]+)", line)
        if m and traces:
            traces[-1][2].append(["0x" + m.group(1), m.group(2),
                                  "0x" + m.group(3), None])
            continue
        m = re.match(r"^    (\S+): (\d+)$", line)
        if m and lines and traces and traces[-1][2]:
            traces[-1][2][-1][3] = "%s: %s" % (m.group(1), m.group(2))
    return [(p, t, [tuple(f) for f in fr]) for p, t, fr in traces]


def json_bt_traces(result):
    return [(t["pid"], t["task"],
             [(f["sp"], f["function"] or "(unknown)", f["pc"],
               "%s: %d" % (f["file"], f["line"]) if f["file"] else None)
              for f in t["frames"]]) for t in result]


def render_log_m(records):
    """The records as "log -m" shows them."""
    out = []
    for r in records:
        lead = "[%5d.%06d] <%x>" % (r["timestamp_ns"] // 10**9,
                                     r["timestamp_ns"] % 10**9 // 1000,
                                     r["level"] & 7)
        text = "".join(c if c == "\n" or c in "\t\v\f\r" or
                       0x20 <= ord(c) < 0x7f else "." for c in r["text"])
        # a character above U+007F is one byte of the record per byte
        # of its UTF-8 in the text form's dots
        text = "".join(c if ord(c) < 0x80 else
                       "." * len(c.encode("utf-8")) for c in text)
        out.append(lead + text.replace("\n", "\n" + " " * len(lead)))
    return "\n".join(out) + "\n"


def mod_rows(text):
    rows = []
    for line in text.splitlines()[1:]:
        m = re.match(r"^([0-9a-f]+) +(\S+) +([0-9a-f]+) +(\d+)  (.*)$", line)
        if m:
            rows.append(("0x" + m.group(1), m.group(2), "0x" + m.group(3),
                         int(m.group(4)), m.group(5)))
        else:
            rows.append(("unparsed", line))
    return rows


def json_mod_rows(result):
    return [(m["module"], m["name"], m["base"], m["size"],
             m["object_file"] or "(not loaded)" +
             ("  [CONFIG_KALLSYMS]" if m["kallsyms"] else ""))
            for m in result]


def json_sym_lines(result, brackets=True):
    """The sym text lines the JSON stands for."""
    out = []
    for e in result:
        if "marker" in e:
            out.append("%x MODULE %s%s%s: %s" % (
                int(e["address"], 16), e["region"],
                " " if e["region"] else "", e["marker"], e["module"]))
            continue
        line = "%016x (%s) %s" % (int(e["address"], 16), e["type"],
                                  e["name"])
        if e["offset"]:
            line += "+%d" % e["offset"]
        if e["module"] and brackets:
            line += " [%s]" % e["module"]
        if e["file"]:
            line += " %s: %d" % (e["file"], e["line"])
        out.append(line)
    return out


def layout_offsets(text):
    """{member: offset} of the top-level named members of struct -o: the
    offsets are right-aligned at the top level, nested ones further in."""
    found = []
    for line in text.splitlines():
        m = re.match(r"^( *)\[(\d+)\] .*?(\w+)(\[[^\]]*\])*( : \d+)?;$",
                     line)
        if m:
            found.append((len(m.group(1)) + len(m.group(2)), m.group(3),
                          int(m.group(2))))
    top = min(w for w, _, _ in found) if found else 0
    return {name: off for w, name, off in found if w == top}


def leaves(value, path="", out=None, depth=0):
    """(path, value) of the scalar members reachable by name."""
    if out is None:
        out = []
    if isinstance(value, dict):
        for k, v in value.items():
            leaves(v, path + "." + k if path else k, out, depth + 1)
    elif not isinstance(value, list):
        out.append((path, value))
    return out


def text_member_value(text):
    m = re.match(r"^  \S+ = (.*),\n$", text, re.S)
    if not m:
        return None
    v = m.group(1)
    if v.startswith('"'):
        return ("str", v)
    return ("tok", v.split()[0])


def same_leaf(jv, tv):
    if tv is None:
        return False
    kind, t = tv
    if kind == "str":
        if not isinstance(jv, str):
            return False
        if not all(0x20 <= ord(c) < 0x7f and c not in '"\\' for c in jv):
            return True     # escapes differ: only plain strings compared
        # a char array is a C string in JSON; GDB shows the NULs after it
        return re.sub(r'(\\000)+"$', '"', t) == '"%s"' % jv
    if isinstance(jv, bool):
        return t == ("true" if jv else "false")
    if isinstance(jv, int):
        try:
            return int(t, 0) == jv
        except ValueError:
            return False
    if isinstance(jv, str):
        return t == jv or (jv.startswith("0x") and
                           t.startswith("0x") and int(t, 16) == int(jv, 16))
    return jv is None


# ---- the checks ----------------------------------------------------------

def check_set(d, facts, schema):
    vmlinux = os.path.normpath(os.path.join(d, facts["vmlinux"]))
    kver = "%s %s" % (facts.get("arch", "x86_64"), facts["kernel_release"])
    dump = os.path.join(d, "kdump-d31-lzo.kdump")
    init = "init_task"
    # (command, the $defs entry of its result or None for text)
    cmds = [
        ("sys", "sys"),
        ("ps", "ps"),
        ("ps -k", "ps"),
        ("ps -s 1", "ps"),
        ("ps -S", "ps_summary"),
        ("ps -t 1", None),
        ("bt -a", "bt"),
        ("bt -l", "bt"),
        ("bt 1 2", "bt"),
        ("bt -f", None),
        ("bt 999999", "bt"),
        ("foreach bt", "foreach"),
        ("foreach RU ps", "ps"),
        ("foreach 1 task -R pid", "foreach"),
        ("task -R pid 1", None),
        ("log -m", "log"),
        ("mod", "mod"),
        ("sym -l", "sym"),
        ("sym -q schedule", "sym"),
        ("sym jiffies schedule", "sym"),
        ("sym nosuchsymbol_json", "sym"),
        ("struct list_head", "struct_layout"),
        ("struct -o task_struct", "struct_layout"),
        ("struct page", "struct_layout"),
        ("struct task_struct.se.avg", "struct_layout"),
        ("struct task_struct %s" % init, "struct_values"),
        ("struct task_struct.pid,comm,prio,mm,se.on_rq %s" % init,
         "struct_values"),
        ("struct list_head %s 3" % init, "struct_values"),
        ("union rcu_special %s" % init, "struct_values"),
        ("struct nosuchstruct_json", None),
        ("rd -x", None),
        ("nosuchcommand_json", None),
    ]
    lines = [c for c, _ in cmds]
    try:
        out, err = crash(["--json"], vmlinux, dump, lines)
    except RuntimeError as e:
        report(False, "json %s: run" % kver, str(e))
        return
    docs = []
    bad = []
    for n, line in enumerate(out.splitlines()):
        try:
            docs.append(strict_loads(line))
        except ValueError as e:
            bad.append("line %d: %s: %r" % (n + 1, e, line[:200]))
    report(not bad and len(docs) == len(cmds),
           "json %s: one document per command line (%d)" % (kver, len(cmds)),
           "; ".join(bad[:3]) or "%d documents for %d commands" %
           (len(docs), len(cmds)))
    report(err == "", "json %s: nothing on stderr" % kver, repr(err[:300]))
    if len(docs) != len(cmds):
        return
    for (c, kind), doc in zip(cmds, docs):
        name = c.split()[0]
        # a command with no JSON form, or one that failed, has no result
        if doc.get("status") and "result" not in doc:
            kind = None
        errs = schema.errors(doc, kind)
        errs += [] if doc["command"] == name else ["command %r" %
                                                    doc["command"]]
        if c.split()[1:] != doc["args"]:
            errs.append("args %r" % doc["args"])
        report(not errs, "json %s: %s: schema" % (kver, c), "; ".join(errs))
    by = {c: doc for (c, _), doc in zip(cmds, docs)}
    text = text_answers(vmlinux, dump, lines)
    txt = {c: text[i] for i, c in enumerate(lines)}

    # sys
    r, f = by["sys"]["result"], sys_fields(txt["sys"])
    want = {"CPUS": str(r["cpus"]), "DATE": r["date"],
            "TASKS": str(r["tasks"]), "NODENAME": r["nodename"],
            "RELEASE": r["release"], "VERSION": r["version"],
            "MEMORY": r["memory"], "PANIC": '"%s"' % r["panic"],
            "LOAD AVERAGE": ", ".join("%.2f" % x for x in r["load_average"]),
            "UPTIME": "%02d:%02d:%02d" % (r["uptime_seconds"] // 3600,
                                          r["uptime_seconds"] // 60 % 60,
                                          r["uptime_seconds"] % 60),
            "MACHINE": "%s  (%s Mhz)" % (r["machine"],
                                         r["mhz"] or "unknown")}
    diff = ["%s: %r vs %r" % (k, v, f.get(k)) for k, v in want.items()
            if f.get(k) != v]
    report(not diff and r["kernel"] == f.get("KERNEL") and not r["errors"],
           "json %s: sys as the text" % kver, "; ".join(diff))

    # ps
    for c in ("ps", "ps -k"):
        j, t = json_ps_rows(by[c]["result"]), ps_rows(txt[c])
        report(j == t and len(j) > 3, "json %s: %s as the text (%d tasks)" %
               (kver, c, len(j)), "first difference: %r" %
               (next(((a, b) for a, b in zip(j, t) if a != b),
                     (len(j), len(t))),))
    panic = [x["pid"] for x in by["ps"]["result"] if x["panic"]]
    report(len(panic) == 1, "json %s: ps: one panic task" % kver,
           repr(panic))
    summary = dict(re.findall(r"^  (\S+): (\d+)$", txt["ps -S"], re.M))
    report({k: str(v) for k, v in by["ps -S"]["result"].items()} == summary,
           "json %s: ps -S as the text" % kver,
           "%r vs %r" % (by["ps -S"]["result"], summary))
    report(by["ps -t 1"].get("text") == txt["ps -t 1"].splitlines(),
           "json %s: ps -t (no JSON form) as text lines" % kver,
           repr(by["ps -t 1"])[:300])

    # bt
    for c, lines_too in (("bt -a", False), ("bt -l", True), ("bt 1 2", False)):
        j = json_bt_traces(by[c]["result"])
        t = bt_traces(txt[c], lines_too)
        if not lines_too:
            j = [(p, k, [f[:3] + (None,) for f in fr]) for p, k, fr in j]
        report(j == t and j and any(fr for _, _, fr in j),
               "json %s: %s frames as the text (%d traces, %d frames)" %
               (kver, c, len(j), sum(len(fr) for _, _, fr in j)),
               "json %r\ntext %r" % (j[:1], t[:1]))
    regs = [f["exception_frame"] for t in by["bt -a"]["result"]
            for f in t["frames"] if f["exception_frame"]]
    starts = [t["start"] for t in by["bt -a"]["result"] if t["start"]]
    report(all(r["registers"] for r in regs + starts),
           "json %s: bt -a: exception frames and start registers named "
           "(%d, %d)" % (kver, len(regs), len(starts)), repr(regs[:1]))
    d999 = by["bt 999999"]
    report(d999["result"] == [] and any("999999" in m for m in
                                        d999["messages"]),
           "json %s: bt of no task: empty, the message kept" % kver,
           repr(d999))
    # foreach bt: an object per task, its result bt's, as foreach bt's text
    fe = by["foreach bt"]["result"]
    j = [tr for e in fe for tr in json_bt_traces(e["result"])]
    j = [(p, k, [f[:3] + (None,) for f in fr]) for p, k, fr in j]
    t = bt_traces(txt["foreach bt"])
    report(j == t and len(fe) > 10 and
           all(e["pid"] == e["result"][0]["pid"] and
               e["task"] == e["result"][0]["task"] for e in fe),
           "json %s: foreach bt: every task's trace as the text (%d)" %
           (kver, len(fe)), "json %r\ntext %r" % (j[:1], t[:1]))
    report(json_ps_rows(by["foreach RU ps"]["result"]) ==
           ps_rows(txt["foreach RU ps"]),
           "json %s: foreach RU ps: ps's result" % kver, "")
    # task prints a header before the structure: its answer is text, in
    # foreach too (a mixed answer would not be JSON)
    e = by["foreach 1 task -R pid"]["result"]
    report(len(e) == 1 and e[0]["text"] ==
           txt["foreach 1 task -R pid"].splitlines() and
           by["task -R pid 1"]["text"] == txt["task -R pid 1"].splitlines(),
           "json %s: task's header and structure stay text" % kver,
           repr(e)[:300])
    report(by["bt -f"].get("text") == txt["bt -f"].splitlines(),
           "json %s: bt -f (no JSON form) as text lines" % kver,
           repr(by["bt -f"])[:300])

    # log
    recs = by["log -m"]["result"]
    rendered = render_log_m(recs)
    report(rendered == txt["log -m"] and len(recs) > 100,
           "json %s: log -m: every record as the text (%d)" %
           (kver, len(recs)),
           "first differing line: %r" % (next(
               ((a, b) for a, b in zip(rendered.splitlines(),
                                       txt["log -m"].splitlines())
                if a != b), None),))
    seqs = [r["seq"] for r in recs]
    report(seqs == sorted(seqs) and len(set(seqs)) == len(seqs),
           "json %s: log: sequence numbers ascending" % kver, "")

    # mod
    j, t = json_mod_rows(by["mod"]["result"]), mod_rows(txt["mod"])
    report(j == t and len(j) > 0, "json %s: mod as the text (%d)" %
           (kver, len(j)), "%r vs %r" % (j[:2], t[:2]))

    # sym
    j = json_sym_lines(by["sym -l"]["result"], brackets=False)
    t = txt["sym -l"].splitlines()
    report(j == t and len(j) > 10000, "json %s: sym -l: every symbol and "
           "mark as the text (%d)" % (kver, len(j)), "first difference: %r" %
           (next(((a, b) for a, b in zip(j, t) if a != b),
                 (len(j), len(t))),))
    for c in ("sym -q schedule", "sym jiffies schedule"):
        j = json_sym_lines(by[c]["result"])
        t = txt[c].splitlines()
        report(j == t and j, "json %s: %s as the text (%d)" %
               (kver, c, len(j)), "%r vs %r" % (j[:3], t[:3]))
    d = by["sym nosuchsymbol_json"]
    report(d["status"] == 1 and d["result"] == [] and d["messages"],
           "json %s: sym of no symbol: status 1, a message" % kver, repr(d))

    # struct layouts
    j = by["struct -o task_struct"]["result"]
    jo = {m["name"]: m["offset"] for m in j["members"] if m["name"]}
    to = layout_offsets(txt["struct -o task_struct"])
    common = set(jo) & set(to)
    report(j["size"] > 1000 and len(common) > 50 and
           all(jo[k] == to[k] for k in common) and set(jo) <= set(to),
           "json %s: struct -o task_struct offsets as the text (%d)" %
           (kver, len(common)), "%r" % [(k, jo.get(k), to.get(k))
                                        for k in sorted(set(jo) | set(to))
                                        if jo.get(k) != to.get(k)][:5])
    size = re.search(r"SIZE: (\d+)", txt["struct list_head"])
    lh = by["struct list_head"]["result"]
    report(size and lh["size"] == int(size.group(1)) and
           [(m["name"], m["type"], m["offset"]) for m in lh["members"]] ==
           [("next", "struct list_head *", 0), ("prev", "struct list_head *",
                                                8)]
           and "struct list_head *next;" in txt["struct list_head"],
           "json %s: struct list_head layout" % kver, repr(lh))

    # struct values: every named scalar leaf of init_task against the text
    value = by["struct task_struct %s" % init]["result"][0]["value"]
    pairs = [(p, v) for p, v in leaves(value) if not isinstance(v, list)]
    report(len(pairs) > 100, "json %s: struct task_struct: %d leaves" %
           (kver, len(pairs)), "")
    sample = pairs[::max(1, len(pairs) // 150)]
    ask = ["struct task_struct.%s %s" % (p, init) for p, _ in sample]
    ans = text_answers(vmlinux, dump, ask)
    wrong = [(p, v, ans[i]) for i, (p, v) in enumerate(sample)
             if not same_leaf(v, text_member_value(ans[i]))]
    report(not wrong, "json %s: struct task_struct: %d leaves as "
           "\"struct task_struct.PATH\" shows them" % (kver, len(sample)),
           "%d differ, first: %r" % (len(wrong), wrong[:3]))
    few = by["struct task_struct.pid,comm,prio,mm,se.on_rq %s" % init]
    v = few["result"][0]["value"]
    report(list(v) == ["pid", "comm", "prio", "mm", "se.on_rq"] and
           v["pid"] == 0 and v["comm"] == value["comm"] and
           v["prio"] == value["prio"] and v["mm"] == value["mm"] and
           v["se.on_rq"] == value["se"]["on_rq"],
           "json %s: struct with members: the members asked, as the whole "
           "value has them" % kver, repr(v))
    three = by["struct list_head %s 3" % init]["result"]
    base = int(three[0]["address"], 16)
    report([int(x["address"], 16) - base for x in three] == [0, 16, 32],
           "json %s: struct with a count: one object each" % kver,
           repr(three))
    for c in ("struct nosuchstruct_json", "nosuchcommand_json"):
        d = by[c]
        report(d["status"] == 1 and d["messages"] and
               "result" not in d, "json %s: %s: status 1, the message" %
               (kver, c), repr(d))

    # set output switches both ways, in one session
    out, _ = crash(["-s"], vmlinux, dump,
                   ["set output json", "sys", "set output text", "sys",
                    "set output bogus"])
    parts = out.split("\n", 2)
    ok = (parts[0] == "output: json" and
          strict_loads(parts[1])["result"]["release"] == r["release"] and
          "RELEASE: %s" % r["release"] in parts[2] and
          parts[2].startswith('{"command":"set","args":["output","text"]'))
    report(ok, "json %s: set output json, then text" % kver, repr(out[:400]))


def main():
    try:
        schema = Schema()
    except ImportError:
        print("FAIL json: python3-jsonschema is not installed "
              "(tests/install-deps.sh test)")
        return
    for d in sys.argv[1:]:
        facts = json.load(open(os.path.join(d, "facts.json")))
        if "kdump-d31-lzo.kdump" not in facts["dumps"]:
            print("skip json %s: no kdump-d31-lzo.kdump" % d)
            continue
        check_set(d, facts, schema)


if __name__ == "__main__":
    main()
