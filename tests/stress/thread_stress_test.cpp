// Thread stress: several threads, each taking the GIL with PyGILState_Ensure as CPython
// requires, run GetBuffer / IsContiguous / ToContiguous / Release on shared exporters for a
// bounded time (PYBUFFER_STRESS_SECONDS, default 3 s), while a mutator thread keeps trying to
// resize a shared bytearray and a CountingExporter. Some readers keep a view across a GIL
// release, so the mutator sees both outcomes: BufferError while a view is held, a new buffer
// otherwise. Afterwards every export is released (counts balance, reference counts are back)
// and no reader ever saw torn or stale data.
#include <Python.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "embedded_python.hpp"

namespace pybuffer::stress {
namespace {

struct Fixed {
  Ref obj;
  std::string bytes;  // what ToContiguous(..., 'C') must produce
  Py_ssize_t refs = 0;
};

struct Shared {
  std::vector<Fixed> fixed;
  PyObject *resizable = nullptr;         // bytearray: every byte equals its length % 251
  CountingExporter *counting = nullptr;  // the pattern of seed == its size % 7
  std::atomic<bool> stop{false};
  std::atomic<long> operations{0};
  std::atomic<long> failures{0};
  std::atomic<long> resizes_done{0};
  std::atomic<long> resizes_refused{0};
  std::string first_failure;  // written under the GIL
};

void record_failure(Shared &shared, const std::string &what) {
  if (shared.failures.fetch_add(1) == 0) shared.first_failure = what;
}

// One consumer's pass over one exporter, with the GIL held; `view` may be kept by the caller.
bool consume(Shared &shared, PyObject *obj, Py_buffer *view, std::vector<char> &scratch) {
  if (PyObject_GetBuffer(obj, view, PyBUF_FULL_RO) != 0) {
    record_failure(shared, "GetBuffer failed: " + take_exception().message);
    return false;
  }
  scratch.resize(static_cast<std::size_t>(view->len) + 1);
  if (PyBuffer_ToContiguous(scratch.data(), view, view->len, 'C') != 0) {
    record_failure(shared, "ToContiguous failed: " + take_exception().message);
  }
  (void)PyBuffer_IsContiguous(view, 'F');
  return true;
}

void reader(Shared &shared, unsigned seed, bool holds_across_release) {
  std::mt19937 rng(seed);
  std::vector<char> scratch;
  Py_buffer held{};
  bool holding = false;
  while (!shared.stop.load(std::memory_order_relaxed)) {
    const PyGILState_STATE gil = PyGILState_Ensure();
    if (holding) {
      PyBuffer_Release(&held);
      holding = false;
    }
    for (int k = 0; k < 32; ++k) {
      const std::size_t pick = rng() % (shared.fixed.size() + 2);
      Py_buffer view;
      if (pick < shared.fixed.size()) {
        const Fixed &f = shared.fixed[pick];
        if (!consume(shared, f.obj.get(), &view, scratch)) continue;
        if (std::memcmp(scratch.data(), f.bytes.data(), f.bytes.size()) != 0 ||
            static_cast<std::size_t>(view.len) != f.bytes.size()) {
          record_failure(shared, "wrong bytes from a fixed exporter");
        }
      } else {
        PyObject *obj = pick == shared.fixed.size() ? shared.resizable
                                                    : reinterpret_cast<PyObject *>(shared.counting);
        if (!consume(shared, obj, &view, scratch)) continue;
        // Whatever size the exporter has now, its bytes must be the ones written for it.
        const auto *bytes = reinterpret_cast<const unsigned char *>(scratch.data());
        bool consistent = true;
        if (obj == shared.resizable) {
          for (Py_ssize_t i = 0; i < view.len; ++i) {
            consistent = consistent && bytes[i] == static_cast<unsigned char>(view.len % 251);
          }
        } else {
          consistent = holds_pattern(bytes, view.len, static_cast<int>(view.len % 7));
        }
        if (!consistent) record_failure(shared, "torn or stale bytes from a resizable exporter");
      }
      if (holds_across_release && k == 31) {
        held = view;  // kept while the GIL is released: the mutator must be refused
        holding = true;
      } else {
        PyBuffer_Release(&view);
      }
    }
    shared.operations.fetch_add(32, std::memory_order_relaxed);
    PyGILState_Release(gil);
  }
  if (holding) {
    const PyGILState_STATE gil = PyGILState_Ensure();
    PyBuffer_Release(&held);
    PyGILState_Release(gil);
  }
}

void mutator(Shared &shared, unsigned seed) {
  std::mt19937 rng(seed);
  while (!shared.stop.load(std::memory_order_relaxed)) {
    const PyGILState_STATE gil = PyGILState_Ensure();
    const Py_ssize_t size = 1 + static_cast<Py_ssize_t>(rng() % 2048);
    if (PyByteArray_Resize(shared.resizable, size) == 0) {
      std::memset(PyByteArray_AS_STRING(shared.resizable), static_cast<int>(size % 251),
                  static_cast<std::size_t>(size));
      shared.resizes_done.fetch_add(1);
    } else {
      const Raised raised = take_exception();
      if (raised.type != PyExc_BufferError) record_failure(shared, "resize: " + raised.message);
      shared.resizes_refused.fetch_add(1);
    }
    if (counting_exporter_resize(shared.counting, size, static_cast<int>(size % 7)) == 0) {
      shared.resizes_done.fetch_add(1);
    } else {
      const Raised raised = take_exception();
      if (raised.type != PyExc_BufferError) record_failure(shared, "resize: " + raised.message);
      shared.resizes_refused.fetch_add(1);
    }
    PyGILState_Release(gil);
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

TEST(Threads, SharedExportersSurviveConcurrentConsumers) {
  Shared shared;
  const char *expressions[] = {
      "bytes(range(256)) * 2",
      "array.array('i', range(100))",
      "memoryview(bytearray(range(200)))[::-3]",
      "_testbuffer.ndarray(list(range(24)), shape=[2, 3, 4], flags=_testbuffer.ND_WRITABLE)",
      "_testbuffer.ndarray(list(range(24)), shape=[4, 6], flags=_testbuffer.ND_PIL)",
  };
  for (const char *expression : expressions) {
    Fixed f;
    f.obj = eval(expression);
    ASSERT_TRUE(f.obj);
    shared.fixed.push_back(std::move(f));
  }
  // The expected bytes come from CPython's own memoryview.tobytes(), not from pybuffer.
  for (Fixed &f : shared.fixed) {
    PyObject *view = PyMemoryView_FromObject(f.obj.get());
    ASSERT_NE(view, nullptr);
    PyObject *bytes = PyObject_CallMethod(view, "tobytes", nullptr);
    ASSERT_NE(bytes, nullptr);
    f.bytes.assign(PyBytes_AS_STRING(bytes), static_cast<std::size_t>(PyBytes_GET_SIZE(bytes)));
    Py_DECREF(bytes);
    PyObject *released = PyObject_CallMethod(view, "release", nullptr);
    Py_XDECREF(released);
    Py_DECREF(view);
    f.refs = Py_REFCNT(f.obj.get());
  }
  Ref resizable(PyByteArray_FromStringAndSize(nullptr, 7));
  ASSERT_TRUE(resizable);
  std::memset(PyByteArray_AS_STRING(resizable.get()), 7 % 251, 7);
  shared.resizable = resizable.get();
  Ref counting(reinterpret_cast<PyObject *>(new_counting_exporter(7, 0)));
  ASSERT_TRUE(counting);
  shared.counting = reinterpret_cast<CountingExporter *>(counting.get());
  const Py_ssize_t resizable_refs = Py_REFCNT(resizable.get());

  // The main thread gives up the GIL for the duration; the workers take it in turns.
  PyThreadState *main_state = PyEval_SaveThread();
  std::vector<std::thread> threads;
  const unsigned readers = 4;
  for (unsigned t = 0; t < readers; ++t) {
    threads.emplace_back(reader, std::ref(shared), 1000 + t, t % 2 == 1);
  }
  threads.emplace_back(mutator, std::ref(shared), 77);
  std::this_thread::sleep_for(std::chrono::duration<double>(stress_seconds()));
  shared.stop = true;
  for (std::thread &thread : threads) thread.join();
  PyEval_RestoreThread(main_state);

  EXPECT_EQ(shared.failures.load(), 0) << shared.first_failure;
  EXPECT_GT(shared.operations.load(), 0);
  for (const Fixed &f : shared.fixed) {
    EXPECT_EQ(Py_REFCNT(f.obj.get()), f.refs) << "reference count drifted";
  }
  EXPECT_EQ(Py_REFCNT(resizable.get()), resizable_refs);
  EXPECT_EQ(bytearray_exports(resizable.get()), 0) << "a bytearray export was never released";
  EXPECT_EQ(shared.counting->exports, 0) << "a CountingExporter export was never released";
  EXPECT_EQ(shared.counting->getbuffers, shared.counting->releases);
  EXPECT_EQ(Py_REFCNT(counting.get()), 1);
  EXPECT_FALSE(PyErr_Occurred());
  RecordProperty("operations", static_cast<int>(shared.operations.load()));
  RecordProperty("resizes_done", static_cast<int>(shared.resizes_done.load()));
  RecordProperty("resizes_refused", static_cast<int>(shared.resizes_refused.load()));
  std::printf("threads: %ld operations, %ld resizes done, %ld refused while exported\n",
              shared.operations.load(), shared.resizes_done.load(), shared.resizes_refused.load());
}

}  // namespace
}  // namespace pybuffer::stress
