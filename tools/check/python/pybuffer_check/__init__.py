"""pybuffer_check: pybuffer-check's rules inside the interpreter running this code.

    report = pybuffer_check.check(obj)              # every request of the protocol's tables
    report = pybuffer_check.check(obj, requests=["FULL_RO", "ND"])
    report.ok, report.violations, report.to_json()
    pybuffer_check.assert_buffer_conforms(obj)      # raises BufferConformanceError

The engine is the checker's C++ (an extension built per CPython version and for PyPy 3.9,
_native); the requests are served by libpybuffer's PyObject_GetBuffer and PyBuffer_Release
(libpybuffer-pypy39's under PyPy). A pytest plugin, pybuffer_check.pytest_plugin, adds a
fixture around assert_buffer_conforms.
"""

import glob
import json
import os
import re
import sys

__all__ = ["check", "assert_buffer_conforms", "Report", "Violation", "BufferConformanceError",
           "main"]

# The extension once imported: kept apart from the submodule's own name, which
# `from . import _native` would otherwise find already bound.
_loaded = None

_IMPLEMENTATIONS = {"cpython": "CPython", "pypy": "PyPy"}
# The tag an extension's file name carries, by implementation: _native.cpython-311-x86_64-...,
# _native.pypy39-pp73-x86_64-... (sysconfig's EXT_SUFFIX of each).
_FILE_TAG = re.compile(r"\.(cpython-|pypy)3(\d+)[-.]")


def _builds():
    """The interpreters this package holds an extension for, from the files' tags, in order:
    [("CPython", (3, 9)), ..., ("PyPy", (3, 9))]."""
    builds = set()
    for path in glob.glob(os.path.join(os.path.dirname(__file__), "_native*")):
        tag = _FILE_TAG.search(os.path.basename(path))
        if tag:
            builds.add(("CPython" if tag.group(1) == "cpython-" else "PyPy",
                        (3, int(tag.group(2)))))
    return sorted(builds)


def _describe(builds):
    """"CPython 3.9, 3.10 and PyPy 3.9"; "none"."""
    groups = {}
    for name, version in builds:
        groups.setdefault(name, []).append("%d.%d" % version)
    return " and ".join("%s %s" % (name, ", ".join(versions))
                        for name, versions in groups.items()) or "none"


def _load():
    """Imports the extension for this interpreter, or explains why there is none."""
    global _loaded
    if _loaded is not None:
        return _loaded
    try:
        from . import _native as native
    except ImportError as error:
        name = sys.implementation.name
        this = (_IMPLEMENTATIONS.get(name, name), tuple(sys.version_info[:2]))
        builds = _builds()
        if this in builds:
            raise  # the build for this interpreter exists but does not load: say why, exactly
        raise ImportError(
            "pybuffer_check: no build for %s %d.%d (%s); this installation has builds for %s. "
            "pybuffer builds one for each shared CPython 3.9-3.13 it finds when configured "
            "(the system's, pyenv's, those on PATH) and one for PyPy 3.9 when pypy3 and its "
            "headers (Debian: pypy3-dev) are found: install this one before configuring."
            % (this[0], this[1][0], this[1][1], sys.executable, _describe(builds))) from error
    _loaded = native
    return native


# How many further requests an explanation names before "...": a log line stays readable.
_MORE_SHOWN = 4


class Violation:
    """One broken rule in the answer to one request."""

    __slots__ = ("rule", "request", "message", "answer")

    def __init__(self, rule, request, message, answer):
        self.rule = rule
        self.request = request  # the flags that compose it: "STRIDES|FORMAT"
        self.message = message
        self.answer = answer  # the request's record in the JSON report (a dict)

    def fields(self):
        """The answer as one line: the exception of a refusal, or the view's fields."""
        answer = self.answer
        if not answer["accepted"]:
            exception = answer["exception"]
            raised = "%s(%r)" % (exception["type"], exception["message"]) if exception else "none"
            return "refused: result=%d, obj=%s, exception=%s" % (
                answer["result"], "NULL" if answer["obj"] == "null" else answer["obj"], raised)
        view = answer["view"]

        def show(value):
            if isinstance(value, dict):
                return repr(value["text"])
            if isinstance(value, list):
                trailing = "," if len(value) == 1 else ""  # (3,) as the text report shows it
                return "(" + ",".join(str(v) for v in value) + trailing + ")"
            return "NULL" if value is None else str(value)

        return ", ".join("%s=%s" % (key, show(view[key])) for key in
                         ("readonly", "ndim", "len", "itemsize", "format", "shape", "strides",
                          "suboffsets"))

    def request_name(self):
        """The request as the text report names it: "STRIDES|FORMAT = RECORDS_RO"."""
        alias = self.answer["alias"]
        return self.request + (" = " + alias if alias else "")

    def __repr__(self):
        return "Violation(rule=%r, request=%r, message=%r)" % (self.rule, self.request,
                                                              self.message)


