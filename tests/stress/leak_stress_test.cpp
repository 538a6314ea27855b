// Leak stress: 10^6 GetBuffer/Release cycles per exporter kind through the plain names (served
// by pybuffer, linked ahead of libpython), with a mix of requests the exporter grants and
// refuses. Afterwards the exporter's reference count and export count are back to where they
// started and resident memory has not grown beyond a small slack.
#include <Python.h>

#include <dlfcn.h>

#include <cstring>
#include <ostream>
#include <vector>

#include <gtest/gtest.h>

#include <pybuffer/pybuffer.h>

#include "embedded_python.hpp"

namespace pybuffer::stress {
namespace {

struct Kind {
  const char *name;
  const char *expression;
  // Python statements that fail with BufferError while the exporter has a live export
  // (nullptr: the kind keeps no export count, bytes).
  const char *probe_exports;
};

const Kind kinds[] = {
    {"bytes", "bytes(range(256)) * 4", nullptr},
    {"bytearray", "bytearray(range(256)) * 4", "o.append(0); del o[-1]"},
    {"array", "array.array('d', range(128))", "o.append(0.0); o.pop()"},
    {"memoryview_slice", "memoryview(bytearray(range(256)) * 4)[3:-5:3]", "o.release()"},
    {"ndarray",
     "_testbuffer.ndarray(list(range(48)), shape=[2, 4, 6], format='i', "
     "flags=_testbuffer.ND_WRITABLE)",
     "o.push([1], shape=[1], format='B'); o.pop()"},
    {"ndarray_pil", "_testbuffer.ndarray(list(range(24)), shape=[4, 6], flags=_testbuffer.ND_PIL)",
     "o.push([1], shape=[1], format='B'); o.pop()"},
};

// gtest prints a parameter in test names and failures; the kind's name says it all.
void PrintTo(const Kind &kind, std::ostream *out) {
  *out << kind.name;
}

// Requests granted by some kinds and refused (BufferError) by others: both paths must leave
// nothing behind.
const int requests[] = {PyBUF_FULL_RO, PyBUF_RECORDS_RO, PyBUF_SIMPLE,
                        PyBUF_ND,      PyBUF_FULL,       PyBUF_C_CONTIGUOUS};
constexpr int request_count = sizeof requests / sizeof requests[0];

const char *library_of(const void *symbol) {
  Dl_info info{};
  if (dladdr(symbol, &info) == 0 || info.dli_fname == nullptr) return "(unknown)";
  return info.dli_fname;
}

TEST(Linking, PlainNamesBindToPybuffer) {
  // The whole suite relies on it: the plain names this program calls are pybuffer's.
  const std::string ours = library_of(reinterpret_cast<void *>(&pybuffer_version));
  EXPECT_EQ(library_of(reinterpret_cast<void *>(&PyObject_GetBuffer)), ours);
  EXPECT_EQ(library_of(reinterpret_cast<void *>(&PyBuffer_Release)), ours);
  EXPECT_EQ(library_of(reinterpret_cast<void *>(&PyBuffer_ToContiguous)), ours);
}

class Cycles : public ::testing::TestWithParam<Kind> {};

TEST_P(Cycles, GetBufferReleaseLeavesNoTrace) {
  const Kind &kind = GetParam();
  Ref obj = eval(kind.expression);
  ASSERT_TRUE(obj);
  const Py_ssize_t refs = Py_REFCNT(obj.get());

  // Which requests this kind grants is decided once, then required on every cycle.
  bool granted[request_count];
  for (int r = 0; r < request_count; ++r) {
    Py_buffer view;
    granted[r] = PyObject_GetBuffer(obj.get(), &view, requests[r]) == 0;
    if (granted[r]) {
      PyBuffer_Release(&view);
    } else {
      const Raised raised = take_exception();
      ASSERT_TRUE(raised.set) << "GetBuffer failed without an exception";
    }
  }
  std::vector<char> contiguous(1 << 16);
  const auto run = [&](long cycles) {
    long wrong = 0;
    for (long i = 0; i < cycles; ++i) {
      const int r = static_cast<int>(i % request_count);
      Py_buffer view;
      const int got = PyObject_GetBuffer(obj.get(), &view, requests[r]);
      if ((got == 0) != granted[r]) ++wrong;
      if (got != 0) {
        PyErr_Clear();
        continue;
      }
      // Now and then the view is used, as a consumer would, before it is released.
      if (i % 16 == 0 && static_cast<std::size_t>(view.len) <= contiguous.size()) {
        if (PyBuffer_ToContiguous(contiguous.data(), &view, view.len, 'C') != 0) ++wrong;
        if (PyBuffer_IsContiguous(&view, 'A') < 0) ++wrong;
      }
      PyBuffer_Release(&view);
      if (view.obj != nullptr) ++wrong;
    }
    return wrong;
  };
  // Warm-up: caches, free lists and lazily created objects settle before memory is measured.
  ASSERT_EQ(run(20000), 0);
  const long cycles = stress_cycles(1000000);
  const std::size_t before = resident_bytes();
  EXPECT_EQ(run(cycles), 0) << "a request changed outcome or a copy failed";
  const std::size_t after = resident_bytes();
  EXPECT_FALSE(PyErr_Occurred());
  EXPECT_EQ(Py_REFCNT(obj.get()), refs) << kind.name << ": reference count drifted";
  if (kind.probe_exports != nullptr) {
    const Raised raised = run_with(obj.get(), kind.probe_exports);
    EXPECT_FALSE(raised.set) << kind.name << " still has a live export: " << raised.message;
  }
  EXPECT_EQ(Py_REFCNT(obj.get()), refs);
  EXPECT_LE(after, before + rss_slack())
      << kind.name << ": resident memory grew by " << (after - before) << " bytes over " << cycles
      << " cycles";
  RecordProperty("cycles", static_cast<int>(cycles));
  RecordProperty("rss_growth_bytes", static_cast<int>(after > before ? after - before : 0));
}

INSTANTIATE_TEST_SUITE_P(Kinds, Cycles, ::testing::ValuesIn(kinds),
                         [](const ::testing::TestParamInfo<Kind> &info) {
                           return std::string(info.param.name);
                         });

// The same for the export counts of the exporter itself, where it can count exactly.
TEST(Cycles, CountingExporterBalances) {
  Ref obj(reinterpret_cast<PyObject *>(new_counting_exporter(1024, 3)));
  ASSERT_TRUE(obj);
  auto *exporter = reinterpret_cast<CountingExporter *>(obj.get());
  const long cycles = stress_cycles(1000000);
  const std::size_t before = resident_bytes();
  for (long i = 0; i < cycles; ++i) {
    Py_buffer view;
    ASSERT_EQ(PyObject_GetBuffer(obj.get(), &view, i % 2 ? PyBUF_FULL : PyBUF_SIMPLE), 0);
    PyBuffer_Release(&view);
  }
  const std::size_t after = resident_bytes();
  EXPECT_EQ(exporter->getbuffers, cycles);
  EXPECT_EQ(exporter->releases, cycles);
  EXPECT_EQ(exporter->exports, 0);
  EXPECT_EQ(Py_REFCNT(obj.get()), 1);
  EXPECT_LE(after, before + rss_slack());
}

}  // namespace
}  // namespace pybuffer::stress
