"""pypy.exact: runs the case table (cases.py) on two runtimes and compares every record.

    exact.py --expected EXE DIR MODULE --actual EXE DIR MODULE --explained FILE
             [--cases SCRIPT] [--names EXPECTED ACTUAL]

(--cases runs another case table, say tests/legacy's, in place of cases.py; --names labels
the two sides in the report.)

Each side is one interpreter importing its build of the recorder from DIR. The expected side
is CPython 3.9 calling its own libpython; the actual side PyPy calling libpybuffer-pypy39's
twins. A record that differs must be matched by a line of FILE, which names the exporter
difference that causes it (a real PyPy exporter giving a different view for the same
request); an entry of FILE that explains nothing fails too, so the list cannot go stale.
Exit status 0 only when every record is equal or explained.

The view an exporter gives is the exporter's (pybuffer's GetBuffer passes the request on), so
the explanations name only records of the view (VIEW_KEYS). When a case's view differs, the
records derived from it (contiguity, pointers, copies, reference counts of the release) are
reported as derived from a different view; when the view is equal, every derived record must
be equal too. Identical input (hand-built views, the suite's C exporter) thus compares all of
pybuffer's behaviour with CPython's.
"""
import argparse
import fnmatch
import os
import subprocess
import sys

VIEW_KEYS = ("GetBuffer", "GetBuffer raised", "len", "itemsize", "readonly", "ndim", "format",
             "shape", "strides", "suboffsets", "obj")


CASES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases.py")


def run_once(executable, directory, module, skip):
    """(exit status, stdout, stderr) of the case table on one runtime, skipping the cases in
    `skip`; exits on a failure that is not a signal."""
    env = dict(os.environ, PYTHONPATH=directory, PYBUFFER_EXACT_SKIP="\n".join(skip))
    result = subprocess.run([executable, CASES, module], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE,
                            universal_newlines=True, timeout=300)
    if result.returncode > 0:
        sys.exit("%s %s failed (%d):\n%s" % (executable, module, result.returncode,
                                             result.stderr))
    return result.returncode, result.stdout, result.stderr


def parse(output):
    """({(case, key): value}, order of the keys) of one run's output."""
    records = {}
    order = []
    for line in output.splitlines():
        case_name, key, value = line.split("\t", 2)
        if (case_name, key) in records:
            sys.exit("record %s / %s twice" % (case_name, key))
        records[case_name, key] = value
        order.append((case_name, key))
    return records, order


def last_progress(progress):
    """(the last case begun, the last key it recorded or None) from a run's stderr."""
    case = key = None
    for line in progress.splitlines():
        if line.startswith("#case "):
            case, key = line[len("#case "):], None
        elif line.startswith("#put "):
            key = line[len("#put "):]
    return case, key


def run_side(executable, directory, module):
    """{(case, key): value} and the order of the keys. A case that kills the runtime (a signal:
    its own functions crash on the input) is recorded as one record, "crashed": the signal and
    the last record made before it, and the cases are run again without it."""
    crashed = {}
    while True:
        status, output, progress = run_once(executable, directory, module, list(crashed))
        records, order = parse(output)
        if status == 0:
            for name, what in crashed.items():
                records[name, "crashed"] = what
                order.append((name, "crashed"))
            return records, order
        case, key = last_progress(progress)
        if case is None or case in crashed or len(crashed) >= 100:
            sys.exit("%s %s died (signal %d) outside a case" % (executable, module, -status))
        crashed[case] = "signal %d %s" % (-status, "after " + key if key else "at once")


def expand(pattern):
    """The globs a pattern with {a,b,...} alternatives stands for (several groups allowed)."""
    start = pattern.find("{")
    if start < 0:
        return [pattern]
    end = pattern.index("}", start)
    return [glob for choice in pattern[start + 1:end].split(",")
            for glob in expand(pattern[:start] + choice + pattern[end + 1:])]


def read_explained(path):
    """[(reason, case pattern, key pattern)] from lines 'reason | case | key'; a key of "*"
    stands for every key of the view (VIEW_KEYS), never a derived record."""
    entries = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                reason, case, key = (part.strip() for part in line.split("|"))
                entries.append((reason, case, key))
    return entries


def explains(entry, case, key):
    _, cases, keys = entry
    if keys == "*" and key not in VIEW_KEYS:
        return False
    return (any(fnmatch.fnmatchcase(case, glob) for glob in expand(cases)) and
            any(fnmatch.fnmatchcase(key, glob) for glob in expand(keys)))


def compare(expected, actual, order):
    """[(case, key, expected value or None, actual value or None)] of every record not equal."""
    keys = order + [k for k in actual if k not in expected]
    return [(case, key, expected.get((case, key)), actual.get((case, key)))
            for case, key in keys if expected.get((case, key)) != actual.get((case, key))]


def main():
    global CASES
    parser = argparse.ArgumentParser()
    parser.add_argument("--expected", nargs=3, required=True, metavar=("EXE", "DIR", "MODULE"))
    parser.add_argument("--actual", nargs=3, required=True, metavar=("EXE", "DIR", "MODULE"))
    parser.add_argument("--explained", required=True)
    parser.add_argument("--cases", default=CASES)
    parser.add_argument("--names", nargs=2, default=("CPython 3.9", "pybuffer-pypy"))
    args = parser.parse_args()
    CASES = args.cases
    expected, order = run_side(*args.expected)
    actual, _ = run_side(*args.actual)
    entries = read_explained(args.explained)
    used = {entry: 0 for entry in entries}
    unexplained = []
    differences = compare(expected, actual, order)
    # A crash on either side is never explained, nor hidden as derived from a different view.
    crashed = {case for case, key, _, _ in differences if key == "crashed"}
    other_view = {case for case, key, _, _ in differences
                  if key in VIEW_KEYS and case not in crashed}
    derived = 0
    for case, key, want, got in differences:
        if case in crashed:
            if key == "crashed":
                unexplained.append((case, key, want, got))
            continue
        if case in other_view and key not in VIEW_KEYS:
            derived += 1
            continue
        match = [e for e in entries if explains(e, case, key)]
        for entry in match:
            used[entry] += 1
        if not match:
            unexplained.append((case, key, want, got))
    cases = len({case for case, _ in order})
    print("%d cases, %d records; %d equal, %d different" % (cases, len(expected),
                                                            len(expected) - len(differences),
                                                            len(differences)))
    print("%d records derived from an exporter's different view, in %d cases"
          % (derived, len(other_view)))
    for (reason, case, key), count in used.items():
        print("explained (%s): %d records of %s / %s" % (reason, count, case, key))
    for case, key, want, got in unexplained:
        print("UNEXPLAINED %s / %s: %s %r, %s %r" % (case, key, args.names[0], want,
                                                      args.names[1], got))
    stale = [entry for entry, count in used.items() if count == 0]
    for reason, case, key in stale:
        print("STALE explanation (%s) %s / %s: explains nothing" % (reason, case, key))
    print("%d unexplained, %d stale" % (len(unexplained), len(stale)))
    return 1 if unexplained or stale else 0


if __name__ == "__main__":
    sys.exit(main())
