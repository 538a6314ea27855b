#include "sides.hpp"

#include <dlfcn.h>

#include <pybuffer/legacy.h>

#include <cstring>

namespace py27::buffer_objects {

Side real{"libpython2.7", nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
Side ours{"pybuffer",
          pybuffer_PyBuffer_FromObject,
          pybuffer_PyBuffer_FromReadWriteObject,
          pybuffer_PyBuffer_FromMemory,
          pybuffer_PyBuffer_FromReadWriteMemory,
          pybuffer_PyBuffer_New,
          &pybuffer_PyBuffer_Type};

int (*real_as_read_buffer)(PyObject *, const void **, Py_ssize_t *);
int (*real_as_char_buffer)(PyObject *, const char **, Py_ssize_t *);
int (*real_as_write_buffer)(PyObject *, void **, Py_ssize_t *);

bool load_real(std::string *error) {
  void *lib = dlopen(PYBUFFER_PY27_LIBRARY, RTLD_LAZY | RTLD_NOLOAD);
  if (lib == nullptr) {
    *error = std::string("libpython2.7 not loaded: ") + PYBUFFER_PY27_LIBRARY;
    return false;
  }
  const auto find = [&](const char *name) {
    void *symbol = dlsym(lib, name);
    if (symbol == nullptr) *error += std::string(" missing ") + name;
    return symbol;
  };
  real.from_object = reinterpret_cast<decltype(real.from_object)>(find("PyBuffer_FromObject"));
  real.from_read_write_object =
      reinterpret_cast<decltype(real.from_read_write_object)>(find("PyBuffer_FromReadWriteObject"));
  real.from_memory = reinterpret_cast<decltype(real.from_memory)>(find("PyBuffer_FromMemory"));
  real.from_read_write_memory =
      reinterpret_cast<decltype(real.from_read_write_memory)>(find("PyBuffer_FromReadWriteMemory"));
  real.new_buffer = reinterpret_cast<decltype(real.new_buffer)>(find("PyBuffer_New"));
  real.type = static_cast<PyTypeObject *>(find("PyBuffer_Type"));
  real_as_read_buffer =
      reinterpret_cast<decltype(real_as_read_buffer)>(find("PyObject_AsReadBuffer"));
  real_as_char_buffer =
      reinterpret_cast<decltype(real_as_char_buffer)>(find("PyObject_AsCharBuffer"));
  real_as_write_buffer =
      reinterpret_cast<decltype(real_as_write_buffer)>(find("PyObject_AsWriteBuffer"));
  if (!error->empty()) return false;
  // The two sides must really be two implementations.
  Dl_info where{};
  if (dladdr(reinterpret_cast<void *>(real.from_object), &where) == 0 ||
      std::strstr(where.dli_fname, "libpython2.7") == nullptr || real.type == ours.type) {
    *error = "PyBuffer_FromObject / PyBuffer_Type are not libpython2.7's own";
    return false;
  }
  return true;
}

}  // namespace py27::buffer_objects
