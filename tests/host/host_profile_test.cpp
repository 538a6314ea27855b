// The host layer of the library, built into this program from the static archive, inside a
// real CPython (one program per host found): the interpreter is found at run time, and
// reference counts moved inline agree with the host's own Py_IncRef/Py_DecRef on ordinary,
// immortal and nearly-immortal objects. Expected values come from the host in the same run.
#include <Python.h>
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <pybuffer/pybuffer.h>

#include "host/host.hpp"
#include "python_ref.hpp"

namespace {

using pybuffer::host::interpreter;
using pybuffer_test::Ref;

class HostProfile : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!Py_IsInitialized()) Py_InitializeEx(0);
  }
};

TEST_F(HostProfile, FindsTheRunningInterpreter) {
  const pybuffer::host::Interpreter *py = interpreter();
  ASSERT_NE(py, nullptr);
  // The version this program was compiled for is the one running.
  EXPECT_EQ(py->version_hex, static_cast<unsigned long>(PY_VERSION_HEX));
  Ref hexversion(PySys_GetObject("hexversion"));
  Py_XINCREF(hexversion.get());
  ASSERT_TRUE(hexversion);
  EXPECT_EQ(py->version_hex, PyLong_AsUnsignedLong(hexversion.get()));
  EXPECT_FALSE(py->debug_build);
  // Each entry is the process's global definition of that name.
#define PYBUFFER_EXPECT_GLOBAL(ret, name, params) \
  EXPECT_EQ(reinterpret_cast<void *>(py->name), dlsym(RTLD_DEFAULT, #name)) << #name;
  PYBUFFER_INTERPRETER_FUNCTIONS(PYBUFFER_EXPECT_GLOBAL)
#undef PYBUFFER_EXPECT_GLOBAL
  EXPECT_EQ(pybuffer::host::exception(*py, pybuffer::host::Exception::buffer_error),
            PyExc_BufferError);
  EXPECT_EQ(pybuffer::host::exception(*py, pybuffer::host::Exception::unicode_encode_error),
            PyExc_UnicodeEncodeError);
}

// The count after `times` of the host's own function, and after ours, from the same start.
struct Counts {
  Py_ssize_t host;
  Py_ssize_t ours;
};

Counts after(PyObject *obj, Py_ssize_t start, void (*host)(PyObject *), void (*ours)(PyObject *)) {
  const Py_ssize_t saved = Py_REFCNT(obj);
  Counts counts{};
  obj->ob_refcnt = start;
  host(obj);
  counts.host = Py_REFCNT(obj);
  obj->ob_refcnt = start;
  ours(obj);
  counts.ours = Py_REFCNT(obj);
  obj->ob_refcnt = saved;
  return counts;
}

void ours_incref(PyObject *obj) {
  pybuffer::host::incref(obj);
}
void ours_decref(PyObject *obj) {
  pybuffer::host::decref(obj);
}

TEST_F(HostProfile, ReferenceCountsMoveAsTheHostsOwn) {
  Ref object(PyByteArray_FromStringAndSize("abc", 3));
  ASSERT_TRUE(object);
  // Ordinary counts, the edges of 32-bit counts (3.12+ treat bit 31 as immortal) and one past.
  const Py_ssize_t starts[] = {
      2, 3, 1000, 0x7FFFFFFE, 0x7FFFFFFF, 0x80000000LL, 0xBFFFFFFFLL, 0xFFFFFFFFLL};
  for (Py_ssize_t start : starts) {
    const Counts up = after(object.get(), start, Py_IncRef, ours_incref);
    EXPECT_EQ(up.ours, up.host) << "incref from " << start;
    const Counts down = after(object.get(), start, Py_DecRef, ours_decref);
    EXPECT_EQ(down.ours, down.host) << "decref from " << start;
  }
  // None: immortal from 3.12 on, an ordinary object before.
  for (int i = 0; i < 3; ++i) {
    const Counts up = after(Py_None, Py_REFCNT(Py_None), Py_IncRef, ours_incref);
    EXPECT_EQ(up.ours, up.host);
  }
}

// Calling a weak reference gives its referent, or None once it is gone.
bool alive(PyObject *weak) {
  Ref referent(PyObject_CallObject(weak, nullptr));
  return referent && referent.get() != Py_None;
}

TEST_F(HostProfile, ReleaseOfTheLastReferenceDeallocates) {
  // A memoryview (it supports weak references) whose only reference is the view's: releasing
  // the view must free it, as the host's own PyBuffer_Release would.
  Ref base(PyByteArray_FromStringAndSize("abcdef", 6));
  PyObject *view_object = PyMemoryView_FromObject(base.get());
  ASSERT_NE(view_object, nullptr);
  Ref weak(PyWeakref_NewRef(view_object, nullptr));
  ASSERT_TRUE(weak);
  Py_buffer view;
  ASSERT_EQ(pybuffer_PyObject_GetBuffer(view_object, &view, PyBUF_SIMPLE), 0);
  Py_DecRef(view_object);  // the view now holds the only reference
  EXPECT_TRUE(alive(weak.get()));
  pybuffer_PyBuffer_Release(&view);
  EXPECT_FALSE(alive(weak.get()));
  EXPECT_EQ(view.obj, nullptr);
}

}  // namespace
