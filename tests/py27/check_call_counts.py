"""Runs a 2.7 suite with the call counters on (PYBUFFER_CALL_COUNTS) and checks the report
libpybuffer-py27 writes at exit: it names exactly the functions the library exports under
CPython's names (read with `nm -D` from the library itself), so no counter of a function the
variant lacks (PyObject_CheckBuffer, a macro in 2.7; the Python 3 variants' format and
memoryview functions; the porting layer's PyBuffer_GetType/PyBuffer_Check), and the suite's
calls of the buffer-object constructors were counted.

Usage: check_call_counts.py <nm> <libpybuffer-py27.so> <legacy functions, comma-separated>
                            <program> [<argument>...]
"""
import os
import subprocess
import sys
import tempfile


def exported_symbols(nm, library):
    """The defined dynamic symbols of `library`: {name: nm's type letter}."""
    listing = subprocess.run([nm, "-D", "--defined-only", library], check=True,
                             stdout=subprocess.PIPE, universal_newlines=True).stdout
    symbols = {}
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) == 3:
            symbols[fields[2]] = fields[1]
    return symbols


def main():
    nm, library, legacy, argv = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4:]
    exported = exported_symbols(nm, library)
    # The functions under CPython's names; the twins (pybuffer_*) and data (PyBuffer_Type) have
    # no counter of their own.
    functions = {name for name, kind in exported.items()
                 if kind == "T" and not name.startswith("pybuffer_")}
    if not functions:
        print("no function under CPython's names in %s's dynamic symbols" % library)
        return 1
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "counts")
        env = dict(os.environ, PYBUFFER_CALL_COUNTS=path)
        status = subprocess.call(argv, env=env)
        if status != 0:
            print("%s exited %d" % (argv[0], status))
            return 1
        with open(path, encoding="utf-8") as f:
            lines = [line.split() for line in f]
    problems = []
    counts = {}
    for fields in lines:
        if len(fields) != 4 or fields[0] != "pybuffer-calls" or not fields[3].isdigit():
            problems.append("malformed report line: %r" % " ".join(fields))
            continue
        counts[fields[2]] = counts.get(fields[2], 0) + int(fields[3])
    for name in sorted(set(counts) - functions):
        problems.append("the report names %s, which libpybuffer-py27 does not export as a "
                        "function" % name)
    for name in sorted(functions - set(counts)):
        problems.append("the report has no counter of exported %s" % name)
    constructors = [name for name in legacy if name in functions]
    if not constructors:
        problems.append("none of the buffer-object functions %s is exported" % legacy)
    if sum(counts.get(name, 0) for name in constructors) == 0:
        problems.append("no call of a buffer-object constructor was counted")
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print("call counts: %d counters, exactly the %d functions exported, calls of %s counted" %
          (len(counts), len(functions), ", ".join(constructors)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
