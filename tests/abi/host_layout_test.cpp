// abi.layout.<host>, C++17 half: compiling this file repeats pybuffer.h's compile-time
// checks in C++; the tests then check at run time, field by field and flag by flag, that
// the host's Python.h, pybuffer's mirror, the C11 view and the standalone header agree,
// and that the library (built against one CPython's headers) works in this host.
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <pybuffer/pybuffer.h>

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "layout_facts.h"
#include "python_start.hpp"

namespace {

#define PYBUFFER_ABI_NAME(name) #name,
const char *const kFieldNames[] = {PYBUFFER_ABI_FIELDS(PYBUFFER_ABI_NAME)};
const char *const kFlagNames[] = {PYBUFFER_ABI_FLAGS(PYBUFFER_ABI_NAME)};
#undef PYBUFFER_ABI_NAME

pybuffer_abi_facts cxx_facts() {
  pybuffer_abi_facts facts{};
  PYBUFFER_ABI_FILL_FACTS(&facts);
  return facts;
}

void expect_same_facts(const pybuffer_abi_facts &expected, const pybuffer_abi_facts &actual) {
  EXPECT_EQ(expected.buffer_size, actual.buffer_size) << "sizeof(Py_buffer)";
  EXPECT_EQ(expected.buffer_align, actual.buffer_align) << "alignment of Py_buffer";
  EXPECT_EQ(expected.ssize_size, actual.ssize_size) << "sizeof(Py_ssize_t)";
  for (int i = 0; i < PYBUFFER_ABI_FIELD_COUNT; ++i) {
    EXPECT_EQ(expected.field_offset[i], actual.field_offset[i]) << "offset of " << kFieldNames[i];
    EXPECT_EQ(expected.field_size[i], actual.field_size[i]) << "size of " << kFieldNames[i];
  }
  for (int i = 0; i < PYBUFFER_ABI_FLAG_COUNT; ++i) {
    EXPECT_EQ(expected.flag[i], actual.flag[i]) << kFlagNames[i];
  }
}

TEST(HostLayout, MirrorMatchesPythonH) {
  using Mirror = pybuffer_layout_mirror;
  EXPECT_EQ(sizeof(Py_buffer), sizeof(Mirror));
  EXPECT_EQ(alignof(Py_buffer), alignof(Mirror));
  EXPECT_EQ(sizeof(Py_ssize_t), sizeof(ssize_t));
#define PYBUFFER_ABI_EXPECT_FIELD(name)                                  \
  EXPECT_EQ(offsetof(Py_buffer, name), offsetof(Mirror, name)) << #name; \
  EXPECT_EQ(sizeof(Py_buffer::name), sizeof(Mirror::name)) << #name;
  PYBUFFER_ABI_FIELDS(PYBUFFER_ABI_EXPECT_FIELD)
#undef PYBUFFER_ABI_EXPECT_FIELD
}

TEST(HostLayout, MirrorFlagsMatchPythonH) {
  EXPECT_EQ(PyBUF_MAX_NDIM, PYBUFFER_MAX_NDIM);
  EXPECT_EQ(PyBUF_SIMPLE, PYBUFFER_BUF_SIMPLE);
  EXPECT_EQ(PyBUF_WRITABLE, PYBUFFER_BUF_WRITABLE);
  EXPECT_EQ(PyBUF_FORMAT, PYBUFFER_BUF_FORMAT);
  EXPECT_EQ(PyBUF_ND, PYBUFFER_BUF_ND);
  EXPECT_EQ(PyBUF_STRIDES, PYBUFFER_BUF_STRIDES);
  EXPECT_EQ(PyBUF_C_CONTIGUOUS, PYBUFFER_BUF_C_CONTIGUOUS);
  EXPECT_EQ(PyBUF_F_CONTIGUOUS, PYBUFFER_BUF_F_CONTIGUOUS);
  EXPECT_EQ(PyBUF_ANY_CONTIGUOUS, PYBUFFER_BUF_ANY_CONTIGUOUS);
  EXPECT_EQ(PyBUF_INDIRECT, PYBUFFER_BUF_INDIRECT);
  EXPECT_EQ(PyBUF_READ, PYBUFFER_BUF_READ);
  EXPECT_EQ(PyBUF_WRITE, PYBUFFER_BUF_WRITE);
}

TEST(HostLayout, CSeesWhatCxxSees) {
  pybuffer_abi_facts c11{};
  pybuffer_abi_facts_c11_with_python(&c11);
  expect_same_facts(cxx_facts(), c11);
}

// Code that includes only pybuffer.h must agree with code that includes Python.h, down to
// the composite flags (PyBUF_FULL_RO, ...) that only the standalone mode spells out.
TEST(HostLayout, StandaloneHeaderMatchesPythonH) {
  pybuffer_abi_facts standalone{};
  pybuffer_abi_facts_c99_standalone(&standalone);
  expect_same_facts(cxx_facts(), standalone);
}

class HostRuntime : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(pybuffer_test::start_python()); }
};

// The include directory and the library this test was built with belong to one CPython,
// and the library recognises the interpreter it is loaded into.
TEST_F(HostRuntime, LibraryIdentifiesThisHost) {
  const std::string expected =
      std::to_string(PY_MAJOR_VERSION) + "." + std::to_string(PY_MINOR_VERSION) + ".";
  EXPECT_EQ(std::string(Py_GetVersion()).rfind(expected, 0), 0u) << Py_GetVersion();
  EXPECT_EQ(pybuffer_host_version_hex() >> 16, static_cast<unsigned long>(PY_VERSION_HEX) >> 16);
}

// The library writes Py_buffer with the layout it was compiled for; this host reads it
// with its own. Each field must land where this host's headers say.
TEST_F(HostRuntime, ViewFieldsLandWhereThisHostExpects) {
  static const char kBytes[] = "pybuffer";
  const Py_ssize_t size = static_cast<Py_ssize_t>(std::strlen(kBytes));
  PyObject *object = PyBytes_FromStringAndSize(kBytes, size);
  ASSERT_NE(object, nullptr);
  const Py_ssize_t references = Py_REFCNT(object);

  Py_buffer view;
  std::memset(&view, 0xA5, sizeof view);
  ASSERT_EQ(pybuffer_PyObject_GetBuffer(object, &view, PyBUF_FULL_RO), 0);
  EXPECT_EQ(view.obj, object);
  EXPECT_EQ(view.buf, static_cast<void *>(PyBytes_AS_STRING(object)));
  EXPECT_EQ(view.len, size);
  EXPECT_EQ(view.itemsize, 1);
  EXPECT_EQ(view.readonly, 1);
  EXPECT_EQ(view.ndim, 1);
  ASSERT_NE(view.format, nullptr);
  EXPECT_STREQ(view.format, "B");
  ASSERT_NE(view.shape, nullptr);
  EXPECT_EQ(view.shape[0], size);
  ASSERT_NE(view.strides, nullptr);
  EXPECT_EQ(view.strides[0], 1);
  EXPECT_EQ(view.suboffsets, nullptr);
  EXPECT_EQ(Py_REFCNT(object), references + 1);
  EXPECT_EQ(pybuffer_PyBuffer_IsContiguous(&view, 'C'), 1);

  pybuffer_PyBuffer_Release(&view);
  EXPECT_EQ(view.obj, nullptr);
  EXPECT_EQ(Py_REFCNT(object), references);
  Py_DecRef(object);
}

}  // namespace
