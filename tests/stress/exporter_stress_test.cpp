// Exporters that refuse, and exporters whose memory moves: pybuffer must leave no trace of a
// refused request (no reference, no release call, no stray exception), must keep an export
// counted while it is held (so the exporter refuses to resize: BufferError), and must never
// touch an exporter's old memory after the view is released and the memory replaced. The
// resizing tests are most telling under AddressSanitizer with PYTHONMALLOC=malloc (as the
// ctest runs them in sanitizer builds): a stale pointer is then a heap-use-after-free.
#include <Python.h>

#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "embedded_python.hpp"

namespace pybuffer::stress {
namespace {

TEST(Refusing, CountingExporterRefusalLeavesNoTrace) {
  Ref obj(reinterpret_cast<PyObject *>(new_counting_exporter(64, 1)));
  ASSERT_TRUE(obj);
  auto *exporter = reinterpret_cast<CountingExporter *>(obj.get());
  exporter->refuse = 1;
  const long cycles = stress_cycles(100000);
  const std::size_t before = resident_bytes();
  for (long i = 0; i < cycles; ++i) {
    Py_buffer view;
    std::memset(&view, 0, sizeof view);
    ASSERT_EQ(PyObject_GetBuffer(obj.get(), &view, PyBUF_FULL_RO), -1);
    const Raised raised = take_exception();
    ASSERT_TRUE(raised_like(raised, PyExc_BufferError, "CountingExporter: refused"));
    ASSERT_EQ(view.obj, nullptr);
  }
  EXPECT_LE(resident_bytes(), before + rss_slack());
  EXPECT_EQ(exporter->getbuffers, cycles);
  EXPECT_EQ(exporter->releases, 0) << "a refused view was released";
  EXPECT_EQ(Py_REFCNT(obj.get()), 1);
}

TEST(Refusing, TestbufferForcedFailureLeavesNoTrace) {
  Ref obj = eval("_testbuffer.ndarray([1, 2, 3], shape=[3], flags=_testbuffer.ND_GETBUF_FAIL)");
  ASSERT_TRUE(obj);
  const Py_ssize_t refs = Py_REFCNT(obj.get());
  const long cycles = stress_cycles(100000);
  for (long i = 0; i < cycles; ++i) {
    Py_buffer view;
    ASSERT_EQ(PyObject_GetBuffer(obj.get(), &view, PyBUF_FULL_RO), -1);
    const Raised raised = take_exception();
    ASSERT_TRUE(raised_like(raised, PyExc_BufferError, "ND_GETBUF_FAIL"));
  }
  EXPECT_EQ(Py_REFCNT(obj.get()), refs);
}

TEST(Refusing, ReadonlyExporterRefusesWritableRequest) {
  Ref obj = eval("b'immutable'");
  ASSERT_TRUE(obj);
  const Py_ssize_t refs = Py_REFCNT(obj.get());
  for (long i = 0; i < stress_cycles(100000); ++i) {
    Py_buffer view;
    ASSERT_EQ(PyObject_GetBuffer(obj.get(), &view, PyBUF_WRITABLE), -1);
    ASSERT_TRUE(raised_like(take_exception(), PyExc_BufferError, "not writable"));
  }
  EXPECT_EQ(Py_REFCNT(obj.get()), refs);
}

TEST(Refusing, CopyDataReleasesDestinationWhenSourceRefuses) {
  Ref dest(reinterpret_cast<PyObject *>(new_counting_exporter(16, 0)));
  Ref src(reinterpret_cast<PyObject *>(new_counting_exporter(16, 5)));
  ASSERT_TRUE(dest && src);
  auto *d = reinterpret_cast<CountingExporter *>(dest.get());
  auto *s = reinterpret_cast<CountingExporter *>(src.get());
  s->refuse = 1;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(PyObject_CopyData(dest.get(), src.get()), -1);
    ASSERT_TRUE(raised_like(take_exception(), PyExc_BufferError, "refused"));
  }
  EXPECT_EQ(d->getbuffers, 1000);
  EXPECT_EQ(d->releases, 1000) << "the destination's view was not released";
  EXPECT_EQ(d->exports, 0);
  EXPECT_TRUE(holds_pattern(d->memory, d->size, 0)) << "the destination was written";
  s->refuse = 0;
  ASSERT_EQ(PyObject_CopyData(dest.get(), src.get()), 0);
  EXPECT_TRUE(holds_pattern(d->memory, d->size, 5));
  EXPECT_EQ(d->exports + s->exports, 0);
}

TEST(Resizing, BytearrayRefusesResizeWhileExported) {
  Ref obj = eval("bytearray(b'abcdefgh')");
  ASSERT_TRUE(obj);
  Py_buffer view;
  ASSERT_EQ(PyObject_GetBuffer(obj.get(), &view, PyBUF_FULL_RO), 0);
  EXPECT_EQ(bytearray_exports(obj.get()), 1);
  EXPECT_EQ(PyByteArray_Resize(obj.get(), 1 << 20), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_BufferError, "re-sized"));
  EXPECT_TRUE(raised_like(run_with(obj.get(), "o.extend(b'x' * 100000)"), PyExc_BufferError, ""));
  PyBuffer_Release(&view);
  EXPECT_EQ(bytearray_exports(obj.get()), 0);
  // No export: the memory may move, and the next view must describe the new memory.
  for (int round = 0; round < 200; ++round) {
    const Py_ssize_t size = 1 + (round * 7919) % 70000;
    ASSERT_EQ(PyByteArray_Resize(obj.get(), size), 0);
    std::memset(PyByteArray_AS_STRING(obj.get()), round % 251, static_cast<std::size_t>(size));
    ASSERT_EQ(PyObject_GetBuffer(obj.get(), &view, PyBUF_FULL_RO), 0);
    ASSERT_EQ(view.len, size);
    std::vector<unsigned char> out(static_cast<std::size_t>(size));
    ASSERT_EQ(PyBuffer_ToContiguous(out.data(), &view, size, 'F'), 0);
    for (const unsigned char byte : out) ASSERT_EQ(byte, round % 251);
    PyBuffer_Release(&view);
  }
  EXPECT_EQ(bytearray_exports(obj.get()), 0);
}

