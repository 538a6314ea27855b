// Run-time version queries: the library's own, and the host interpreter's.
#include <Python.h>

#include <pybuffer/pybuffer.h>

#include "host/host.hpp"

#define PYBUFFER_STRINGIFY2(x) #x
#define PYBUFFER_STRINGIFY(x) PYBUFFER_STRINGIFY2(x)

extern "C" PYBUFFER_API const char *pybuffer_version(void) {
  return PYBUFFER_STRINGIFY(PYBUFFER_VERSION_MAJOR) "." PYBUFFER_STRINGIFY(
      PYBUFFER_VERSION_MINOR) "." PYBUFFER_STRINGIFY(PYBUFFER_VERSION_PATCH);
}

extern "C" PYBUFFER_API unsigned long pybuffer_host_version_hex(void) {
  return pybuffer::host::version_hex();
}
