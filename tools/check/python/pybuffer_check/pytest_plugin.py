"""pytest plugin of pybuffer_check. Enable it with `-p pybuffer_check.pytest_plugin` or
`pytest_plugins = ["pybuffer_check.pytest_plugin"]` in a conftest.py; then

    def test_my_exporter(buffer_conforms):
        buffer_conforms(MyExporter())                       # every request
        buffer_conforms(MyExporter(), requests=["FULL_RO"]) # some of them

fails the test with the broken rule, the request and the answer's fields. Without the
plugin, pybuffer_check.assert_buffer_conforms does the same.
"""

import pytest

from pybuffer_check import BufferConformanceError, assert_buffer_conforms


@pytest.fixture
def buffer_conforms():
    """assert_buffer_conforms, failing the test with the report's explanation."""

    def conforms(obj, requests=None, label=None):
        try:
            return assert_buffer_conforms(obj, requests=requests, label=label)
        except BufferConformanceError as error:
            explanation = str(error)
        # Outside the handler, so that the log shows the explanation once, without a chained
        # traceback into this plugin.
        pytest.fail(explanation, pytrace=False)

    return conforms
