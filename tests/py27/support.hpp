// What the 2.7 suites share: the pending exception as text, the case count, and main().
#pragma once

#include <Python.h>

#include <string>

namespace py27 {

/// The pending exception as "module.Type: message", cleared; "" when none is set.
std::string take_exception();

/// The last test of a differential suite: prints how many cases were compared with
/// libpython2.7, and fails when none was.
void report_cases(const char *suite, int cases);

/// main() of a suite: GoogleTest's arguments, the embedded 2.7 started (no site module),
/// `prepare` run (false, with the reason in *why, when the suite cannot run: then 1), the
/// tests run.
int run_suite(int argc, char **argv, const char *suite, bool (*prepare)(std::string *why));

}  // namespace py27
