"""pypy.malformed: the malformed-input matrix (tests/stress/malformed_matrix_test.cpp) inside
pypy3, against libpybuffer-pypy39; gtest's arguments pass through (--gtest_filter=...)."""
import sys

import pybuffer_pypy_malformed

sys.exit(pybuffer_pypy_malformed.run(sys.argv))
