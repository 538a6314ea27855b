#!/usr/bin/env python3
"""Drop-in conformance: CPython's own regression tests, and NumPy's buffer tests, run with
and without pybuffer serving the interpreter, compared test by test.

For each CPython host (from the configuration CMake writes, conformance.json) it runs the
suites in up to three variants:

  without        the host's own python executable: the reference outcomes;
  pybuffer-python the embedding host pybuffer-python<id> (Py_BytesMain, libpybuffer linked
                 ahead of libpython): extension modules' buffer calls always reach pybuffer,
                 and so do libpython's own calls when libpython makes them through the PLT;
  LD_PRELOAD     the host's own executable with libpybuffer.so.0 preloaded, only where that
                 reroutes something: libpython calls its buffer functions through the PLT and
                 the executable loads libpython (a statically linked python would win lookup
                 for its own definitions, so nothing would reach pybuffer).

Every test's outcome (ok, FAIL, ERROR, skipped, ...) is recorded by regrtest_driver.py and
compared between `without` and each other variant. A difference is re-run once, both
sides, serially; a difference that does not come back is reported as flaky, one that does
fails the run. The proof that pybuffer served calls comes from two sources: the library's
call counters (PYBUFFER_CALL_COUNTS) summed over every process of a variant, and the dynamic
linker's binding report (LD_DEBUG=bindings) of a short run. A variant where pybuffer served
no call fails; where libpython has dynamic relocations against PyObject_GetBuffer,
PyBuffer_Release, PyBuffer_IsContiguous or PyBuffer_ToContiguous, each of those must have
been served at least once, and libpython's own PyObject_GetBuffer must be bound to
libpybuffer.

Exit status: 0 passed, 1 failed, 77 nothing could be run (CTest's SKIP_RETURN_CODE: "not
run", never a pass). Results go to <output>/results/<run>.json; <output>/report.md is
rebuilt from every result there and printed at the end. Standard library only; Python 3.9+.
"""
import argparse
import collections
import concurrent.futures
import contextlib
import datetime
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

try:
    import fcntl
except ImportError:  # not POSIX: no locking, one runner at a time
    fcntl = None

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.path.join(HERE, "regrtest_driver.py")
KNOWN_DIFFERENCES = os.path.join(HERE, "known_differences.txt")
EXIT_STATUS = "(exit status of the suite)"

DEFAULT_SUITES = [
    "test_buffer", "test_memoryview", "test_struct", "test_array", "test_bytes",
    "test_picklebuffer", "test_binascii", "test_hashlib", "test_io",
    # Starts shells and other programs: with LD_PRELOAD they inherit the library.
    "test_subprocess",
]
# regrtest resources: "cpu" enables the exhaustive getbuffer/cast sweeps of test_buffer.
REGRTEST_ARGS = ["-v", "-u", "cpu"]
NUMPY_SELECTION = "buffer or Buffer or memoryview or PEP3118"
# NumPy's tests that start compilers and shells (relative to the numpy package): run without
# and with libpybuffer preloaded, every child process inherits it (--numpy-children).
NUMPY_CHILDREN_TESTS = [
    "distutils/tests/test_exec_command.py", "distutils/tests/test_shell_utils.py",
    "core/tests/test_mem_policy.py", "_core/tests/test_mem_policy.py", "f2py/tests",
]
# Functions a libpython that calls them through the PLT must have sent to pybuffer.
ROUTED_FUNCTIONS = [
    "PyObject_GetBuffer", "PyBuffer_Release", "PyBuffer_IsContiguous", "PyBuffer_ToContiguous",
]
WITHOUT, EMBEDDED, PRELOAD = "without", "pybuffer-python", "LD_PRELOAD"
EXECUTED = ("ok", "FAIL", "ERROR", "expected failure", "unexpected success")
NOT_RUN = 77
JOB_TIMEOUT = 1200  # seconds per suite process; test_io takes ~20 s on 2 cores
# The short run whose binding report proves where PyObject_GetBuffer went. LD_BIND_NOW makes
# the linker resolve (and report) every reference at load time, called or not.
BINDING_PROBE = (
    "import sys, array, _struct\n"
    "try:\n    import _testbuffer\nexcept ImportError:\n    pass\n"
    "bytes(memoryview(bytearray(b'pybuffer'))[::-1])\n"
    "print(sys.version.replace('\\n', ' '))\n"
)
BINDING_LINE = re.compile(r"binding file (\S+) \[\d+\] to (\S+) \[\d+\]: normal symbol `(\w+)'")


def log(message):
    print("conformance: " + message, flush=True)


# ----------------------------------------------------------------------------- environment


def clean_environment():
    """The caller's environment without anything that would put pybuffer (or another
    interpreter's settings) into the reference run."""
    env = dict(os.environ)
    for name in ("LD_PRELOAD", "PYBUFFER_CALL_COUNTS", "LD_DEBUG", "LD_DEBUG_OUTPUT",
                 "LD_BIND_NOW", "PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONINSPECT",
                 "PYTHONNOUSERSITE", "PYTHONSAFEPATH"):
        env.pop(name, None)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def run_capture(argv, env=None, timeout=120, cwd=None):
    try:
        done = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return 127, "", str(error)
    return (done.returncode, done.stdout.decode("utf-8", "replace"),
            done.stderr.decode("utf-8", "replace"))


