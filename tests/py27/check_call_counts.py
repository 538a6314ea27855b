"""Runs a 2.7 suite with the call counters on (PYBUFFER_CALL_COUNTS) and checks the report
libpybuffer-py27 writes at exit: it names every buffer-object function the variant exports
and none it does not (2.7 has PyBuffer_Type as data and PyBuffer_Check as a macro, so no
counter of the porting layer's PyBuffer_GetType/PyBuffer_Check), and the suite's calls were
counted.

Usage: check_call_counts.py <exported_symbols-py27.txt> <legacy functions, comma-separated>
                            <program> [<argument>...]
"""
import os
import subprocess
import sys
import tempfile


def main():
    exported_path, legacy, argv = sys.argv[1], sys.argv[2].split(","), sys.argv[3:]
    with open(exported_path, encoding="utf-8") as f:
        exported = {line.strip() for line in f if line.strip()}
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
    ours = [name for name in legacy if name in exported]
    if not ours:
        problems.append("none of the buffer-object functions %s is exported" % legacy)
    for name in legacy:
        if name in exported and name not in counts:
            problems.append("the report has no counter of exported %s" % name)
        if name not in exported and name in counts:
            problems.append("the report names %s, which libpybuffer-py27 does not export" % name)
    if sum(counts.get(name, 0) for name in ours) == 0:
        problems.append("no call of a buffer-object constructor was counted")
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print("call counts: %d counters, the buffer-object ones exactly the exported %s" %
          (len(counts), ", ".join(ours)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
