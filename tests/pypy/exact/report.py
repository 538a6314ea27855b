"""The conformance report of a runtime: the case table of cases.py run on a runtime and on the
reference (CPython 3.9 calling its own libpython), every difference grouped into a Markdown
table of function, case class, the reference's answer, the runtime's answer and the number of
cases. The differences are facts about the runtime, not failures: the exit status is non-zero
only when the report cannot be made.

    report.py --config RUNTIMES.json --runtime ID [--reference ID] [--output FILE]
              [--readme README.md]

RUNTIMES.json (tests/pypy/CMakeLists.txt writes it into the build tree) lists each runtime as
a profile, an interpreter, the directory and name of its build of recorder.c, and which
functions that build calls ("own": the runtime's; "pybuffer": the pybuffer_ twins). --readme
replaces the table between README's <!-- [report-ID] --> markers.
"""
import argparse
import collections
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import exact  # noqa: E402

FUNCTIONS = [  # key prefix -> function, first match wins
    ("CheckBuffer", "PyObject_CheckBuffer"),
    ("CheckReadBuffer", "PyObject_CheckReadBuffer"),
    ("AsCharBuffer", "PyObject_AsCharBuffer"),
    ("AsReadBuffer", "PyObject_AsReadBuffer"),
    ("AsWriteBuffer", "PyObject_AsWriteBuffer"),
    ("refcount after legacy", "PyObject_As*Buffer"),
    ("refcount after GetBuffer", "PyObject_GetBuffer"),
    ("obj after Release", "PyBuffer_Release"),
    ("refcount after Release", "PyBuffer_Release"),
    ("IsContiguous", "PyBuffer_IsContiguous"),
    ("GetPointer", "PyBuffer_GetPointer"),
    ("ToContiguous", "PyBuffer_ToContiguous"),
    ("FromContiguous", "PyBuffer_FromContiguous"),
    ("copies", "PyBuffer_ToContiguous"),
]


def function_of(case, key):
    for prefix, name in (("FillInfo", "PyBuffer_FillInfo"),
                         ("FillContiguousStrides", "PyBuffer_FillContiguousStrides"),
                         ("SizeFromFormat", "PyBuffer_SizeFromFormat"),
                         ("CopyData", "PyObject_CopyData"),
                         ("FromObject", "PyMemoryView_FromObject"),
                         ("FromMemory", "PyMemoryView_FromMemory"),
                         ("FromBuffer", "PyMemoryView_FromBuffer"),
                         ("GetContiguous", "PyMemoryView_GetContiguous")):
        if case.startswith(prefix):
            return name
    for prefix, name in FUNCTIONS:
        if key.startswith(prefix):
            return name
    return "PyObject_GetBuffer (the exporter's view)"


def class_of(case):
    first = case.split(" ")[0]
    if first in ("FromObject", "FromBuffer"):
        return "%s: %s" % (first, class_of(case[len(first) + 1:]))
    if first in ("bytes", "bytearray", "array"):
        return "bytes, bytearray, array"
    if first == "memoryview":
        return "memoryview slices and casts"
    if first == "Exporter":
        return "C exporter (strided, Fortran, PIL, zero-size)"
    if first in ("int", "str"):
        return "objects without a buffer"
    if first == "hand":
        return "hand-built views"
    return first


def shown(key, value, other):
    """One record in a few words: arrays as set or NULL, copies as their return value and
    whether their bytes differ from the other side's."""
    if value is None:
        return "%s: none" % key
    copy = re.match(r"^(-?\d+) ([0-9a-f]*)( guards=\d)?$", value)
    if copy:
        text = "%s returns %s" % (key, copy.group(1))
        other_copy = re.match(r"^(-?\d+) ([0-9a-f]*)", other or "")
        if other_copy and other_copy.group(2) != copy.group(2):
            text += " (other bytes)"
        if copy.group(3) == " guards=0":
            text += ", wrote outside the buffer"
        return text
    if value != "NULL" and key in ("shape", "strides", "suboffsets", "format"):
        value = "set"
    if key.endswith("buf offset") and value != "0":
        value = "elsewhere"  # a distance between unrelated blocks, different every run
    value = value.replace("|", "\\|")
    return "%s: %s" % (key, value if len(value) <= 70 else value[:67] + "...")