TEST(Resizing, ArrayRefusesResizeWhileExported) {
  Ref obj = eval("array.array('q', range(10))");
  ASSERT_TRUE(obj);
  Py_buffer view;
  ASSERT_EQ(PyObject_GetBuffer(obj.get(), &view, PyBUF_RECORDS_RO), 0);
  EXPECT_TRUE(raised_like(run_with(obj.get(), "o.extend(range(100000))"), PyExc_BufferError,
                          "exporting buffers"));
  PyBuffer_Release(&view);
  EXPECT_FALSE(run_with(obj.get(), "o.extend(range(100000)); del o[10:]").set);
  ASSERT_EQ(PyObject_GetBuffer(obj.get(), &view, PyBUF_RECORDS_RO), 0);
  EXPECT_EQ(view.len, 80);
  long long values[10];
  ASSERT_EQ(PyBuffer_ToContiguous(values, &view, view.len, 'C'), 0);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(values[i], i);
  PyBuffer_Release(&view);
}

TEST(Resizing, MemoryviewRefusesReleaseWhileExported) {
  Ref obj = eval("memoryview(bytearray(range(32)))[::2]");
  ASSERT_TRUE(obj);
  Py_buffer view;
  ASSERT_EQ(PyObject_GetBuffer(obj.get(), &view, PyBUF_FULL_RO), 0);
  EXPECT_TRUE(raised_like(run_with(obj.get(), "o.release()"), PyExc_BufferError, "exported"));
  PyBuffer_Release(&view);
  EXPECT_FALSE(run_with(obj.get(), "o.release()").set);
  // A released memoryview exports nothing any more.
  EXPECT_EQ(PyObject_GetBuffer(obj.get(), &view, PyBUF_FULL_RO), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError, "released memoryview"));
}

TEST(Resizing, NdarrayRefusesRestructureWhileExported) {
  Ref obj = eval("_testbuffer.ndarray(list(range(12)), shape=[3, 4], flags=_testbuffer.ND_PIL)");
  ASSERT_TRUE(obj);
  Py_buffer view;
  ASSERT_EQ(PyObject_GetBuffer(obj.get(), &view, PyBUF_FULL_RO), 0);
  EXPECT_TRUE(raised_like(run_with(obj.get(), "o.push([1, 2], shape=[2], format='B')"),
                          PyExc_BufferError, "exported buffer"));
  PyBuffer_Release(&view);
  EXPECT_FALSE(run_with(obj.get(), "o.push([1, 2], shape=[2], format='B'); o.pop()").set);
}

TEST(Resizing, CountingExporterMemoryReplacedBetweenViews) {
  Ref obj(reinterpret_cast<PyObject *>(new_counting_exporter(8, 0)));
  ASSERT_TRUE(obj);
  auto *exporter = reinterpret_cast<CountingExporter *>(obj.get());
  std::vector<unsigned char> out;
  const long rounds = stress_cycles(100000) / 10;
  for (long round = 0; round < rounds; ++round) {
    const int seed = static_cast<int>(round % 13);
    Py_buffer view;
    ASSERT_EQ(PyObject_GetBuffer(obj.get(), &view, round % 2 ? PyBUF_FULL : PyBUF_SIMPLE), 0);
    // Held: the exporter must refuse to free its memory.
    ASSERT_EQ(counting_exporter_resize(exporter, 1 + round % 300, seed), -1);
    ASSERT_TRUE(raised_like(take_exception(), PyExc_BufferError, "while exported"));
    out.resize(static_cast<std::size_t>(view.len));
    ASSERT_EQ(PyBuffer_ToContiguous(out.data(), &view, view.len, 'C'), 0);
    PyBuffer_Release(&view);
    // Released: the memory is freed and replaced; the next round must read only the new block.
    ASSERT_EQ(counting_exporter_resize(exporter, 1 + round % 300, seed), 0);
    ASSERT_EQ(PyObject_GetBuffer(obj.get(), &view, PyBUF_FULL_RO), 0);
    out.resize(static_cast<std::size_t>(view.len));
    ASSERT_EQ(PyBuffer_ToContiguous(out.data(), &view, view.len, 'A'), 0);
    ASSERT_TRUE(holds_pattern(out.data(), view.len, seed));
    PyBuffer_Release(&view);
  }
  EXPECT_EQ(exporter->exports, 0);
  EXPECT_EQ(exporter->getbuffers, exporter->releases);
}

}  // namespace
}  // namespace pybuffer::stress
