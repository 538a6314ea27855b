// Python 2.7's buffer-object constructors (include/pybuffer/legacy.h): arguments checked by
// core::legacy in 2.7's order, the object made by host (host/legacy_buffer.cpp).
#include <Python.h>

#include "capi/entry_points.hpp"
#include "capi/raise.hpp"
#include "core/legacy_buffer.hpp"
#include "host/host.hpp"

using namespace pybuffer;

namespace {

// 2.7's buffer_from_object: a buffer of a buffer with a base refers to that base.
PyObject *from_object(PyObject *base, Py_ssize_t offset, Py_ssize_t size, bool readonly,
                      const char *function) {
  if (base == nullptr) {
    capi::raise_null(function, "base");
    return nullptr;
  }
  if (!host::legacy_base_supported(base, readonly)) return nullptr;
  host::LegacyBufferSource source{base, nullptr, {}, readonly};
  core::legacy::Extent outer;
  PyObject *outer_base = nullptr;
  const core::Status status =
      host::legacy_buffer_base(base, &outer_base, &outer)
          ? core::legacy::collapse_extent(outer, offset, size, &source.extent)
          : core::legacy::extent_over_object(offset, size, &source.extent);
  if (!status.ok()) {
    capi::raise(status, function);
    return nullptr;
  }
  if (outer_base != nullptr) source.base = outer_base;
  if (!readonly && !host::legacy_base_writable(source.base)) return nullptr;
  return host::new_legacy_buffer(source);
}

PyObject *from_memory(void *ptr, Py_ssize_t size, bool readonly, const char *function) {
  core::legacy::Extent extent;
  // 2.7 also accepts Py_END_OF_BUFFER here, and then reports a length of -1.
  const core::Status status = size == core::legacy::end_of_buffer
                                  ? core::Status{core::Code::negative_buffer_size, -1, size}
                                  : core::legacy::extent_of(0, size, &extent);
  if (!status.ok()) {
    capi::raise(status, function);
    return nullptr;
  }
  if (ptr == nullptr && size > 0) {
    capi::raise_null(function, "ptr");
    return nullptr;
  }
  return host::new_legacy_buffer({nullptr, static_cast<char *>(ptr), extent, readonly});
}

}  // namespace

// 2.7 has PyBuffer_Type as data (legacy_buffer_py27.cpp) and PyBuffer_Check as a macro; the
// Python 3 layer makes its type at run time, so it offers both as functions.
#if !defined(PYBUFFER_PROFILE_PY27)
PYBUFFER_PUBLISH(PyBuffer_GetType);
extern "C" PyTypeObject *pybuffer_impl_PyBuffer_GetType(void) {
  PYBUFFER_COUNT_CALL(PyBuffer_GetType);
  return host::legacy_buffer_type();
}

PYBUFFER_PUBLISH(PyBuffer_Check);
extern "C" int pybuffer_impl_PyBuffer_Check(PyObject *op) {
  PYBUFFER_COUNT_CALL(PyBuffer_Check);
  return host::is_legacy_buffer(op) ? 1 : 0;
}
#endif

PYBUFFER_PUBLISH(PyBuffer_FromObject);
extern "C" PyObject *pybuffer_impl_PyBuffer_FromObject(PyObject *base, Py_ssize_t offset,
                                                       Py_ssize_t size) {
  PYBUFFER_COUNT_CALL(PyBuffer_FromObject);
  return from_object(base, offset, size, true, "PyBuffer_FromObject");
}

PYBUFFER_PUBLISH(PyBuffer_FromReadWriteObject);
extern "C" PyObject *pybuffer_impl_PyBuffer_FromReadWriteObject(PyObject *base, Py_ssize_t offset,
                                                                Py_ssize_t size) {
  PYBUFFER_COUNT_CALL(PyBuffer_FromReadWriteObject);
  return from_object(base, offset, size, false, "PyBuffer_FromReadWriteObject");
}

PYBUFFER_PUBLISH(PyBuffer_FromMemory);
extern "C" PyObject *pybuffer_impl_PyBuffer_FromMemory(void *ptr, Py_ssize_t size) {
  PYBUFFER_COUNT_CALL(PyBuffer_FromMemory);
  return from_memory(ptr, size, true, "PyBuffer_FromMemory");
}

PYBUFFER_PUBLISH(PyBuffer_FromReadWriteMemory);
extern "C" PyObject *pybuffer_impl_PyBuffer_FromReadWriteMemory(void *ptr, Py_ssize_t size) {
  PYBUFFER_COUNT_CALL(PyBuffer_FromReadWriteMemory);
  return from_memory(ptr, size, false, "PyBuffer_FromReadWriteMemory");
}

PYBUFFER_PUBLISH(PyBuffer_New);
extern "C" PyObject *pybuffer_impl_PyBuffer_New(Py_ssize_t size) {
  PYBUFFER_COUNT_CALL(PyBuffer_New);
  const core::Status status = core::legacy::check_new_size(size, host::legacy_new_header_size);
  if (status.code == core::Code::size_overflow) {
    host::raise_no_memory();  // 2.7's answer to a size it cannot add its header to
    return nullptr;
  }
  if (!status.ok()) {
    capi::raise(status, "PyBuffer_New");
    return nullptr;
  }
  return host::new_owning_legacy_buffer(size);
}
