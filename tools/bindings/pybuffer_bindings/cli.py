"""pybuffer-bindings [--import MODULE]... [--no-default-imports] [--json] [--verbose]

Run it under the interpreter and deployment in question, for example
  LD_PRELOAD=libpybuffer.so.0 python3 pybuffer-bindings --import numpy
It imports the modules, then reports which loaded object each reference to a buffer
function binds to, and what pybuffer serves in this process.

  --import MODULE        import MODULE first (repeatable; failing to import is an error)
  --no-default-imports   do not import array, _struct, binascii, _hashlib
  --json                 machine-readable output
  --verbose              add load addresses, resolved addresses and slot states
"""
import importlib
import sys

# Standard-library extension modules that take buffers; shared objects in most builds,
# built into the executable in some (Debian's array, _struct, binascii).
DEFAULT_MODULES = ["array", "_struct", "binascii", "_hashlib"]
USAGE_ERROR = 2


class Options:
    def __init__(self):
        self.modules = []
        self.default_imports = True
        self.json = False
        self.verbose = False


def parse(argv):
    """Hand-parsed: argparse would import shutil, and with it bz2 and lzma, whose extension
    modules would then appear in every report."""
    options, rest = Options(), list(argv)
    while rest:
        arg = rest.pop(0)
        if arg in ("-h", "--help"):
            sys.stdout.write(__doc__)
            raise SystemExit(0)
        if arg == "--import" and rest:
            options.modules.append(rest.pop(0))
        elif arg.startswith("--import="):
            options.modules.append(arg[len("--import="):])
        elif arg == "--no-default-imports":
            options.default_imports = False
        elif arg == "--json":
            options.json = True
        elif arg == "--verbose":
            options.verbose = True
        else:
            sys.stderr.write("pybuffer-bindings: unexpected argument %r\n%s" % (arg, __doc__))
            raise SystemExit(USAGE_ERROR)
    return options


def import_modules(options):
    """Imports the defaults (those that exist) and the named modules (which must)."""
    imported, builtin, unavailable = [], [], []
    wanted = (DEFAULT_MODULES if options.default_imports else []) + options.modules
    for name in wanted:
        if name in imported or name in builtin or name in unavailable:
            continue
        try:
            importlib.import_module(name)
        except ImportError as error:
            if name in options.modules:
                raise SystemExit("pybuffer-bindings: cannot import %s: %s" % (name, error))
            unavailable.append(name)
            continue
        (builtin if name in sys.builtin_module_names else imported).append(name)
    return imported, builtin, unavailable


def main(argv=None):
    options = parse(sys.argv[1:] if argv is None else argv)
    imported, builtin, unavailable = import_modules(options)
    # Imported only now (ctypes, and json for --json, are extension modules): the modules
    # that are new after this point were loaded by the report, not by the process it reports.
    before = set(sys.modules)
    from pybuffer_bindings import render, report
    entries = report.collect(before)
    verdict = report.Verdict(entries)
    context = {"python": "%s %s" % (sys.implementation.name, sys.version.split()[0]),
               "executable": sys.executable, "imported": imported, "builtin": builtin,
               "unavailable": unavailable}
    write = render.as_json if options.json else render.text
    sys.stdout.write(write(context, entries, verdict, options.verbose))
    return 0
