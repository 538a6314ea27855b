// --python PATH: checking under another interpreter. The whole command line, less --python,
// is handed to `PATH -m pybuffer_check`, with the directory holding the pybuffer_check
// package (one extension per CPython version, built from these same sources) put first on
// PYTHONPATH. That interpreter keeps its own sys.path, virtual environment and packages.
#pragma once

#include <string>

namespace pybuffer::check {

/// The directory holding the pybuffer_check package for the pybuffer-check program at
/// `program` (argv[0]): the installed one beside it, else the build tree's; "" when neither
/// exists.
std::string module_dir_of(const char *program);

/// Replaces this process with `python -m pybuffer_check ARGS` (argv less --python); returns
/// only on failure, with the exit status 2 after saying why on standard error.
int run_under(const std::string &python, int argc, char **argv, const std::string &module_dir);

}  // namespace pybuffer::check