class Report:
    """The check of one object: the JSON report of pybuffer-check, with accessors."""

    def __init__(self, document):
        self.document = document
        (self.exporter,) = document["exporters"]
        self.violations = [
            Violation(v["rule"], answer["request"], v["message"], answer)
            for answer in self.exporter["requests"] for v in answer["violations"]]

    @property
    def ok(self):
        """True when the object exports a buffer and no answer broke a rule."""
        return self.document["summary"]["ok"]

    @property
    def error(self):
        """Why the object could not be checked (it exports no buffer), else None."""
        return self.exporter["error"]

    @property
    def interpreter(self):
        return self.document["interpreter"]

    def to_json(self, **dumps_arguments):
        """The report as JSON text, as pybuffer-check --json writes it (schema
        pybuffer-check.schema.json)."""
        return json.dumps(self.document, **dumps_arguments)

    def explain(self):
        """A readable account, one block per distinct violation: rule, request, fields."""
        exporter = self.exporter
        interpreter = self.interpreter
        name = _IMPLEMENTATIONS.get(interpreter["implementation"], interpreter["implementation"])
        # As the text report names it: "CPython 3.11.2", "PyPy 7.3.11 for Python 3.9.16".
        if interpreter["implementation_version"] != interpreter["version"]:
            name += " %s for Python" % interpreter["implementation_version"]
        lines = ["%s (%s) %s the buffer protocol, checked by pybuffer %s on %s %s:" % (
            exporter["label"], exporter["type"] or "?",
            "conforms to" if self.ok else "does not conform to",
            self.document["pybuffer_version"], name, interpreter["version"])]
        if self.error:
            lines.append("  not checked: " + self.error)
        seen = {}
        for violation in self.violations:
            seen.setdefault((violation.rule, violation.message), []).append(violation)
        for (rule, message), group in seen.items():
            first = group[0]
            others = [v.request for v in group[1:]]
            shown = ", ".join(others[:_MORE_SHOWN]) + (", ..." if len(others) > _MORE_SHOWN else "")
            more = " (and %d more request(s): %s)" % (len(others), shown) if others else ""
            lines.append("  rule %s, request %s%s" % (rule, first.request_name(), more))
            lines.append("    %s" % message)
            lines.append("    fields: %s" % first.fields())
        return "\n".join(lines)

    def __repr__(self):
        return "<pybuffer_check.Report %s: %s, %d violation(s)>" % (
            self.exporter["label"], self.exporter["verdict"], len(self.violations))


class BufferConformanceError(AssertionError):
    """An object broke the buffer protocol's rules; str() is the report's explanation."""

    def __init__(self, report):
        super().__init__(report.explain())
        self.report = report


def check(obj, requests=None, label=None):
    """Sends each request (all of the protocol's tables by default; names such as "FULL_RO"
    or "STRIDES|FORMAT") to obj and judges the answers. Returns a Report."""
    if isinstance(requests, str):
        requests = [requests]
    if label is None:
        label = type(obj).__name__
    text = _load().check(obj, label, None if requests is None else list(requests))
    return Report(json.loads(text))


def assert_buffer_conforms(obj, requests=None, label=None):
    """Raises BufferConformanceError (an AssertionError) naming each broken rule, the request
    and the answer's fields, unless obj answers every request by the rules."""
    report = check(obj, requests=requests, label=label)
    if not report.ok:
        raise BufferConformanceError(report)
    return report


def main(argv=None):
    """pybuffer-check's command line in this interpreter; returns the exit status."""
    if argv is None:
        argv = sys.argv[1:]
    try:
        native = _load()
    except ImportError as error:
        sys.stderr.write("pybuffer-check: %s\n" % error)
        return 2
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return native.main(["pybuffer-check"] + list(argv), package_parent)
