"""Runs CPython's own regression-test runner (`python -m test ARGS`) in the interpreter that
runs this script, and records the outcome of every test and sub-test.

Usage: python regrtest_driver.py OUTCOMES_FILE REGRTEST_ARGS...

OUTCOMES_FILE receives one JSON object per line, {"id": ..., "outcome": ...}, written and
flushed as each outcome is reported, so a crash keeps everything reported before it.
Outcomes: ok, FAIL, ERROR, skipped, expected failure, unexpected success. A failing sub-test
is recorded under its own id ("<test id> (<params>)"); its test then reports no outcome of
its own, exactly as unittest does.

The outcomes are taken from regrtest's own result class (RegressionTestResult, which every
test of a regrtest run reports to), wrapped here, rather than parsed from -v output, whose
lines interleave with what tests print. Runs in CPython 3.9-3.13; standard library only; it
must not be named test*.py, since its directory is first on sys.path.
"""
import json
import runpy
import sys


def _result_class():
    try:  # 3.11+
        from test.libregrtest.testresult import RegressionTestResult
    except ImportError:  # 3.9, 3.10
        from test.support.testresult import RegressionTestResult
    return RegressionTestResult


def _test_id(test):
    try:
        return test.id()
    except Exception:  # an _ErrorHolder or a doctest without id(): fall back to its text
        return str(test)


def _install_recorder(result_class, out):
    def record(test, outcome):
        out.write(json.dumps({"id": _test_id(test), "outcome": outcome}) + "\n")
        out.flush()

    def wrap(name, outcome):
        original = getattr(result_class, name)

        def method(self, test, *args):
            record(test, outcome)
            return original(self, test, *args)

        setattr(result_class, name, method)

    wrap("addSuccess", "ok")
    wrap("addFailure", "FAIL")
    wrap("addError", "ERROR")
    wrap("addSkip", "skipped")
    wrap("addExpectedFailure", "expected failure")
    wrap("addUnexpectedSuccess", "unexpected success")

    original_subtest = result_class.addSubTest

    def add_subtest(self, test, subtest, err):
        if err is not None:
            record(subtest, "FAIL" if issubclass(err[0], test.failureException) else "ERROR")
        return original_subtest(self, test, subtest, err)

    result_class.addSubTest = add_subtest


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: regrtest_driver.py OUTCOMES_FILE REGRTEST_ARGS...")
    out = open(sys.argv[1], "a", encoding="utf-8")
    _install_recorder(_result_class(), out)
    sys.argv = [sys.argv[0]] + sys.argv[2:]
    # test/__main__.py is regrtest's entry point in every supported version; it ends with
    # sys.exit(status), which this process's exit status reports.
    runpy.run_module("test", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
