#include "reexec.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <vector>

namespace pybuffer::check {
namespace {

bool has_package(const std::string &dir) {
  return !dir.empty() && access((dir + "/pybuffer_check/__init__.py").c_str(), R_OK) == 0;
}

// The directory of this executable, from /proc (argv[0] may be a bare name found on PATH).
std::string executable_dir(const char *program) {
  std::vector<char> path(4096);
  const ssize_t length = readlink("/proc/self/exe", path.data(), path.size() - 1);
  std::string exe = length > 0 ? std::string(path.data(), static_cast<std::size_t>(length))
                               : std::string(program);
  const std::size_t slash = exe.rfind('/');
  return slash == std::string::npos ? "." : exe.substr(0, slash);
}

}  // namespace

std::string module_dir_of(const char *program) {
  // Both locations come from CMake (tools/check/CMakeLists.txt): the installed one relative
  // to the installed executable, so that a relocated installation finds its own.
  const std::string installed = executable_dir(program) + "/" PYBUFFER_CHECK_INSTALLED_MODULE_DIR;
  if (has_package(installed)) return installed;
  if (has_package(PYBUFFER_CHECK_BUILD_MODULE_DIR)) return PYBUFFER_CHECK_BUILD_MODULE_DIR;
  return {};
}

int run_under(const std::string &python, int argc, char **argv, const std::string &module_dir) {
  if (module_dir.empty()) {
    std::cerr << "pybuffer-check: --python: the pybuffer_check module is not installed beside "
                 "this program nor built in its build tree\n";
    return 2;
  }
  std::vector<std::string> arguments = {python, "-m", "pybuffer_check"};
  bool only_positional = false;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    only_positional = only_positional || argument == "--";
    if (!only_positional && argument == "--python") {
      ++i;  // and its value
      continue;
    }
    if (!only_positional && argument.rfind("--python=", 0) == 0) continue;
    arguments.push_back(argument);
  }
  const char *old_path = std::getenv("PYTHONPATH");
  std::string path = module_dir;
  if (old_path != nullptr && *old_path != '\0') path += std::string(":") + old_path;
  setenv("PYTHONPATH", path.c_str(), 1);

  std::vector<char *> pointers;
  for (std::string &argument : arguments) pointers.push_back(argument.data());
  pointers.push_back(nullptr);
  std::cout.flush();
  execvp(pointers[0], pointers.data());
  std::cerr << "pybuffer-check: --python: cannot run " << python << ": " << std::strerror(errno)
            << '\n';
  return 2;
}

}  // namespace pybuffer::check