def outcome(records, case):
    """GetBuffer's outcome in brief: the exception it raised, or that it gave a view."""
    raised = records.get((case, "GetBuffer raised"))
    if raised is not None:
        return "raises " + raised.replace("|", "\\|")
    return "gives a view"


def crash_site(case, what, expected, order):
    """The function the runtime crashed in: the one of the reference's first record of the case
    after the last the runtime made."""
    keys = [key for name, key in order if name == case]
    after = re.search(r"after (.*)$", what)
    if after and after.group(1) in keys:
        following = keys[keys.index(after.group(1)) + 1:]
    else:
        following = keys
    return function_of(case, following[0]) if following else function_of(case, "")


def table(reference, runtime):
    expected, order = exact.run_side(reference["interpreter"], reference["module_dir"],
                                     reference["module"])
    actual, _ = exact.run_side(runtime["interpreter"], runtime["module_dir"], runtime["module"])
    if not expected or not actual:
        sys.exit("no records: the generator is broken")
    differences = exact.compare(expected, actual, order)
    crashed = {case: actual[case, "crashed"] for case, key, _, _ in differences
               if key == "crashed" and (case, "crashed") in actual}
    other_view = {case for case, key, _, _ in differences
                  if key in exact.VIEW_KEYS and not case.startswith("FillInfo")
                  and case not in crashed}
    # (function, case) -> [(key, expected, actual)]: one answer per function and case.
    per_case = collections.OrderedDict()
    derived = 0
    for case, key, want, got in differences:
        if case in crashed:
            continue
        if case in other_view and key not in exact.VIEW_KEYS:
            derived += 1
            continue
        per_case.setdefault((function_of(case, key), case), []).append((key, want, got))
    rows = collections.defaultdict(list)
    for (function, case), records in per_case.items():
        if any(got == "absent" for _, _, got in records):
            want_text, got_text = "answers", "absent (not in cpyext)"
        elif any(key == "GetBuffer" for key, _, _ in records):
            # One side has no view: its exception against the other's view, in brief.
            want_text, got_text = (outcome(expected, case), outcome(actual, case))
        else:
            want_text = "; ".join(shown(k, w, g) for k, w, g in records)
            got_text = "; ".join(shown(k, g, w) for k, w, g in records)
        rows[function, class_of(case), want_text, got_text].append(case)
    for case, what in crashed.items():
        signal = what.split(" after ")[0]
        rows[crash_site(case, what, expected, order), class_of(case), "answers",
             "crashes (%s)" % signal].append(case)
    cases = len({case for case, _ in order})
    lines = ["| Function | Case class | %s | %s | Cases |" % (reference["name"], runtime["name"]),
             "| --- | --- | --- | --- | --- |"]
    for (function, klass, want, got), names in sorted(rows.items()):
        lines.append("| `%s` | %s | %s | %s | %d |" % (function, klass, want, got, len(names)))
    lines.append("")
    lines.append("%d cases, %d records; %d records equal. Not compared: %d records derived from a "
                 "view the runtime's exporter gave differently (%d cases; pypy.exact lists those "
                 "exporter differences)."
                 % (cases, len(expected), len(expected) - len(differences), derived,
                    len(other_view)))
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--runtime", required=True)
    parser.add_argument("--reference", default="cpython39")
    parser.add_argument("--output")
    parser.add_argument("--readme")
    args = parser.parse_args()
    with open(args.config) as f:
        runtimes = {r["id"]: r for r in json.load(f)["runtimes"]}
    text = table(runtimes[args.reference], runtimes[args.runtime])
    if args.output:
        with open(args.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    if args.readme:
        marker = "<!-- [report-%s] -->" % args.runtime
        with open(args.readme) as f:
            readme = f.read()
        parts = readme.split(marker)
        if len(parts) != 3:
            sys.exit("%s needs two %s lines" % (args.readme, marker))
        with open(args.readme, "w") as f:
            f.write(parts[0] + marker + "\n" + text + marker + parts[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
