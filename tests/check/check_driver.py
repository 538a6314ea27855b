"""Test driver of the check suite: runs pybuffer-check and judges its exit status, text and
JSON. One CTest test per case (see CMakeLists.txt):

    check_driver.py --checker EXE --module-dir DIR --schema FILE --work DIR CASE [ARGS...]

Cases: builtin; broken TYPE RULE (RULE "none" for a correct exporter); all-broken; cli;
schema; numpy; text; under PYTHON TYPE:RULE... (--python); same-exits PYTHON MODULE_DIR
TYPE:RULE... (the embedded CPython and --python PYTHON compared); no-build; python-api
(pytest, under --python-api-interpreter).
Exit status 0 passes, 1 fails, 77 skips (CTest's SKIP_RETURN_CODE).
"""

import argparse
import concurrent.futures
import copy
import json
import os
import re
import shutil
import subprocess
import sys

import schema_validate

SKIP = 77


class Failure(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise Failure(message)


class Checker:
    def __init__(self, args):
        self.exe = args.checker
        self.schema_path = args.schema
        with open(args.schema, encoding="utf-8") as file:
            self.schema = json.load(file)
        self.work = args.work
        os.makedirs(self.work, exist_ok=True)
        self.module_dir = args.module_dir
        self.package_dir = args.package_dir
        self.interpreter = args.interpreter
        self.env = dict(os.environ)
        path = [args.module_dir, self.work] + [p for p in [self.env.get("PYTHONPATH")] if p]
        self.env["PYTHONPATH"] = os.pathsep.join(path)

    def with_modules(self, module_dir):
        """The same checker with the exporters of module_dir in place of --module-dir's."""
        other = copy.copy(self)
        other.env = dict(self.env, PYTHONPATH=os.pathsep.join([module_dir, self.work]))
        return other

    def run(self, *arguments, cwd=None):
        """Runs the checker; returns (exit status, stdout, stderr)."""
        process = subprocess.run([self.exe, *arguments], capture_output=True, text=True,
                                 env=self.env, cwd=cwd or self.work, timeout=300)
        return process.returncode, process.stdout, process.stderr

    def report(self, name, *arguments):
        """Runs the checker with --json; returns (exit status, text, report), the report
        validated against the schema."""
        path = os.path.join(self.work, name + ".json")
        if os.path.exists(path):
            os.remove(path)
        status, text, errors = self.run("--json", path, *arguments)
        expect(os.path.exists(path), f"no JSON written (exit {status}): {errors}")
        with open(path, encoding="utf-8") as file:
            document = json.load(file)
        problems = schema_validate.validate(document, self.schema)
        expect(not problems, "JSON does not match the schema:\n  " + "\n  ".join(problems[:10]))
        expect(document["summary"]["exit_status"] == status,
               f"exit status {status}, summary says {document['summary']['exit_status']}")
        return status, text, document


def violated(exporter):
    return set(exporter["violated_rules"])


def case_builtin(checker, _):
    status, text, report = checker.report("builtin")
    failed = [(e["label"], e["violated_rules"], e["error"]) for e in report["exporters"]
              if e["verdict"] not in ("pass", "skipped")]
    expect(status == 0 and not failed, f"built-in exporters did not all pass: {failed}\n{text}")
    expect(text.rstrip().endswith("PASS: every exporter answered every request by the rules"),
           "the text report does not end with PASS")
    labels = {e["label"] for e in report["exporters"]}
    for core in ("bytes", "bytearray", "array('d')", "memoryview[::-2]"):
        expect(core in labels, f"built-in exporter {core!r} missing")
    skipped = [e["label"] for e in report["exporters"] if e["verdict"] == "skipped"]
    expect(report["served_by_pybuffer"], f"not served by pybuffer: {report['bindings']}")
    print(f"{len(labels) - len(skipped)} built-in exporters passed"
          + (f"; skipped (no _testbuffer): {skipped}" if skipped else ""))


def case_broken(checker, arguments):
    type_name, rule = arguments
    constructor = "Correct(readonly=True)" if type_name == "CorrectReadOnly" else type_name + "()"
    status, text, report = checker.report(type_name, "--expr",
                                          f"pybuffer_check_broken.{constructor}")
    (exporter,) = report["exporters"]
    expect(exporter["verdict"] != "error", f"not checked: {exporter['error']}")
    if rule == "none":
        expect(status == 0 and not violated(exporter),
               f"a correct exporter was flagged: {exporter['violated_rules']}\n{text}")
        print(f"{type_name}: no violation, as expected")
        return
    expect(violated(exporter) == {rule},
           f"{type_name} flagged with {sorted(violated(exporter))}, exactly ['{rule}'] "
           f"expected\n{text}")
    expect(status == 1, f"exit status {status}, 1 expected")
    expect(f"! {rule}: " in text, f"the text report does not name rule {rule}")
    messages = {v["message"] for a in exporter["requests"] for v in a["violations"]}
    print(f"{type_name}: flagged with exactly '{rule}' in {exporter['violation_count']} "
          f"answer(s), e.g. {sorted(messages)[0]}")


def case_all_broken(checker, _):
    status, text, report = checker.report("all_broken", "pybuffer_check_broken:exporters")
    expect(status == 1, f"exit status {status}, 1 expected")
    summary = report["summary"]
    expect(sum(summary["violations_by_rule"].values()) == summary["violations"],
           "violations_by_rule does not add up to violations")
    expect(summary["violations"] == sum(e["violation_count"] for e in report["exporters"]),
           "exporters' violation counts do not add up to the summary's")
    every_rule = {rule["id"] for rule in report["rules"]}
    flagged = set().union(*(violated(e) for e in report["exporters"]))
    expect(flagged == every_rule,
           f"rules without a broken exporter: {sorted(every_rule - flagged)}")
    print(f"{summary['exporters']} exporters, every one of the {len(every_rule)} rules "
          f"broken by at least one; the report matches the schema")


def case_cli(checker, _):
    # An expression's top-level modules are imported automatically.
    status, text, report = checker.report("expr", "--expr", "array.array('i', [1, 2])")
    expect(status == 0 and report["exporters"][0]["verdict"] == "pass", f"--expr failed\n{text}")

    # module:attribute, and a script defining `exporters` as a dict and as a list.
    with open(os.path.join(checker.work, "check_cli_module.py"), "w", encoding="utf-8") as file:
        file.write("good = bytearray(4)\nnested = type('N', (), {'view': memoryview(b'ab')})\n")
    status, text, report = checker.report("attribute", "check_cli_module:good",
                                          "check_cli_module:nested.view")
    expect(status == 0 and [e["verdict"] for e in report["exporters"]] == ["pass", "pass"],
           f"module:attribute targets failed\n{text}")
    script = os.path.join(checker.work, "check_cli_script.py")
    with open(script, "w", encoding="utf-8") as file:
        file.write("import array\nexporters = {'small': bytearray(3), "
                   "'doubles': array.array('d', [1.0])}\n")
    status, text, report = checker.report("script", script)
    expect(status == 0 and [e["label"] for e in report["exporters"]] == ["small", "doubles"],
           f"script target failed\n{text}")
    status, text, report = checker.report("list", "--expr", "[b'x', bytearray(2)]")
    expect([e["label"] for e in report["exporters"]] == ["[b'x', bytearray(2)][0]",
                                                         "[b'x', bytearray(2)][1]"],
           "a list target was not expanded item by item")

    # Targets that cannot be checked: exit status 2, each named.
    status, text, report = checker.report("errors", "--expr", "42", "--expr",
                                          "no_such_module_pybuffer.thing")
    errors = [e["error"] for e in report["exporters"]]
    expect(status == 2 and "not an exporter" in errors[0] and "NameError" in errors[1],
           f"unresolvable targets: exit {status}, errors {errors}")

    # Usage errors.
    for arguments, needle in ((["--frobnicate"], "unknown option"),
                              (["not_a_target"], "neither a script path"),
                              (["--json"], "needs a value")):
        status, _, errors = checker.run(*arguments)
        expect(status == 2 and needle in errors, f"{arguments}: exit {status}, {errors!r}")

    # --json - writes JSON alone to standard output, the text report to standard error.
    status, out, errors = checker.run("--json", "-", "--expr", "b'abc'")
    expect(status == 0 and json.loads(out)["summary"]["ok"] and "PASS" in errors,
           "--json - did not separate JSON and text")

    # --quiet lists only exporters that did not pass.
    status, out, _ = checker.run("--quiet", "--expr", "b'abc'", "--expr",
                                 "pybuffer_check_broken.WrongLen()")
    expect(status == 1 and "WrongLen" in out and "b'abc'" not in out, "--quiet misbehaved")

    # --list-rules names exactly the rules the schema knows.
    status, out, _ = checker.run("--list-rules")
    listed = {line.split()[0] for line in out.splitlines() if line.strip()}
    expect(status == 0 and listed == set(checker.schema["$defs"]["rule_id"]["enum"]),
           f"--list-rules and the schema disagree: {sorted(listed)}")
    # --request sends only the requests named, in the order named.
    status, text, report = checker.report("request", "--request", "FULL_RO", "--request",
                                          "ND", "--expr", "bytearray(2)")
    sent = [(a["request"], a["alias"]) for a in report["exporters"][0]["requests"]]
    expect(status == 0 and sent == [("INDIRECT|FORMAT", "FULL_RO"), ("ND", "CONTIG_RO")],
           f"--request FULL_RO --request ND sent {sent}")

    # Every example of --help runs as printed: each --expr "..." it shows is checked, and
    # the one it says ends in FAIL breaks the rule it names, and only that.
    status, usage, _ = checker.run("--help")
    examples = re.findall(r'--expr "([^"]+)"', usage)
    expect(status == 0 and len(examples) >= 2, f"--help shows no --expr example: {usage}")
    for example in examples:
        status, text, report = checker.report("help_example", "--expr", example)
        (exporter,) = report["exporters"]
        expect(exporter["verdict"] != "error", f"--help example {example!r} does not run: "
               f"{exporter['error']}")
        said_to_fail = re.search(r"this one ends in FAIL.*?\(rule (\w+)\)\n *pybuffer-check "
                                 r'--expr "' + re.escape(example) + '"', usage, re.S)
        if said_to_fail:
            expect(status == 1 and exporter["violated_rules"] == [said_to_fail.group(1)],
                   f"{example!r}: exit {status}, rules {exporter['violated_rules']}, but the "
                   f"help says FAIL by rule {said_to_fail.group(1)}")
        else:
            expect(status == 0, f"--help example {example!r}: exit {status}\n{text}")
    print("expressions, module:attribute, scripts, lists, errors, --json -, --quiet, "
          f"--list-rules and the {len(examples)} examples of --help behave")


def case_schema(checker, _):
    """The validator rejects what the schema forbids (so a passing validation means
    something), and agrees with the jsonschema package when that is installed."""
    _, _, report = checker.report("schema_probe", "--expr", "pybuffer_check_broken.WrongLen()",
                                  "--expr", "42")
    mutations = {
        "missing summary": lambda d: d.pop("summary"),
        "unknown rule id": lambda d: d["exporters"][0]["requests"][2]["violations"][0]
        .__setitem__("rule", "no_such_rule"),
        "extra property": lambda d: d["exporters"][0].__setitem__("surprise", 1),
        "boolean as integer": lambda d: d["summary"].__setitem__("violations", True),
        "shape of strings": lambda d: d["exporters"][0]["requests"][4]["view"]
        .__setitem__("shape", ["2", "3"]),
        "bad verdict": lambda d: d["exporters"][1].__setitem__("verdict", "maybe"),
    }
    for name, mutate in mutations.items():
        document = json.loads(json.dumps(report))
        mutate(document)
        expect(schema_validate.validate(document, checker.schema),
               f"the validator accepted a document with a {name}")
    try:
        import jsonschema
    except ImportError:
        print("validator rejects every mutation (jsonschema not installed: no cross-check)")
        return
    jsonschema.Draft202012Validator.check_schema(checker.schema)
    jsonschema.Draft202012Validator(checker.schema).validate(report)
    print("validator rejects every mutation; jsonschema agrees the schema and report are valid")


# NumPy arrays of several dtypes and layouts. NumPy 1.24 (Debian 12) refuses requests with
# ValueError rather than BufferError; that, and only that, is the deviation tolerated.
NUMPY_PASS = [
    "numpy.arange(12, dtype='int8')",
    "numpy.array(3.5)",
    "numpy.zeros((0, 3))",
    "numpy.ones((3, 1))",
    "numpy.zeros(3, dtype='?')",
    "numpy.zeros(3, dtype='f2')",
    "numpy.zeros(4, dtype=complex)",
    "numpy.zeros(3, dtype='<U3')",
    "numpy.zeros(3, dtype='S4')",
    "numpy.zeros(3, dtype='i4,f8')",
    "numpy.zeros(3, dtype='>i4')",
    "numpy.zeros(3, dtype=numpy.longdouble)",
]
NUMPY_DEVIATING = [
    "numpy.arange(12, dtype='int64').reshape(3, 4)",
    "numpy.arange(12).reshape(3, 4)[:, ::2]",
    "numpy.zeros((2, 3), order='F')",
    "numpy.arange(24, dtype='i4').reshape(2, 3, 4)[::-1, 1:, ::2]",
    "numpy.arange(6.0).reshape(2, 3).T",
    "numpy.frombuffer(b'abcdefgh', dtype='u1')",
    "numpy.zeros(3, dtype='i4,f8')['f1']",
    "numpy.broadcast_to(numpy.arange(3), (4, 3))",
    "numpy.zeros(3, dtype='M8[s]')",
]
NUMPY_TOLERATED = {"refusal"}


def case_numpy(checker, _):
    status, out, errors = checker.run("--json", "-", "--expr", "numpy.__version__ and b''")
    report = json.loads(out) if out.strip() else None
    if report is None or report["exporters"][0]["verdict"] == "error":
        reason = report["exporters"][0]["error"] if report else errors.strip()
        print(f"NOT RUN: NumPy is not importable by the primary host ({reason}). "
              "Debian's python3-numpy serves Debian's own python3; configure with that "
              "interpreter as Python3_EXECUTABLE to run this test.")
        return SKIP
    arguments = [a for expression in NUMPY_PASS + NUMPY_DEVIATING for a in ("--expr", expression)]
    status, text, report = checker.report("numpy", *arguments)
    problems, deviations = [], []
    for exporter in report["exporters"]:
        label, rules = exporter["label"], violated(exporter)
        expect(exporter["verdict"] != "error", f"{label}: not checked: {exporter['error']}")
        if label in NUMPY_PASS and rules:
            problems.append(f"{label}: expected to pass, flagged {sorted(rules)}")
        if rules - NUMPY_TOLERATED:
            problems.append(f"{label}: unexpected rules {sorted(rules - NUMPY_TOLERATED)}")
        for answer in exporter["requests"]:
            for violation in answer["violations"]:
                if answer["exception"] and answer["exception"]["type"] != "ValueError":
                    problems.append(f"{label}: {violation['message']}")
        if rules:
            raised = sorted({a["exception"]["type"] for a in exporter["requests"]
                             if a["violations"] and a["exception"]})
            deviations.append(f"{label}: {exporter['violation_count']} refusal(s) with "
                              f"{'/'.join(raised)} instead of BufferError")
    expect(not problems, "\n".join(problems) + "\n" + text)
    print(f"{len(NUMPY_PASS) + len(NUMPY_DEVIATING)} NumPy arrays checked; known deviations:")
    for deviation in deviations:
        print("  " + deviation)
    return 0


def overview_rows(text):
    """The overview's rows: (number, verdict, accepted, refused, rest of the line)."""
    rows = []
    for line in text.splitlines():
        match = re.match(r"^ +(\d+)  (pass|FAIL|error|skipped) +(\d+|-) +(\d+|-)  (.*)$", line)
        if match:
            rows.append(match.groups())
    return rows


def case_text(checker, _):
    """The text report a person reads: rules and legend first, one overview line per
    exporter that agrees with the JSON, detail only for exporters that failed (all with
    --verbose), each distinct violation once with its count, the same text on every run."""
    status, text, report = checker.report("text", "--builtins", "--expr",
                                          "pybuffer_check_broken.WrongException()")
    expect(status == 1, f"exit status {status}, 1 expected")
    lines = text.splitlines()
    rules_at = lines.index("Rules (an exporter fails when one of its answers breaks one):")
    legend_at = next(i for i, line in enumerate(lines) if line.startswith("Legend:"))
    rows = overview_rows(text)
    expect(rows, "no overview table")
    first_row = next(i for i, line in enumerate(lines) if re.match(r"^ +1  ", line))
    expect(rules_at < legend_at < first_row, "rules and legend do not come before the table")
    for rule in checker.schema["$defs"]["rule_id"]["enum"]:
        expect(any(line.startswith(f"  {rule} ") for line in lines[rules_at:legend_at]),
               f"rule {rule} missing from the rules named up front")
    expect(len(rows) == len(report["exporters"]),
           f"{len(rows)} overview rows for {len(report['exporters'])} exporters")
    for row, exporter in zip(rows, report["exporters"]):
        accepted = sum(a["accepted"] for a in exporter["requests"])
        refused = len(exporter["requests"]) - accepted
        verdict = exporter["verdict"]
        expect(row[1].lower() == verdict, f"row {row[0]}: verdict {row[1]}, JSON {verdict}")
        if verdict in ("pass", "fail"):
            expect((row[2], row[3]) == (str(accepted), str(refused)),
                   f"row {row[0]}: accepted/refused {row[2]}/{row[3]}, JSON {accepted}/{refused}")
        for rule in exporter["violated_rules"]:
            count = sum(v["rule"] == rule for a in exporter["requests"] for v in a["violations"])
            expect(f"{rule} x{count}" in row[4], f"row {row[0]} lacks '{rule} x{count}'")
    # Detail: one request table per failing exporter; --verbose gives every checked one.
    failing = [e for e in report["exporters"] if e["verdict"] == "fail"]
    expect(text.count("  request  ") == len(failing),
           f"{text.count('  request  ')} request tables for {len(failing)} failing exporter(s)")
    checked = [e for e in report["exporters"] if e["verdict"] in ("pass", "fail")]
    _, verbose, _ = checker.run("--verbose", "--builtins", "--expr",
                                "pybuffer_check_broken.WrongException()")
    expect(verbose.count("  request  ") == len(checked),
           f"--verbose: {verbose.count('  request  ')} tables for {len(checked)} exporters")
    # Each distinct violation once, with the number of requests that broke it.
    (broken,) = failing
    distinct = {}
    for answer in broken["requests"]:
        for violation in answer["violations"]:
            key = f"! {violation['rule']}: {violation['message']}"
            distinct[key] = distinct.get(key, 0) + 1
    for key, count in distinct.items():
        expect(text.count(key) == 1, f"{key!r} printed {text.count(key)} times, once expected")
        mark = f"[{count} requests, rows marked !]" if count > 1 else "[request "
        expect(f"{key}  {mark}" in text, f"{key!r} lacks its count {count}")
    marked = [line for line in text.splitlines() if line.startswith("! ")]
    expect(len(marked) == sum(bool(a["violations"]) for a in broken["requests"]),
           "the rows marked ! are not the requests that broke a rule")
    # Deterministic: no addresses, the same text twice.
    expect(not re.search(r"0x[0-9a-fA-F]{8,}", text), "the text carries memory addresses")
    _, again, _ = checker.run("--builtins", "--expr", "pybuffer_check_broken.WrongException()")
    _, once_more, _ = checker.run("--builtins", "--expr", "pybuffer_check_broken.WrongException()")
    expect(again == once_more, "two runs printed different text")
    expect(text.rstrip().splitlines()[-1].startswith("FAIL: "), "the verdict is not last")
    print(f"{len(rows)} overview rows agree with the JSON; {len(distinct)} distinct violation(s) "
          f"printed once each with their counts; two runs print the same text")


def describe_interpreter(python):
    """What PYTHON says it is, computed here from sys: (implementation name, language version,
    implementation version as releases are named, real path of the executable)."""
    probe = subprocess.run(
        [python, "-c", "import os, sys; v = sys.implementation.version; "
         "level = {'alpha': 'a', 'beta': 'b', 'candidate': 'rc'}.get(v.releaselevel); "
         "print(sys.implementation.name, sys.version.split()[0], "
         "'%d.%d.%d' % v[:3] + (level + str(v.serial) if level else ''), "
         "os.path.realpath(sys.executable))"],
        capture_output=True, text=True, timeout=60)
    return probe.stdout.split()


# Where a runtime's built-in exporters answer otherwise than CPython's (README, "PyPy";
# tests/pypy/exact/explained.txt): the rules each difference breaks, which the checker must
# report there (SEEN, by exporter), and the only rules a built-in may break there (TOLERATED).
BUILTIN_DIFFERENCES = {
    "pypy": {
        "seen": {
            # bytes refuses a writable request with ValueError, not BufferError.
            "bytes": {"refusal"},
            # bytearray, array and memoryview fill format, shape and strides whether
            # requested or not; memoryview never writes readonly.
            "bytearray": {"shape", "strides", "format"},
            "array('d')": {"shape", "strides", "format"},
            "memoryview(bytes)": {"shape", "strides", "format", "readonly"},
        },
        # The above, and memoryview's accepting contiguous requests its view is not.
        "tolerated": {"refusal", "shape", "strides", "format", "readonly", "contiguity"},
    },
}


def case_under(checker, arguments):
    """--python PYTHON: the same rules and exit statuses under another interpreter, whose
    identity the JSON reports. TYPE:RULE pairs are the broken exporters' expectations."""
    python, expectations = arguments[0], dict(pair.split(":") for pair in arguments[1:])
    implementation, version, implementation_version, executable = describe_interpreter(python)
    status, text, report = checker.report("under", "--python", python,
                                          "pybuffer_check_broken:exporters")
    interpreter = report["interpreter"]
    expect(interpreter["implementation"] == implementation
           and interpreter["version"] == version and report["python_version"] == version
           and interpreter["implementation_version"] == implementation_version,
           f"answered by {interpreter}, {implementation} {version} "
           f"({implementation_version}) expected\n{text}")
    expect(os.path.realpath(interpreter["executable"]) == executable,
           f"executable {interpreter['executable']}, {executable} expected")
    expect(interpreter["host"] == "module" and report["served_by_pybuffer"],
           f"not served by pybuffer's module: {interpreter}, {report['bindings']}")
    name = {"cpython": "CPython", "pypy": "PyPy"}[implementation]
    said = (f"serving {name} {version} (" if implementation_version == version else
            f"serving {name} {implementation_version} for Python {version} (")
    expect(said in text, f"the text report does not say {said!r}")
    expect(status == 1, f"exit status {status}, 1 expected")
    found = {e["label"]: set(e["violated_rules"]) for e in report["exporters"]}
    for type_name, rule in expectations.items():
        if type_name not in found:
            continue  # CorrectReadOnly is made with an argument; the module's dict has Correct
        wanted = set() if rule == "none" else {rule}
        expect(found[type_name] == wanted, f"{type_name}: {sorted(found[type_name])} under "
               f"{version}, {sorted(wanted)} expected")
    status, text, report = checker.report("under_builtins", "--python", python)
    differences = BUILTIN_DIFFERENCES.get(implementation, {"seen": {}, "tolerated": set()})
    failed = {e["label"]: set(e["violated_rules"]) for e in report["exporters"]
              if e["verdict"] not in ("pass", "skipped")}
    for label, rules in differences["seen"].items():
        expect(rules <= failed.get(label, set()),
               f"{label} under {name}: {sorted(failed.get(label, set()))}, the known "
               f"difference breaks {sorted(rules)}\n{text}")
    for label, rules in failed.items():
        expect(rules <= differences["tolerated"],
               f"built-in {label} under {name} {version}: {sorted(rules)}\n{text}")
    expect(status == (1 if failed else 0), f"built-ins under {version}: exit {status}, "
           f"failed {sorted(failed)}")
    status, _, errors = checker.run("--python", python, "--expr", "42")
    expect(status == 2, f"an unresolvable target under {version}: exit {status}, 2 expected")
    print(f"{name} {implementation_version} ({executable}): {len(found)} exporters flagged as "
          f"expected; built-ins: {len(failed)} fail"
          + (f" (known differences seen: {', '.join(sorted(differences['seen']))})"
             if differences["seen"] else "") + "; exit statuses 1, %d, 2" % (1 if failed else 0))


def case_same_exits(checker, arguments):
    """PYTHON MODULE_DIR TYPE:RULE...: each broken or correct exporter checked by the
    embedded CPython (its module in MODULE_DIR) and under PYTHON (--python, the driver's
    --module-dir), in this one run: the same exit status and the same broken rules; and the
    same exit status for a target that cannot be checked and for a usage error."""
    python, cpython_modules = arguments[0], arguments[1]
    expectations = [pair.split(":") for pair in arguments[2:]]
    cpython = checker.with_modules(cpython_modules)
    sides = (("cpython", cpython, ()), ("other", checker, ("--python", python)))

    def answer(type_name, side):
        name, runner, arguments_before = side
        constructor = ("Correct(readonly=True)" if type_name == "CorrectReadOnly"
                       else type_name + "()")
        status, text, report = runner.report(f"same_{name}_{type_name}", *arguments_before,
                                             "--expr", f"pybuffer_check_broken.{constructor}")
        (exporter,) = report["exporters"]
        expect(exporter["verdict"] != "error", f"{type_name}: not checked: "
               f"{exporter['error']}\n{text}")
        return status, sorted(exporter["violated_rules"])

    # Two at a time: most of each run is an interpreter starting.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = [(type_name, [pool.submit(answer, type_name, side) for side in sides])
                   for type_name, _ in expectations]
        answers = [(type_name, [f.result() for f in pair]) for type_name, pair in futures]
    wanted = {type_name: (0, []) if rule == "none" else (1, [rule])
              for type_name, rule in expectations}
    differing = [f"{type_name}: {pair[0]} vs {pair[1]}, {wanted[type_name]} expected"
                 for type_name, pair in answers
                 if tuple(pair[0]) != wanted[type_name] or pair[0] != pair[1]]
    compared = len(answers)
    for label, arguments_after in (("unresolvable target", ("--expr", "42")),
                                   ("usage error", ("--frobnicate",))):
        statuses = [cpython.run(*arguments_after)[0],
                    checker.run("--python", python, *arguments_after)[0]]
        compared += 1
        if statuses[0] != statuses[1] or statuses[0] != 2:
            differing.append(f"{label}: exit {statuses[0]} vs {statuses[1]}, 2 expected")
    expect(not differing, "exit statuses or rules differ:\n  " + "\n  ".join(differing))
    print(f"{compared} cases: the same exit status (and the same broken rules) under the "
          f"embedded CPython and under {python}")


