// What the copy differential test and the copy benchmark share: the running libpython's own
// copy functions beside pybuffer's twins, and a tiny exporter type that hands out whatever
// Py_buffer it is given, so that PyObject_CopyData can be driven with any hand-built layout.
//
// Include after <Python.h>, in a program linked with libpython first and libpybuffer second:
// the plain names then belong to libpython, but the real functions are still read with dlsym
// from libpython's own handle, so the link order is checked rather than trusted.
#pragma once

#include <Python.h>

#include <dlfcn.h>

#include <climits>
#include <cstdlib>
#include <string>

#include "pybuffer/pybuffer.h"

namespace copy_harness {

using ToContiguousFn = int (*)(void *buf, const Py_buffer *view, Py_ssize_t len, char order);
using FromContiguousFn = int (*)(const Py_buffer *view, const void *buf, Py_ssize_t len,
                                 char order);
using CopyDataFn = int (*)(PyObject *dest, PyObject *src);
using GetContiguousFn = PyObject *(*)(PyObject *obj, int buffertype, char order);

/// One implementation of the three copy functions.
struct CopyFunctions {
  const char *name;
  ToContiguousFn to_contiguous;
  FromContiguousFn from_contiguous;
  CopyDataFn copy_data;
  GetContiguousFn get_contiguous;  // PyMemoryView_GetContiguous: a packed copy as a memoryview
};

/// pybuffer, through the namespaced twins that nothing else defines.
inline CopyFunctions ours() {
  return {"pybuffer", &pybuffer_PyBuffer_ToContiguous, &pybuffer_PyBuffer_FromContiguous,
          &pybuffer_PyObject_CopyData, &pybuffer_PyMemoryView_GetContiguous};
}

inline std::string canonical_path(const char *path) {
  char resolved[PATH_MAX];
  return realpath(path, resolved) != nullptr ? std::string(resolved) : std::string(path);
}

inline std::string object_defining(const void *address) {
  Dl_info info{};
  if (dladdr(address, &info) == 0 || info.dli_fname == nullptr) return {};
  return canonical_path(info.dli_fname);
}

/// The real libpython's functions: dladdr(&Py_Initialize) names the file (or, should the
/// executable own a canonical PLT entry for it, the version string stored in libpython does),
/// dlopen(RTLD_NOLOAD) gives a handle on the copy already mapped, dlsym reads the functions.
/// Returns false with a reason when that fails or finds pybuffer's definitions.
inline bool load_real(CopyFunctions *out, std::string *libpython, std::string *error) {
  std::string path = object_defining(reinterpret_cast<const void *>(&Py_Initialize));
  if (path.empty() || path == canonical_path("/proc/self/exe")) {
    path = object_defining(Py_GetVersion());
  }
  void *handle = path.empty() ? nullptr : dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) {
    *error = "cannot get a handle on libpython (" + path + ")";
    return false;
  }
  CopyFunctions real{
      "CPython", reinterpret_cast<ToContiguousFn>(dlsym(handle, "PyBuffer_ToContiguous")),
      reinterpret_cast<FromContiguousFn>(dlsym(handle, "PyBuffer_FromContiguous")),
      reinterpret_cast<CopyDataFn>(dlsym(handle, "PyObject_CopyData")),
      reinterpret_cast<GetContiguousFn>(dlsym(handle, "PyMemoryView_GetContiguous"))};
  const bool is_pybuffer = dlsym(handle, "pybuffer_version") != nullptr;
  dlclose(handle);  // only the reference taken above: libpython stays mapped
  if (is_pybuffer || real.to_contiguous == nullptr || real.from_contiguous == nullptr ||
      real.copy_data == nullptr || real.get_contiguous == nullptr ||
      real.to_contiguous == &pybuffer_PyBuffer_ToContiguous) {
    *error = path + " does not provide CPython's own copy functions";
    return false;
  }
  *out = real;
  *libpython = path;
  return true;
}

/// An object whose buffer is `layout`, handed out as is to every request (obj filled in).
struct Exporter {
  PyObject_HEAD Py_buffer layout;
};

inline int exporter_get_buffer(PyObject *self, Py_buffer *view, int /*flags*/) {
  *view = reinterpret_cast<Exporter *>(self)->layout;
  Py_INCREF(self);
  view->obj = self;
  return 0;
}

/// A new exporter (NULL with a Python exception on failure); its layout starts empty.
inline PyObject *new_exporter() {
  static PyTypeObject *type = [] {
#if PY_VERSION_HEX >= 0x03090000
    static PyType_Slot slots[] = {{Py_bf_getbuffer, reinterpret_cast<void *>(&exporter_get_buffer)},
                                  {0, nullptr}};
#else
    static PyType_Slot slots[] = {{0, nullptr}};
#endif
    static PyType_Spec spec = {"copy_harness.Exporter", static_cast<int>(sizeof(Exporter)), 0,
                               Py_TPFLAGS_DEFAULT, slots};
    auto *made = reinterpret_cast<PyTypeObject *>(PyType_FromSpec(&spec));
#if PY_VERSION_HEX < 0x03090000
    // Type specs take buffer slots from 3.9; before, the heap type's own PyBufferProcs.
    if (made != nullptr) made->tp_as_buffer->bf_getbuffer = &exporter_get_buffer;
#endif
    return made;
  }();
  if (type == nullptr) return nullptr;
  return PyType_GenericAlloc(type, 0);
}

inline void set_layout(PyObject *exporter, const Py_buffer &layout) {
  reinterpret_cast<Exporter *>(exporter)->layout = layout;
}

}  // namespace copy_harness
