// Starting the embedded interpreter, the same way in every test program that embeds CPython
// (differential, copy, format, stress, fuzz). Compiled per host, against that host's Python.h.
#pragma once

namespace pybuffer_test {

/// Starts the interpreter once per process (true at once when it already runs), without
/// signal handlers: the test runner or libFuzzer owns SIGINT, SIGSEGV and alarms. `program`,
/// when given, is the host's own executable, set as program name so that an embedded pyenv
/// build finds its standard library as its interpreter would. On failure prints the reason
/// on stderr and returns false.
bool start_python(const char *program = nullptr);

}  // namespace pybuffer_test
