// The running interpreter's functions and exception objects, reached at their first use.
//
// The library leaves none of them undefined for the dynamic linker: each is looked up with
// dlsym under the profile's symbol prefix the first time any is needed, all at once, and
// cached for the life of the process. A process without an interpreter (a program that
// inherited LD_PRELOAD from a preloaded python) therefore loads the library under lazy and
// immediate binding alike; only a call that must raise finds it missing (required_interpreter
// then says so on stderr, once per process).
#pragma once

#include <Python.h>

#include <atomic>

#include "host/profile.hpp"

namespace pybuffer::host {

/// X(return type, name, parameter types): every interpreter function the library calls (the
/// profile adds those of its family only).
#define PYBUFFER_INTERPRETER_FUNCTIONS(X)                               \
  X(const char *, Py_GetVersion, (void))                                \
  X(void, Py_IncRef, (PyObject *))                                      \
  X(void, Py_DecRef, (PyObject *))                                      \
  X(PyObject *, PyErr_Occurred, (void))                                 \
  X(void, PyErr_Clear, (void))                                          \
  X(void, PyErr_SetString, (PyObject *, const char *))                  \
  X(void, PyErr_SetObject, (PyObject *, PyObject *))                    \
  X(PyObject *, PyErr_Format, (PyObject *, const char *, ...))          \
  X(PyObject *, PyErr_NoMemory, (void))                                 \
  X(void, PyErr_BadInternalCall, (void))                                \
  X(PyObject *, PyImport_ImportModule, (const char *))                  \
  X(PyObject *, PyObject_GetAttrString, (PyObject *, const char *))     \
  X(PyObject *, PyObject_CallFunction, (PyObject *, const char *, ...)) \
  PYBUFFER_PROFILE_INTERPRETER_FUNCTIONS(X)

/// X(enumerator, name): every exception class the library raises.
#define PYBUFFER_INTERPRETER_EXCEPTIONS(X)          \
  X(system_error, PyExc_SystemError)                \
  X(type_error, PyExc_TypeError)                    \
  X(value_error, PyExc_ValueError)                  \
  X(buffer_error, PyExc_BufferError)                \
  X(index_error, PyExc_IndexError)                  \
  X(overflow_error, PyExc_OverflowError)            \
  X(unicode_decode_error, PyExc_UnicodeDecodeError) \
  X(unicode_encode_error, PyExc_UnicodeEncodeError)

enum class Exception : unsigned char {
#define PYBUFFER_EXCEPTION_ENUM(enumerator, name) enumerator,
  PYBUFFER_INTERPRETER_EXCEPTIONS(PYBUFFER_EXCEPTION_ENUM)
#undef PYBUFFER_EXCEPTION_ENUM
      count
};

/// The interpreter's entry points, as found in this process.
struct Interpreter {
#define PYBUFFER_FUNCTION_POINTER(ret, name, params) ret(*name) params;
  PYBUFFER_INTERPRETER_FUNCTIONS(PYBUFFER_FUNCTION_POINTER)
#undef PYBUFFER_FUNCTION_POINTER
  PyObject **exceptions[static_cast<int>(Exception::count)];  // the PyExc_* variables
  void *handle;               // where they were found (RTLD_DEFAULT or one loaded object)
  unsigned long version_hex;  // PY_VERSION_HEX of the running interpreter
  bool debug_build;           // Py_REF_DEBUG: reference counts only through its functions
};

namespace detail {
extern std::atomic<const Interpreter *> resolved;
[[gnu::cold, gnu::noinline]] const Interpreter *resolve();
}  // namespace detail

/// The running interpreter, or NULL when this process has none. After the first call this
/// is one load and a predictable branch.
inline const Interpreter *interpreter() {
  const Interpreter *found = detail::resolved.load(std::memory_order_acquire);
  return __builtin_expect(found != nullptr, 1) ? found : detail::resolve();
}

/// interpreter(), for a call that cannot do its job without one (raising an exception,
/// counting a reference): when there is none, one line on stderr says so, once per process.
const Interpreter *required_interpreter();

/// The exception class, or NULL without an interpreter.
inline PyObject *exception(const Interpreter &py, Exception which) {
  return *py.exceptions[static_cast<int>(which)];
}

/// The host's own definition of an exported CPython name (say PyObject_GetBuffer), even when
/// this library interposes it; NULL when only ours exists.
void *host_definition(const char *name);

}  // namespace pybuffer::host
