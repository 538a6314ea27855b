// dlsym table of libpython's buffer functions, and the pybuffer twins beside it.
#include "real_api.hpp"

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>

#include "host_reference.hpp"

namespace diff {
namespace {

Api g_real{};
Api g_ours{};
std::string g_libpython;

std::string real_path(const char *path) {
  char resolved[PATH_MAX];
  return realpath(path, resolved) != nullptr ? std::string(resolved) : std::string(path);
}

// The shared object that defines `address`, or "" when dladdr cannot tell.
std::string object_defining(const void *address) {
  Dl_info info{};
  if (dladdr(address, &info) == 0 || info.dli_fname == nullptr) return {};
  return real_path(info.dli_fname);
}

// Where libpython lives. &Py_Initialize normally points into libpython itself; should the
// executable own a canonical PLT entry for it (non-PIE builds), the address names the
// executable instead, and the version string (static storage inside libpython) is used.
std::string find_libpython() {
  std::string path = object_defining(reinterpret_cast<const void *>(&Py_Initialize));
  if (path.empty() || path == real_path("/proc/self/exe")) {
    path = object_defining(Py_GetVersion());
  }
  return path;
}

}  // namespace

bool load_apis(std::string *error) {
  g_libpython = find_libpython();
  if (g_libpython.empty()) {
    *error = "dladdr cannot locate libpython";
    return false;
  }
  // RTLD_NOLOAD: only a handle to the copy already mapped, never a second interpreter.
  void *handle = dlopen(g_libpython.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) {
    *error = "dlopen(" + g_libpython + ", RTLD_NOLOAD) failed: " + dlerror();
    return false;
  }
  // A handle's lookup scope is the object and its own dependencies, never libpybuffer, so
  // every symbol found here is CPython's definition.
  if (dlsym(handle, "pybuffer_version") != nullptr) {
    *error = g_libpython + " is not libpython (it exports pybuffer_version)";
    return false;
  }
  g_real.name = "CPython";
  g_ours.name = "pybuffer";
  std::string missing;
#define DIFF_LOAD_REAL(ret, fn, params, args) \
  g_real.fn = reinterpret_cast<ret(*) params>(dlsym(handle, #fn));
  PYBUFFER_FUNCTIONS(DIFF_LOAD_REAL)
#undef DIFF_LOAD_REAL
#define DIFF_LOAD_OURS(ret, fn, params, args) g_ours.fn = &pybuffer_##fn;
  PYBUFFER_FUNCTIONS(DIFF_LOAD_OURS)
#undef DIFF_LOAD_OURS
  dlclose(handle);  // drops only the reference taken above; libpython stays mapped
#if PY_VERSION_HEX < 0x03090000
  // Functions 3.9 added: the host's headers' macro, and 3.9's definition run on the host's
  // own struct.calcsize (what 3.9's PyBuffer_SizeFromFormat calls).
  if (g_real.PyObject_CheckBuffer == nullptr) {
    g_real.PyObject_CheckBuffer = &pybuffer_test::check_buffer_by_headers;
  }
  if (g_real.PyBuffer_SizeFromFormat == nullptr) {
    g_real.PyBuffer_SizeFromFormat = &pybuffer_test::size_from_format_by_struct;
  }
#endif
#define DIFF_MISSING(ret, fn, params, args) \
  if (g_real.fn == nullptr) missing += " " #fn;
  PYBUFFER_FUNCTIONS(DIFF_MISSING)
#undef DIFF_MISSING
  if (!missing.empty()) {
    *error = g_libpython + " lacks:" + missing;
    return false;
  }
  if (reinterpret_cast<void *>(g_real.PyObject_GetBuffer) ==
      reinterpret_cast<void *>(g_ours.PyObject_GetBuffer)) {
    *error = "real and ours resolve to the same PyObject_GetBuffer";
    return false;
  }
  return true;
}

const Api &real() {
  return g_real;
}
const Api &ours() {
  return g_ours;
}
const std::string &libpython_path() {
  return g_libpython;
}

}  // namespace diff
