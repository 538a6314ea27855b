"""One row of README's deployment table, checked in real processes: what the binding report
(pybuffer-bindings --json) says is served, and what the library's call counters
(PYBUFFER_CALL_COUNTS) saw, must both match the row.

Usage: deploy_check.py ROW --python PROGRAM --home-of HOST_PYTHON --report ARCHIVE
                       [--library LIBPYBUFFER] [--module-dir DIR] [--interpreter-routed]
ROW: preload_static  LD_PRELOAD into an interpreter whose executable contains libpython
     preload_plt     LD_PRELOAD into one whose shared libpython calls through the PLT
     embedded        pybuffer-python<id>, linked with libpybuffer ahead of libpython
     vendored        a module linked with libpybuffer.a calling the pybuffer_ twins
--interpreter-routed: libpython relocates the buffer functions (readelf, at configure time).
"""
import json
import os
import subprocess
import sys
import tempfile

CALLS = 1000  # buffer calls per workload loop: far above any incidental count
DEFAULT_MODULES = ["array", "_struct", "binascii", "_hashlib"]

# Runs with -S: no site, so the only extension modules loaded are the ones it names.
INTERPRETER_WORKLOAD = """
import sys
for i in range(%d):
    memoryview(bytearray(8))
print(" ".join(sorted(n for n, m in sys.modules.items()
                      if str(getattr(m, "__file__", "")).endswith((".so", ".pyd")))))
""" % CALLS

# Calls a buffer-taking function of each default module that is a shared object here.
EXTENSION_WORKLOAD = """
import importlib, importlib.machinery, sys
calls = {
    "array": lambda m: m.array("b").frombytes(bytearray(8)),
    "_struct": lambda m: m.unpack_from("b", bytearray(8)),
    "binascii": lambda m: m.crc32(bytearray(8)),
    "_hashlib": lambda m: m.openssl_sha256(bytearray(8)),
    "pybuffer_vendored_probe": lambda m: m.nbytes(bytearray(8)) == 8 or sys.exit("bad len"),
}
shared = []
for name in sys.argv[1:]:
    try:
        module = importlib.import_module(name)
    except ImportError:
        continue
    if str(getattr(module, "__file__", "")).endswith(
            tuple(importlib.machinery.EXTENSION_SUFFIXES)):
        shared.append(name)
        for i in range(%d):
            calls[name](module)
print(" ".join(shared))
""" % CALLS


class Failure(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise Failure(message)


def parse(argv):
    options = {"row": argv[0], "library": None, "module_dir": None, "routed": False}
    rest = argv[1:]
    while rest:
        arg = rest.pop(0)
        if arg == "--interpreter-routed":
            options["routed"] = True
        else:
            options[arg[2:].replace("-", "_")] = rest.pop(0)
    return options


def host_home(host_python):
    """The host's prefix, for PYTHONHOME: pybuffer-python lives in the build tree."""
    out = subprocess.check_output([host_python, "-c", "import sys;"
                                   "print(sys.prefix); print(sys.exec_prefix)"],
                                  universal_newlines=True).split("\n")
    return out[0] if out[0] == out[1] else out[0] + os.pathsep + out[1]


def environment(options):
    env = {k: v for k, v in os.environ.items()
           if k not in ("LD_PRELOAD", "PYBUFFER_CALL_COUNTS", "PYTHONHOME", "PYTHONPATH",
                        "LD_BIND_NOW", "PYTHONSTARTUP")}
    if options["row"].startswith("preload"):
        env["LD_PRELOAD"] = options["library"]
    if options["row"] == "embedded":
        env["PYTHONHOME"] = host_home(options["home_of"])
    if options["row"] == "vendored":
        env["PYTHONPATH"] = options["module_dir"]
    return env


def run(argv, env):
    done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=60)
    if done.returncode != 0:
        raise Failure("%s exited %d:\n%s%s" % (" ".join(argv), done.returncode, done.stdout,
                                               done.stderr))
    return done.stdout


def counted(argv, env, directory, name):
    """Runs argv with the call counters on: (stdout, {function: count} or None when no
    pybuffer was loaded to write any)."""
    path = os.path.join(directory, name + ".counts")
    out = run(argv, dict(env, PYBUFFER_CALL_COUNTS=path))
    if not os.path.exists(path):
        return out, None
    counts = {}
    with open(path) as lines:
        for line in lines:
            tag, _pid, function, count = line.split()
            expect(tag == "pybuffer-calls", "unexpected counter line %r" % line)
            counts[function] = counts.get(function, 0) + int(count)
    return out, counts


