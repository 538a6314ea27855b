"""The Python API and the pytest plugin of pybuffer_check, run by pytest under the primary
host (CTest: check.python_api) and under pypy3 (check.python_api.pypy39). The package and the
broken exporters (built for the interpreter running this) come from PYTHONPATH;
PYBUFFER_CHECK_EXPECTATIONS ("Type:rule;...", rule "none" for a correct exporter) and
PYBUFFER_CHECK_SCHEMA come from CMake: the rule each broken exporter was written to break.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

import pybuffer_check
import pybuffer_check_broken
import schema_validate

EXPECTATIONS = [pair.split(":") for pair in os.environ["PYBUFFER_CHECK_EXPECTATIONS"].split(";")]
with open(os.environ["PYBUFFER_CHECK_SCHEMA"], encoding="utf-8") as _file:
    SCHEMA = json.load(_file)
# PyPy's own exporters answer some requests otherwise than CPython's (README, "PyPy"): there
# the checker must report those differences, never pass them.
PYPY = sys.implementation.name == "pypy"


def make(type_name):
    if type_name == "CorrectReadOnly":
        return pybuffer_check_broken.Correct(readonly=True)
    return getattr(pybuffer_check_broken, type_name)()


@pytest.mark.parametrize("type_name,rule", EXPECTATIONS, ids=[t for t, _ in EXPECTATIONS])
def test_broken_exporters_through_the_api(type_name, rule):
    report = pybuffer_check.check(make(type_name))
    assert schema_validate.validate(json.loads(report.to_json()), SCHEMA) == []
    if rule == "none":
        assert report.ok, report.explain()
        assert report.violations == []
        return
    assert not report.ok
    assert {v.rule for v in report.violations} == {rule}
    for violation in report.violations:
        assert violation.message
        # The request is a name of the documentation's tables, and that request's answer.
        assert violation.request == violation.answer["request"]
        assert any(v["rule"] == rule for v in violation.answer["violations"])


def test_the_report_says_which_interpreter_answered():
    document = json.loads(pybuffer_check.check(bytearray(4)).to_json())
    interpreter = document["interpreter"]
    assert interpreter["host"] == "module"
    assert interpreter["implementation"] == sys.implementation.name
    assert interpreter["version"] == sys.version.split()[0]
    # PyPy's own version (7.3.11) beside the language's; CPython's equals its version.
    version = sys.implementation.version
    level = {"alpha": "a", "beta": "b", "candidate": "rc"}.get(version.releaselevel)
    assert interpreter["implementation_version"] == (
        "%d.%d.%d" % version[:3] + (level + str(version.serial) if level else ""))
    assert interpreter["executable"] == sys.executable
    # The requests went through libpybuffer, not this interpreter's own functions.
    assert document["served_by_pybuffer"], document["bindings"]


def test_requests_can_be_chosen():
    report = pybuffer_check.check(b"abc", requests=["FULL_RO", "PyBUF_ND", "STRIDES|FORMAT"])
    sent = [(a["request"], a["alias"]) for a in report.exporter["requests"]]
    # FULL_RO = INDIRECT|FORMAT, ND (alias CONTIG_RO), STRIDES|FORMAT = RECORDS_RO.
    assert sent == [("INDIRECT|FORMAT", "FULL_RO"), ("ND", "CONTIG_RO"),
                    ("STRIDES|FORMAT", "RECORDS_RO")]
    assert report.ok
    writable = pybuffer_check.check(b"abc", requests="CONTIG")
    assert not writable.exporter["requests"][0]["accepted"]
    if PYPY:
        # PyPy's bytes refuses a WRITABLE request with ValueError: the refusal rule.
        assert [(v.rule, v.answer["exception"]["type"]) for v in writable.violations] == [
            ("refusal", "ValueError")]
    else:
        # CPython's refuses it with BufferError: not a violation.
        assert writable.ok
    with pytest.raises(ValueError, match="unknown request 'NO_SUCH'"):
        pybuffer_check.check(b"abc", requests=["NO_SUCH"])


def test_an_object_without_a_buffer_is_not_ok():
    report = pybuffer_check.check(42)
    assert not report.ok
    assert "not an exporter" in report.error


def test_builtin_bytearray():
    report = pybuffer_check.check(bytearray(3))
    if PYPY:
        # PyPy's bytearray fills format, shape and strides whether requested or not.
        assert not report.ok
        assert {"format", "shape", "strides"} <= {v.rule for v in report.violations}
        with pytest.raises(AssertionError, match="rule format, request SIMPLE"):
            pybuffer_check.assert_buffer_conforms(bytearray(3), requests=["SIMPLE"])
    else:
        assert report.ok, report.explain()
        pybuffer_check.assert_buffer_conforms(bytearray(3))


def test_assert_buffer_conforms_names_rule_request_and_fields():
    pybuffer_check.assert_buffer_conforms(pybuffer_check_broken.Correct())
    with pytest.raises(AssertionError) as caught:
        pybuffer_check.assert_buffer_conforms(pybuffer_check_broken.WrongLen(),
                                              requests=["ND"], label="WrongLen()")
    message = str(caught.value)
    # WrongLen reports len 28 (24 + one more int) for its shape (2, 3) of 4-byte C ints: the
    # len rule (broken_exporters.c). ND's compound name is CONTIG_RO.
    assert "rule len, request ND = CONTIG_RO" in message
    assert "fields: readonly=0, ndim=2, len=28, itemsize=4, format=NULL, shape=(2,3)" in message
    assert "WrongLen()" in message


PLUGIN_TEST = textwrap.dedent("""
    import pybuffer_check_broken

    pytest_plugins = ["pybuffer_check.pytest_plugin"]

    def test_correct(buffer_conforms):
        buffer_conforms(pybuffer_check_broken.Correct())

    def test_broken(buffer_conforms):
        buffer_conforms(pybuffer_check_broken.FormatUnrequested(), requests=["ND"])
""")


def test_the_pytest_plugin_fails_a_broken_exporter(tmp_path):
    (tmp_path / "test_exporter.py").write_text(PLUGIN_TEST, encoding="utf-8")
    process = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300)
    output = process.stdout + process.stderr
    assert process.returncode == 1, output  # pytest: some test failed
    assert "1 failed, 1 passed" in output, output
    # FormatUnrequested sets format under a request without PyBUF_FORMAT (rule format).
    assert "FAILED test_exporter.py::test_broken" in output, output
    assert "rule format, request ND = CONTIG_RO" in output, output
    assert "fields: readonly=0" in output, output


def test_numpy_arrays():
    # Selected alone (-k numpy) by the driver, which skips it, saying so, without NumPy.
    import numpy

    # One-dimensional contiguous arrays are C- and Fortran-contiguous: NumPy serves every
    # request, by the rules.
    assert pybuffer_check.check(numpy.arange(12, dtype="int8")).ok
    assert pybuffer_check.check(numpy.zeros(3, dtype="i4,f8")).ok
    # A strided slice cannot serve contiguous requests; NumPy refuses them with ValueError
    # where the protocol asks for BufferError: the refusal rule, and no other.
    sliced = pybuffer_check.check(numpy.arange(12).reshape(3, 4)[:, ::2])
    assert {v.rule for v in sliced.violations} == {"refusal"}
    assert all("exception=ValueError(" in v.fields() for v in sliced.violations)
    # The strided requests it serves conform.
    assert pybuffer_check.check(numpy.arange(12).reshape(3, 4)[:, ::2],
                                requests=["STRIDED_RO", "RECORDS", "FULL"]).ok