def case_no_build(checker, _):
    """An interpreter without a build of the module gets a clear error and exit status 2.
    Staged: a copy of the package without its extensions."""
    stage = os.path.join(checker.work, "no_build")
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(os.path.join(checker.package_dir, "pybuffer_check"),
                    os.path.join(stage, "pybuffer_check"),
                    ignore=shutil.ignore_patterns("_native*", "__pycache__"))
    env = dict(checker.env, PYTHONPATH=stage)
    process = subprocess.run([sys.executable, "-m", "pybuffer_check", "--builtins"],
                             capture_output=True, text=True, env=env, timeout=60)
    version = "%d.%d" % sys.version_info[:2]
    expect(process.returncode == 2, f"exit status {process.returncode}, 2 expected")
    expect(f"no build for CPython {version}" in process.stderr
           and "Traceback" not in process.stderr, f"unclear error: {process.stderr!r}")
    print("no build for this interpreter: exit status 2 and " + process.stderr.strip()[:80])


def case_python_api(checker, arguments):
    """The Python API and the pytest plugin (test_python_api.py), under pytest run by
    --interpreter (the driver's own by default): its NumPy tests alone with the argument
    "numpy", the others without, so that a missing NumPy skips only what needs it, and says
    so."""
    python = checker.interpreter
    for module in ["pytest"] + list(arguments):
        probe = subprocess.run([python, "-c", f"import {module}"], capture_output=True,
                               text=True, timeout=120)
        if probe.returncode != 0:
            last = (probe.stderr.strip().splitlines() or ["?"])[-1]
            print(f"NOT RUN: {module} is not importable by {python} ({last}); Debian: "
                  f"python3-{module}" + (", and for pypy3 python3-exceptiongroup and "
                                          "python3-tomli too" if module == "pytest" else ""))
            return SKIP
    env = dict(checker.env)
    here = os.path.dirname(os.path.abspath(__file__))
    env["PYTHONPATH"] = os.pathsep.join([checker.package_dir, checker.module_dir, here])
    env["PYBUFFER_CHECK_SCHEMA"] = checker.schema_path
    selection = "numpy" if arguments else "not numpy"
    process = subprocess.run([python, "-m", "pytest", "-p", "no:cacheprovider", "-rs",
                              "-v", "-k", selection, os.path.join(here, "test_python_api.py")],
                             env=env, cwd=checker.work, timeout=600)
    return 0 if process.returncode == 0 else 1


CASES = {
    "builtin": case_builtin,
    "broken": case_broken,
    "all-broken": case_all_broken,
    "cli": case_cli,
    "schema": case_schema,
    "numpy": case_numpy,
    "text": case_text,
    "under": case_under,
    "same-exits": case_same_exits,
    "no-build": case_no_build,
    "python-api": case_python_api,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--checker", required=True)
    parser.add_argument("--module-dir", required=True)
    parser.add_argument("--schema", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--package-dir", help="the directory holding the pybuffer_check package")
    parser.add_argument("--interpreter", default=sys.executable,
                        help="the python that runs the python-api case's pytest")
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("arguments", nargs="*")
    args = parser.parse_args()
    try:
        return CASES[args.case](Checker(args), args.arguments) or 0
    except Failure as failure:
        print(f"FAILED: {failure}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