def dpkg_package_of(path):
    """The Debian package that installed path, or None (no dpkg, or not dpkg's file)."""
    if not shutil.which("dpkg-query"):
        return None
    rc, out, _ = run_capture(["dpkg-query", "-S", os.path.realpath(path)])
    if rc != 0 or ":" not in out:
        return None
    return out.split(":", 1)[0].strip()


def readelf(option, path):
    """readelf's --wide output for one option, or None (no readelf, or not an ELF file)."""
    program = shutil.which("readelf")
    if not program:
        return None
    rc, out, _ = run_capture([program, option, "--wide", path])
    return out if rc == 0 else None


def dynamic_relocation_symbols(library):
    """Names the ELF file looks up at run time (its dynamic relocations)."""
    out = readelf("--relocs", library)
    if out is None:
        return None
    names = set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 5 and fields[2].startswith("R_"):
            names.add(fields[4].split("@")[0])
    return names


def needed_libraries(executable):
    out = readelf("--dynamic", executable)
    if out is None:
        return None
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out))


@contextlib.contextmanager
def file_lock(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a") as handle:
        if fcntl:
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl:
                fcntl.flock(handle, fcntl.LOCK_UN)


def can_install_packages():
    if not shutil.which("apt-get"):
        return None
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return []
    if shutil.which("sudo") and run_capture(["sudo", "-n", "true"])[0] == 0:
        return ["sudo", "-n"]
    return None


def apt_install(package, lock_path):
    prefix = can_install_packages()
    if prefix is None:
        log("cannot install %s: not root and no password-less sudo" % package)
        return False
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    with file_lock(lock_path):
        log("installing %s with apt-get" % package)
        install = prefix + ["apt-get", "install", "-y", "-q", package]
        if subprocess.call(install, env=env) == 0:
            return True
        subprocess.call(prefix + ["apt-get", "update", "-q"], env=env)
        return subprocess.call(install, env=env) == 0


# ----------------------------------------------------------------------------- hosts


class Host:
    """One CPython from conformance.json, with what the runner learns about it."""

    def __init__(self, entry):
        self.id = entry["id"]
        self.version = entry["version"]
        self.executable = entry["executable"]
        self.library = entry["library"]
        self.python_host = entry.get("python_host") or ""
        self.env = None
        self.full_version = ""
        self.home = ""
        self.package = None
        self.relocated = None
        self.preload_possible = False

    def describe(self):
        return "CPython %s (%s, host id %s)" % (self.full_version or self.version,
                                                 self.executable, self.id)

    def probe(self, base_env):
        """Reads sys.prefix (for PYTHONHOME), the version, and how libpython is linked."""
        rc, out, err = run_capture([self.executable, "-c",
                                    "import sys; print(sys.version.split()[0]);"
                                    "print(sys.prefix); print(sys.exec_prefix)"], env=base_env)
        lines = out.splitlines()
        if rc != 0 or len(lines) < 3:
            return "cannot run %s: %s" % (self.executable, (err or out).strip()[-300:])
        self.full_version, prefix, exec_prefix = lines[0], lines[1], lines[2]
        # Py_BytesMain computes the prefix from argv[0]; pybuffer-python lives in the build
        # tree, so every variant of this host gets the host's own prefix, explicitly.
        self.home = prefix if prefix == exec_prefix else prefix + os.pathsep + exec_prefix
        self.env = dict(base_env, PYTHONHOME=self.home)
        self.package = dpkg_package_of(self.executable)
        symbols = dynamic_relocation_symbols(self.library)
        self.relocated = None if symbols is None else sorted(
            name for name in ROUTED_FUNCTIONS if name in symbols)
        needed = needed_libraries(self.executable) or set()
        self.preload_possible = bool(self.relocated) and any(
            name.startswith(os.path.basename(self.library).split(".so")[0]) for name in needed)
        return None

    def variants(self, library, kind="regrtest"):
        """(name, argv prefix, extra environment) for every way of running this host."""
        result = [(WITHOUT, [self.executable], {})]
        if kind == "children":
            # Preloaded whether or not that serves the interpreter: its children are the point.
            return result + [(PRELOAD, [self.executable], {"LD_PRELOAD": library})]
        if self.python_host and os.path.exists(self.python_host):
            result.append((EMBEDDED, [self.python_host], {}))
        if self.preload_possible:
            result.append((PRELOAD, [self.executable], {"LD_PRELOAD": library}))
        return result

    def module_available(self, module):
        rc, _, _ = run_capture([self.executable, "-c",
                                "import importlib.util, sys;"
                                "sys.exit(importlib.util.find_spec(%r) is None)" % module],
                               env=self.env)
        return rc == 0


# ----------------------------------------------------------------------------- runs


def read_outcomes(path):
    """{test id: sorted tuple of outcomes} from a driver's JSON-lines file."""
    outcomes = collections.defaultdict(list)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                line = line.strip()
                if not line:
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # a line cut short by a crash
                outcomes[record["id"]].append(record["outcome"])
    return {test: tuple(sorted(values)) for test, values in outcomes.items()}


def read_junit(path):
    """{test id: (outcome,)} from a pytest JUnit XML file."""
    import xml.etree.ElementTree as ElementTree

    outcomes = {}
    if not os.path.exists(path):
        return outcomes
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError:
        return outcomes
    for case in root.iter("testcase"):
        test = "%s::%s" % (case.get("classname", ""), case.get("name", ""))
        outcome = "ok"
        for child in case:
            if child.tag == "skipped":
                outcome = "expected failure" if "xfail" in (child.get("type") or "") else "skipped"
            elif child.tag == "failure":
                outcome = "FAIL"
            elif child.tag == "error":
                outcome = "ERROR"
        outcomes.setdefault(test, [])
        outcomes[test] = tuple(sorted(list(outcomes[test]) + [outcome]))
    return outcomes


def read_counts(path):
    """{function: calls} summed over every process that appended to a counts file."""
    counts = collections.Counter()
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                fields = line.split()
                if len(fields) == 4 and fields[0] == "pybuffer-calls" and fields[3].isdigit():
                    counts[fields[2]] += int(fields[3])
    return dict(counts)


def summarize(outcomes):
    tally = collections.Counter()
    for values in outcomes.values():
        for value in values:
            tally[value] += 1
    executed = sum(tally[name] for name in EXECUTED)
    return {"executed": executed, "skipped": tally["skipped"],
            "failed": tally["FAIL"] + tally["ERROR"] + tally["unexpected success"],
            "ids": len(outcomes)}


class Job:
    """One suite in one variant of one host: a process tree with its own files."""

    def __init__(self, run_dir, host, variant, argv, extra_env, suite, kind, attempt=1):
        self.host, self.variant, self.suite, self.kind = host, variant, suite, kind
        self.name = "%s/%s/%s%s" % (host.id, variant, suite,
                                    "" if attempt == 1 else ".rerun%d" % attempt)
        self.dir = os.path.join(run_dir, host.id, variant,
                                suite if attempt == 1 else "%s.rerun%d" % (suite, attempt))
        self.argv, self.extra_env = argv, extra_env
        self.outcomes_file = os.path.join(self.dir, "outcomes.jsonl")
        self.junit_file = os.path.join(self.dir, "junit.xml")
        self.counts_file = os.path.join(self.dir, "calls.txt")
        self.log_file = os.path.join(self.dir, "output.log")
        self.rc = None
        self.duration = 0.0
        self.outcomes = {}
        self.counts = {}

    def command(self, numpy_tests):
        if self.kind == "children":
            return self.argv + ["-m", "pytest", "-p", "no:cacheprovider", "-q", "-rfE",
                                "--junitxml=" + self.junit_file] + numpy_tests["files"] + \
                numpy_tests["extra"]
        if self.kind == "numpy":
            return self.argv + ["-m", "pytest", "-p", "no:cacheprovider", "-q", "-rfE",
                                "--junitxml=" + self.junit_file, "-k", NUMPY_SELECTION,
                                numpy_tests["file"]] + numpy_tests["extra"]
        return self.argv + [DRIVER, self.outcomes_file] + REGRTEST_ARGS + [self.suite]

    def run(self, library, numpy_tests=None):
        if os.path.isdir(self.dir):
            shutil.rmtree(self.dir)
        work = os.path.join(self.dir, "tmp")
        os.makedirs(work)
        env = dict(self.host.env, TMPDIR=work, **self.extra_env)
        if self.variant != WITHOUT:
            env["PYBUFFER_CALL_COUNTS"] = self.counts_file
        start = time.monotonic()
        with open(self.log_file, "wb") as output:
            try:
                self.rc = subprocess.call(self.command(numpy_tests), env=env, cwd=work,
                                          stdout=output, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL, timeout=JOB_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.rc = "timeout"
        self.duration = time.monotonic() - start
        shutil.rmtree(work, ignore_errors=True)
        self.outcomes = (read_junit(self.junit_file) if self.kind in ("numpy", "children")
                         else read_outcomes(self.outcomes_file))
        self.counts = read_counts(self.counts_file)
        return self


def run_jobs(jobs, library, parallel, numpy_tests=None):
    # Longest suites first, so the pool does not end on one long straggler.
    weight = {"test_io": 0, "test_buffer": 1, "test_bytes": 2}
    ordered = sorted(jobs, key=lambda job: weight.get(job.suite, 9))
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        futures = [pool.submit(job.run, library, numpy_tests) for job in ordered]
        for future in concurrent.futures.as_completed(futures):
            job = future.result()
            tally = summarize(job.outcomes)
            log("%-42s rc=%-4s %4d run %3d skipped %3d failed  %5.1fs" % (
                job.name, job.rc, tally["executed"], tally["skipped"], tally["failed"],
                job.duration))
    return jobs


def differences(reference, other):
    """[(test id, reference outcomes, other outcomes)] where the two runs disagree."""
    found = []
    for test in sorted(set(reference) | set(other)):
        mine, theirs = reference.get(test), other.get(test)
        if mine != theirs:
            found.append((test, "/".join(mine) if mine else "absent",
                          "/".join(theirs) if theirs else "absent"))
    return found


def compare_runs(reference, job):
    """The differences between two jobs' outcomes; a differing exit status counts only when
    no test outcome explains it (a crash after the last test, a changed environment)."""
    found = differences(reference.outcomes, job.outcomes)
    if not found and job.rc != reference.rc:
        found.append((EXIT_STATUS, str(reference.rc), str(job.rc)))
    return found


def describe_differences(items, limit=6):
    """Differences grouped by test method, for people: `test_x` (13 classes) ok -> ERROR."""
    groups = collections.OrderedDict()
    for item in items:
        test, before, after = item[0], item[1], item[2]
        method = test.rsplit(".", 1)[-1]
        groups.setdefault((method, before, after), []).append(test)
    parts = []
    for (method, before, after), tests in list(groups.items())[:limit]:
        where = tests[0] if len(tests) == 1 else "%s in %d classes" % (method, len(tests))
        parts.append("`%s` %s → %s" % (where, before, after))
    if len(groups) > limit:
        parts.append("and %d more" % (len(groups) - limit))
    return "; ".join(parts)


def read_known_differences(path):
    """{test id pattern: reason} from known_differences.txt."""
    known = collections.OrderedDict()
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                line = line.strip()
                if line and not line.startswith("#"):
                    pattern, _, reason = line.partition(" ")
                    known[pattern] = reason.strip()
    return known


def match_known(test, known):
    for pattern in known:
        if fnmatch.fnmatchcase(test, pattern):
            return pattern
    return None


def probe_bindings(host, variant, argv, extra_env, directory):
    """The binding report of a short run: ([(file, library)] for PyObject_GetBuffer,
    sys.version seen, problem or None)."""
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if name.startswith("ld-debug"):
            os.remove(os.path.join(directory, name))
    env = dict(host.env, LD_DEBUG="bindings", LD_BIND_NOW="1",
               LD_DEBUG_OUTPUT=os.path.join(directory, "ld-debug"), **extra_env)
    rc, out, err = run_capture(argv + ["-c", BINDING_PROBE], env=env, cwd=directory)
    if rc != 0:
        return [], "", "short run failed (rc=%s): %s" % (rc, (err or out).strip()[-300:])
    bindings = []
    for name in sorted(os.listdir(directory)):
        if not name.startswith("ld-debug"):
            continue
        with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as handle:
            for line in handle:
                match = BINDING_LINE.search(line)
                if match and match.group(3) == "PyObject_GetBuffer":
                    pair = (match.group(1), match.group(2))
                    if pair not in bindings:
                        bindings.append(pair)
    return bindings, out.strip().splitlines()[-1] if out.strip() else "", None


def is_pybuffer(path):
    return os.path.basename(path).startswith("libpybuffer")


def same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


# ----------------------------------------------------------------------------- one host


def check_counts(host, variant, counts, problems):
    """A variant must have been served; on a PLT-routed libpython, each routed function."""
    if sum(counts.values()) == 0:
        problems.append("%s: pybuffer served no call (PYBUFFER_CALL_COUNTS all zero)" % variant)
    for name in host.relocated or []:
        if counts.get(name, 0) == 0:
            problems.append("%s: libpython calls %s through the PLT, yet pybuffer served "
                            "none" % (variant, name))


def check_bindings(host, variant, bindings, problems):
    """[(file, library)] of PyObject_GetBuffer must show libpybuffer serving the variant."""
    if not any(is_pybuffer(library) for _, library in bindings):
        problems.append("%s: the binding report shows no PyObject_GetBuffer bound to "
                        "libpybuffer" % variant)
    elif "PyObject_GetBuffer" in (host.relocated or []) and not any(
            is_pybuffer(library) and same_file(source, host.library)
            for source, library in bindings):
        problems.append("%s: libpython's own PyObject_GetBuffer is not bound to libpybuffer"
                        % variant)


def run_host(host, suites, config, run_dir, parallel, kind="regrtest",
             known_path=KNOWN_DIFFERENCES):
    """Runs the suites of one host in every variant; returns its result record."""
    library = config["library"]
    record = {"host": host.id, "version": host.full_version, "executable": host.executable,
              "libpython": host.library, "package": host.package, "kind": kind,
              "pythonhome": host.home, "relocated": host.relocated,
              "variants": [], "versions": {}, "bindings": {}, "suites": {},
              "counts": {}, "problems": [], "notes": [], "status": "passed"}
    problems, notes = record["problems"], record["notes"]
    variants = host.variants(library, kind)
    # A children run compares what the preloaded interpreter's child processes do; whether
    # preloading serves the interpreter itself is the other runs' question.
    served_required = kind != "children"
    if not served_required:
        notes.append("children run: every variant's child processes inherit LD_PRELOAD; "
                     "calls served by pybuffer are reported, not required")
    record["variants"] = [name for name, _, _ in variants]
    if host.relocated is None:
        notes.append("readelf not available: libpython's routing unknown, only non-zero "
                     "totals required")
    elif host.relocated:
        notes.append("libpython calls %s through the PLT: pybuffer serves the interpreter's "
                     "own calls too" % ", ".join(host.relocated))
    else:
        notes.append("libpython binds its buffer calls internally (no dynamic relocation, "
                     "e.g. -fno-semantic-interposition): pybuffer serves the calls of the "
                     "extension modules loaded from shared objects (see the binding report)")
    if not host.preload_possible and served_required:
        notes.append("no LD_PRELOAD variant: preloading would reroute nothing here")
    if len(variants) < 2:
        problems.append("no variant with pybuffer (pybuffer-python%s not built)" % host.id)

    # The binding report, and the version each variant really runs.
    for name, argv, extra in variants:
        bindings, version, problem = probe_bindings(
            host, name, argv, extra, os.path.join(run_dir, host.id, name, "bindings"))
        record["versions"][name] = version
        record["bindings"][name] = ["%s -> %s" % (os.path.basename(source),
                                                  os.path.basename(target))
                                    for source, target in bindings]
        if problem:
            problems.append("%s: %s" % (name, problem))
        if name == WITHOUT:
            if any(is_pybuffer(target) for _, target in bindings):
                problems.append("without: libpybuffer was loaded into the reference run")
        elif version != record["versions"].get(WITHOUT):
            problems.append("%s runs %r, not %r" % (name, version,
                                                    record["versions"].get(WITHOUT)))
        if name != WITHOUT and served_required:
            check_bindings(host, name, bindings, problems)

    numpy_tests = None
    if kind in ("numpy", "children"):
        numpy_tests = config[kind + "_tests"]
    jobs = []
    for suite in suites:
        for name, argv, extra in variants:
            jobs.append(Job(run_dir, host, name, argv, extra, suite, kind))
    run_jobs(jobs, library, parallel, numpy_tests)

    by_key = {(job.suite, job.variant): job for job in jobs}
    known_differences = read_known_differences(known_path)
    reruns = {}

    def confirm(suite, name, argv, extra, found):
        """Runs both sides again, one after the other, on a quieter machine; returns the
        first run's differences that came back. The reference is re-run once per suite."""
        log("%s %s %s: %d difference(s); re-running both sides to confirm"
            % (host.id, name, suite, len(found)))
        if suite not in reruns:
            reruns[suite] = run_jobs([Job(run_dir, host, WITHOUT, [host.executable], {}, suite,
                                          kind, attempt=2)], library, 1, numpy_tests)[0]
        again = run_jobs([Job(run_dir, host, name, argv, extra, suite, kind, attempt=2)],
                         library, 1, numpy_tests)[0]
        first_ids = {test for test, _, _ in found}
        return [item for item in compare_runs(reruns[suite], again) if item[0] in first_ids]
    totals = {name: collections.Counter() for name, _, _ in variants if name != WITHOUT}
    for suite in suites:
        entry = record["suites"][suite] = {"variants": {}, "differences": {}, "known": {},
                                           "flaky": {}}
        reference = by_key[(suite, WITHOUT)]
        for name, argv, extra in variants:
            job = by_key[(suite, name)]
            tally = summarize(job.outcomes)
            entry["variants"][name] = dict(tally, rc=job.rc, seconds=round(job.duration, 1),
                                           counts=job.counts, log=job.log_file)
            if tally["executed"] == 0:
                problems.append("%s %s: no test executed (rc=%s, see %s)"
                                % (name, suite, job.rc, job.log_file))
            if name == WITHOUT:
                if job.counts:
                    problems.append("without %s: pybuffer counted calls in the reference run"
                                    % suite)
                continue
            totals[name].update(job.counts)
            found = compare_runs(reference, job)
            if not found:
                continue
            if all(match_known(item[0], known_differences) for item in found):
                # Deterministic and recorded: no need to spend a re-run confirming it.
                confirmed = found
            else:
                confirmed = confirm(suite, name, argv, extra, found)
                if not confirmed:
                    entry["flaky"][name] = [list(item) for item in found]
                    notes.append("%s %s: %d difference(s) not reproduced on re-run (flaky): %s"
                                 % (name, suite, len(found), describe_differences(found)))
                    continue
            known = [item + [known_differences[pattern]] for item in map(list, confirmed)
                     for pattern in [match_known(item[0], known_differences)] if pattern]
            unknown = [list(item) for item in confirmed
                       if not match_known(item[0], known_differences)]
            if known:
                entry["known"][name] = known
                notes.append("%s %s: %d known difference(s), listed in %s: %s" % (
                    name, suite, len(known), os.path.basename(known_path),
                    describe_differences(known)))
            if unknown:
                entry["differences"][name] = unknown
                problems.append("%s %s: %d test(s) differ from the reference: %s" % (
                    name, suite, len(unknown), describe_differences(unknown)))
    for name, counts in totals.items():
        record["counts"][name] = dict(counts)
        if served_required:
            check_counts(host, name, counts, problems)
    record["status"] = "failed" if problems else "passed"
    return record


# ----------------------------------------------------------------------------- numpy


def numpy_test_file(host):
    """NumPy's test_multiarray.py for this host, or (None, reason)."""
    script = ("import os, numpy, pytest\n"
              "root = os.path.dirname(numpy.__file__)\n"
              "for part in ('_core', 'core'):\n"
              "    path = os.path.join(root, part, 'tests', 'test_multiarray.py')\n"
              "    if os.path.exists(path):\n"
              "        print(numpy.__version__); print(path); break\n")
    rc, out, err = run_capture([host.executable, "-c", script], env=host.env)
    lines = out.split()
    if rc != 0 or len(lines) < 2:
        return None, (err.strip().splitlines() or ["numpy's tests not found"])[-1]
    return {"version": lines[0], "file": lines[1], "extra": conftest_args(host)}, None


def conftest_args(host):
    """NumPy's conftest.py imports hypothesis; without it, run the tests without the conftest
    (its fixtures are set-up conveniences these tests do not rely on)."""
    if run_capture([host.executable, "-c", "import hypothesis"], env=host.env)[0] != 0:
        return ["--noconftest"]
    return []


def numpy_children_tests(host):
    """NumPy's tests that start compilers and shells, for this host, or (None, reason)."""
    script = ("import os, numpy, pytest\n"
              "root = os.path.dirname(numpy.__file__)\n"
              "print(numpy.__version__)\n"
              "for part in %r:\n"
              "    path = os.path.join(root, part)\n"
              "    if os.path.exists(path):\n"
              "        print(path)\n" % (NUMPY_CHILDREN_TESTS,))
    rc, out, err = run_capture([host.executable, "-c", script], env=host.env)
    lines = out.split()
    if rc != 0 or len(lines) < 2:
        return None, (err.strip().splitlines() or ["numpy's tests not found"])[-1]
    return {"version": lines[0], "files": lines[1:], "extra": conftest_args(host)}, None


# ----------------------------------------------------------------------------- report


def fmt_cell(tally):
    if tally is None:
        return "-"
    text = "%d run, %d skipped, %d failed" % (tally["executed"], tally["skipped"],
                                              tally["failed"])
    if tally.get("rc") not in (0, None):
        text += " (rc %s)" % tally["rc"]
    return text


def render_record(record):
    kind = {"regrtest": "CPython regression tests", "numpy": "NumPy buffer tests",
            "children": "NumPy's tests that start compilers and shells"}[record["kind"]]
    title = "%s: CPython %s (`%s`, host id %s)%s" % (
        kind, record["version"], record["executable"], record["host"],
        ", run `%s`" % record["run"] if record.get("run") else "")
    lines = ["### %s — %s" % (title, record["status"].upper()), ""]
    lines.append("Finished %s in %.0f s. Variants: %s. PYTHONHOME=`%s`." % (
        record.get("finished", "?"), record.get("seconds", 0),
        ", ".join("`%s`" % name for name in record["variants"]), record["pythonhome"]))
    if record.get("numpy") and record["kind"] == "children":
        lines.append("NumPy %s, `pytest %s`." % (record["numpy"]["version"],
                                               " ".join(record["numpy"]["files"])))
    elif record.get("numpy"):
        lines.append("NumPy %s, `%s -k \"%s\"`." % (record["numpy"]["version"],
                                                    record["numpy"]["file"], NUMPY_SELECTION))
    lines.append("")
    for note in record["notes"]:
        lines.append("- " + note)
    for problem in record["problems"]:
        lines.append("- **FAILED**: " + problem)
    if record["notes"] or record["problems"]:
        lines.append("")
    others = [name for name in record["variants"] if name != WITHOUT]
    header = ["suite", "without pybuffer"] + ["with pybuffer (%s)" % name for name in others]
    header += ["outcomes", "PyObject_GetBuffer calls"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + " --- |" * len(header))
    for suite, entry in record["suites"].items():
        cells = [suite, fmt_cell(entry["variants"].get(WITHOUT))]
        cells += [fmt_cell(entry["variants"].get(name)) for name in others]
        verdicts = []
        for name in others:
            if entry["differences"].get(name):
                verdicts.append("**%s differs**: %s" % (
                    name, describe_differences(entry["differences"][name])))
            if entry.get("known", {}).get(name):
                verdicts.append("%s: known difference: %s" % (
                    name, describe_differences(entry["known"][name])))
            if entry["flaky"].get(name):
                verdicts.append("%s: flaky, not reproduced: %s" % (
                    name, describe_differences(entry["flaky"][name])))
        cells.append("; ".join(verdicts) if verdicts else "identical")
        cells.append(" / ".join(str(entry["variants"].get(name, {}).get("counts", {}).get(
            "PyObject_GetBuffer", 0)) for name in others) or "-")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    if others:
        functions = sorted({f for name in others for f, n in record["counts"].get(name, {}).items()
                            if n}, key=lambda f: -max(record["counts"][n].get(f, 0)
                                                      for n in others))
        lines.append("Calls served by pybuffer, all suites (functions never called omitted):")
        lines.append("")
        lines.append("| function | " + " | ".join(others) + " |")
        lines.append("| --- |" + " ---: |" * len(others))
        for function in functions:
            lines.append("| %s | %s |" % (function, " | ".join(
                str(record["counts"][name].get(function, 0)) for name in others)))
        lines.append("")
        for name in others:
            shown = record["bindings"].get(name, [])
            served = [text for text in shown if "libpybuffer" in text]
            lines.append("Binding report (`LD_DEBUG=bindings`, %s), `PyObject_GetBuffer`: %s" % (
                name, ", ".join("`%s`" % text for text in served[:6]) or "none to libpybuffer"))
            lines.append("")
    return "\n".join(lines)


def version_key(version):
    return tuple(int(part) if part.isdigit() else 0 for part in re.split(r"[.+]", version)[:3])


def write_report(output_dir):
    results_dir = os.path.join(output_dir, "results")
    records = []
    for name in sorted(os.listdir(results_dir)) if os.path.isdir(results_dir) else []:
        if name.endswith(".json"):
            with open(os.path.join(results_dir, name), encoding="utf-8") as handle:
                records.append(json.load(handle))
    order = {"quick": 0, "full": 1, "numpy": 2, "children": 3}
    records.sort(key=lambda r: (order.get(r.get("run"), 3), version_key(r["version"]),
                                r["host"]))
    lines = ["# pybuffer conformance report", "",
             "CPython's own regression tests (and NumPy's buffer tests) run on each interpreter "
             "without pybuffer and with pybuffer serving it; every test's outcome is compared. "
             "Generated by `tests/conformance/run_conformance.py`; each section is the latest "
             "run of that interpreter.", ""]
    lines.append("| run | interpreter | suites | tests run (without) | with pybuffer | status |")
    lines.append("| --- | --- | --- | ---: | --- | --- |")
    for record in records:
        executed = sum(entry["variants"].get(WITHOUT, {}).get("executed", 0)
                       for entry in record["suites"].values())
        others = [name for name in record["variants"] if name != WITHOUT]
        identical = all(not entry["differences"] for entry in record["suites"].values())
        known = sum(len(items) for entry in record["suites"].values()
                    for items in entry.get("known", {}).values())
        lines.append("| %s | CPython %s `%s` | %d | %d | %s | %s |" % (
            record.get("run", ""), record["version"], record["executable"],
            len(record["suites"]), executed,
            ", ".join("%s (%d calls)" % (name, sum(record["counts"].get(name, {}).values()))
                      for name in others) + ("; outcomes DIFFER" if not identical else
                                             "; outcomes identical" if not known else
                                             "; outcomes identical but %d known" % known),
            record["status"]))
    lines.append("")
    for record in records:
        lines.append(render_record(record))
    text = "\n".join(lines) + "\n"
    path = os.path.join(output_dir, "report.md")
    temporary = path + ".tmp%d" % os.getpid()
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)
    return path, text


# ----------------------------------------------------------------------------- main


def choose_hosts(selection, hosts):
    if selection == "all":
        return hosts
    if selection == "quick":
        # The distribution's interpreter (Debian's python3.11) when it is a host, else the
        # first host: the Python3 that FindPython3 chose.
        for host in hosts:
            if host.package:
                return [host]
        return hosts[:1]
    wanted = selection.split(",")
    chosen = [host for host in hosts if host.id in wanted]
    unknown = set(wanted) - {host.id for host in chosen}
    if unknown:
        raise SystemExit("conformance: unknown host id(s) %s; known: %s"
                         % (", ".join(sorted(unknown)), ", ".join(h.id for h in hosts)))
    return chosen


def prepare_suites(host, suites, output_dir):
    """Suites available to host, installing the distribution's test package if needed."""
    missing = [suite for suite in suites if not host.module_available("test." + suite)]
    if missing and host.package:
        package = "libpython%s-testsuite" % host.version
        log("%s lacks %s; its tests come from %s" % (host.describe(), ", ".join(missing),
                                                     package))
        if apt_install(package, os.path.join(output_dir, "apt.lock")):
            missing = [s for s in suites if not host.module_available("test." + s)]
    return [suite for suite in suites if suite not in missing], missing


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, help="conformance.json written by CMake")
    parser.add_argument("--hosts", default="all",
                        help="'all', 'quick' (the distribution's python, else the first host) "
                             "or comma-separated host ids")
    parser.add_argument("--suites", default=",".join(DEFAULT_SUITES),
                        help="comma-separated CPython test modules")
    parser.add_argument("--numpy", choices=["no", "also", "only"], default="no",
                        help="also/only run NumPy's buffer tests on the host that imports numpy")
    parser.add_argument("--numpy-children", choices=["no", "only"], default="no",
                        help="only run NumPy's tests that start compilers and shells, without "
                             "and with LD_PRELOAD, on the host that imports numpy")
    parser.add_argument("--run", default=None,
                        help="name of this run in the report (default: from --hosts)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2,
                        help="suite processes run at once")
    parser.add_argument("--known-differences", default=KNOWN_DIFFERENCES,
                        help="file of test-id patterns whose difference is understood "
                             "(default: %(default)s; '' for none)")
    parser.add_argument("--no-report", action="store_true", help="do not print the report")
    args = parser.parse_args(argv)

    with open(args.config, encoding="utf-8") as handle:
        config = json.load(handle)
    output_dir = config["output_dir"]
    os.makedirs(output_dir, exist_ok=True)
    started = time.monotonic()
    base_env = clean_environment()
    hosts = [Host(entry) for entry in config["hosts"]]
    if not hosts:
        log("no CPython host configured: nothing run")
        return NOT_RUN
    for host in list(hosts):
        problem = host.probe(base_env)
        if problem:
            log("skipping host %s: %s" % (host.id, problem))
            hosts.remove(host)
    if not os.path.exists(config["library"]):
        raise SystemExit("conformance: %s not built" % config["library"])
    run_name = args.run or ("children" if args.numpy_children == "only" else
                            {"quick": "quick", "all": "full"}.get(args.hosts, "hosts"))
    suites = [s for s in args.suites.split(",") if s]

    plan = []  # (record key, host, suites or None for numpy, kind, missing)
    if args.numpy_children == "only":
        args.numpy = "no"
        for host in sorted(hosts, key=lambda h: h.package is None):
            tests, reason = numpy_children_tests(host)
            if tests:
                config["children_tests"] = tests
                plan.append(("children-%s" % host.id, host, ["numpy-children"], "children", []))
                break
            log("%s: %s" % (host.id, reason))
        if not plan:
            log("NumPy's tests that start programs NOT RUN: no host imports numpy and pytest")
            return NOT_RUN
    elif args.numpy != "only":
        for host in choose_hosts(args.hosts, hosts):
            available, missing = prepare_suites(host, suites, output_dir)
            plan.append(("%s-%s" % (run_name, host.id), host, available, "regrtest", missing))
    if args.numpy != "no":
        candidates = sorted(hosts, key=lambda h: h.package is None)
        numpy_host, reasons = None, []
        for host in candidates:
            tests, reason = numpy_test_file(host)
            if tests:
                numpy_host = host
                config["numpy_tests"] = tests
                break
            reasons.append("%s: %s" % (host.id, reason))
        if numpy_host:
            plan.append(("numpy-%s" % numpy_host.id, numpy_host, ["numpy"], "numpy", []))
        else:
            log("NumPy's buffer tests NOT RUN: no host imports numpy and pytest (%s). On "
                "Debian: apt-get install python3-numpy python3-pytest" % "; ".join(reasons))
            if args.numpy == "only":
                return NOT_RUN

    run_dir = os.path.join(output_dir, "runs", run_name)
    failed, ran = False, False
    for key, host, available, kind, missing in plan:
        if not available:
            log("%s: NOT RUN, suites missing: %s" % (host.describe(), ", ".join(missing)))
            continue
        log("%s: %s, %s" % (host.describe(), ", ".join(available),
                            "variants " + ", ".join(n for n, _, _ in host.variants(
                                config["library"], kind))))
        host_started = time.monotonic()
        record = run_host(host, available, config, run_dir, args.jobs, kind,
                          args.known_differences)
        ran = True
        record["run"] = kind if kind in ("numpy", "children") else run_name
        if kind in ("numpy", "children"):
            record["numpy"] = config[kind + "_tests"]
        if missing:
            record["notes"].append("suites not found for this host: " + ", ".join(missing))
        record["seconds"] = round(time.monotonic() - host_started, 1)
        record["finished"] = datetime.datetime.now().isoformat(timespec="seconds")
        failed = failed or record["status"] != "passed"
        with file_lock(os.path.join(output_dir, "report.lock")):
            results_dir = os.path.join(output_dir, "results")
            os.makedirs(results_dir, exist_ok=True)
            with open(os.path.join(results_dir, key + ".json"), "w", encoding="utf-8") as out:
                json.dump(record, out, indent=1)
            path, text = write_report(output_dir)
        log("%s: %s (%.0f s)" % (host.describe(), record["status"].upper(), record["seconds"]))
        for problem in record["problems"]:
            log("  FAILED: " + problem)
    if not ran:
        log("nothing was run")
        return NOT_RUN
    if not args.no_report:
        print()
        print(text)
    log("report: %s; total %.0f s" % (path, time.monotonic() - started))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