def check_report(options, report):
    """The report's claims, per row."""
    row, served = options["row"], report["served"]
    references = [ref for f in report["functions"].values() for ref in f["references"]]
    if row == "preload_static":
        executable = [o["path"] for o in report["objects"] if o["role"] == "executable"]
        expect(report["pybuffer"]["loaded"], "libpybuffer.so is not loaded")
        expect(not served["anything"], "the report says something is served")
        expect(report["verdict"].startswith("pybuffer serves NOTHING here"), report["verdict"])
        expect(references and all(r["target"] in executable for r in references),
               "not every reference binds to the executable %s" % executable)
    elif row == "preload_plt" or row == "embedded":
        expect(report["pybuffer"]["loaded"], "libpybuffer.so is not loaded")
        expect(served["extension_modules"]["verdict"] == "yes",
               "extension modules: %s" % served["extension_modules"])
        interpreter = served["interpreter"]
        if row == "preload_plt" or options["routed"]:
            expect(interpreter["verdict"] == "yes", "interpreter: %s" % interpreter)
            for name in ("PyObject_GetBuffer", "PyBuffer_Release"):
                expect(name in interpreter["functions"], "interpreter's %s not served" % name)
        else:
            expect(interpreter["verdict"] == "no" and not interpreter["functions"],
                   "interpreter: %s" % interpreter)
    elif row == "vendored":
        probe = [o for o in report["objects"] if "pybuffer_vendored_probe" in o["modules"]]
        expect(not report["pybuffer"]["loaded"], "a libpybuffer.so is loaded")
        expect(not served["anything"] and served["interpreter"]["verdict"] == "no",
               "the report says something is served")
        expect(probe, "the report does not list pybuffer_vendored_probe")
        expect(not probe[0]["defines"],
               "the vendored module exports CPython's names: %s" % probe)
    return report["verdict"]


def check_counts(options, interpreter_counts, extension_counts, extension_modules):
    row = options["row"]
    if row == "vendored":
        expect(interpreter_counts is None, "a pybuffer was loaded without the module")
    else:
        expect(interpreter_counts is not None and extension_counts is not None,
               "the preloaded or linked libpybuffer wrote no call counts")
    if row == "preload_static":
        for counts in (interpreter_counts, extension_counts):
            nonzero = {k: v for k, v in counts.items() if v}
            expect(not nonzero, "pybuffer served calls: %s" % nonzero)
        return
    needed = CALLS * len(extension_modules)
    expect(needed > 0, "no shared extension module to exercise")
    for name in ("PyObject_GetBuffer", "PyBuffer_Release"):
        got = extension_counts.get(name, 0)
        expect(got >= needed, "extension modules' %s: %d calls served, %d made" % (
            name, got, needed))
        if row == "vendored":
            continue
        got = interpreter_counts.get(name, 0)
        if row == "preload_plt" or options["routed"]:
            expect(got >= CALLS, "interpreter's %s: %d calls served, %d made" % (
                name, got, CALLS))
        else:
            expect(got == 0, "interpreter's %s: %d calls served, none expected" % (name, got))


def main(argv):
    options = parse(argv)
    env = environment(options)
    python = [options["python"]]
    imports = ["--import", "pybuffer_vendored_probe"] if options["row"] == "vendored" else []
    report = json.loads(run(python + [options["report"], "--json"] + imports, env))
    print("report: %s" % check_report(options, report))
    modules = ["pybuffer_vendored_probe"] if imports else DEFAULT_MODULES
    with tempfile.TemporaryDirectory() as directory:
        loaded, interpreter_counts = counted(python + ["-S", "-c", INTERPRETER_WORKLOAD], env,
                                             directory, "interpreter")
        expect(not loaded.strip(), "the interpreter workload loaded %s" % loaded.strip())
        shared, extension_counts = counted(python + ["-c", EXTENSION_WORKLOAD] + modules, env,
                                           directory, "extension")
    shared = shared.split()
    check_counts(options, interpreter_counts, extension_counts, shared)
    for label, counts in (("interpreter", interpreter_counts), ("extension", extension_counts)):
        summary = "no pybuffer loaded" if counts is None else "GetBuffer %d, Release %d" % (
            counts.get("PyObject_GetBuffer", 0), counts.get("PyBuffer_Release", 0))
        print("counts, %s workload: %s" % (label, summary))
    print("extension modules exercised: %s" % " ".join(shared))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Failure as failure:
        sys.exit("FAILED: %s" % failure)
