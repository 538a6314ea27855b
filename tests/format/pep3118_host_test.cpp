// pybuffer_format_info(..., PYBUFFER_FORMAT_PEP3118) against real exporters, in the host
// CPython this executable embeds (one executable per host):
//   Ctypes.*  the formats and itemsizes ctypes exports (every host);
//   Numpy.*   the formats and itemsizes NumPy exports for scalar, structured, nested,
//             aligned and packed dtypes, and NumPy's own reader on those formats and on
//             random ones (only with --numpy; exits 77, "skipped", when numpy is missing).
// The expectations are computed at run time by pep3118_helpers.py in the host.
#include <Python.h>

#include <pybuffer/pybuffer.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "host_python.hpp"

namespace format_test {
namespace {

PyObject *g_helpers = nullptr;  // the helper module's namespace, alive for the whole run
PyObject *g_numpy_read = nullptr;

Ref call(const char *name, PyObject *args) {
  PyObject *function = PyDict_GetItemString(g_helpers, name);  // borrowed
  if (function == nullptr) return Ref();
  return Ref(PyObject_CallObject(function, args));
}

std::string text_of(PyObject *o) {
  const char *text = PyUnicode_AsUTF8(o);
  return text != nullptr ? text : "";
}

pybuffer_format_result ours_of(const std::string &format) {
  pybuffer_format_result result;
  pybuffer_format_info(format.c_str(), PYBUFFER_FORMAT_PEP3118, &result);
  return result;
}

// NumPy's reader on `format`: false (exception cleared, text in *error) if it refuses.
bool numpy_reads(const std::string &format, Py_ssize_t *itemsize, Py_ssize_t *alignment,
                 std::string *error) {
  Ref result(PyObject_CallFunction(g_numpy_read, "s", format.c_str()));
  if (!result) {
    *error = take_exception_text();
    return false;
  }
  *itemsize = PyLong_AsSsize_t(PyTuple_GetItem(result.get(), 0));
  *alignment = PyLong_AsSsize_t(PyTuple_GetItem(result.get(), 1));
  return true;
}

TEST(Ctypes, ExportedFormats) {
  Ref cases = call("ctypes_cases", nullptr);
  ASSERT_TRUE(cases) << take_exception_text();
  int checked = 0;
  int skipped = 0;
  for (Py_ssize_t i = 0; i < PyList_Size(cases.get()); ++i) {
    PyObject *row = PyList_GetItem(cases.get(), i);
    const std::string name = text_of(PyTuple_GetItem(row, 0));
    const std::string format = text_of(PyTuple_GetItem(row, 1));
    const Py_ssize_t itemsize = PyLong_AsSsize_t(PyTuple_GetItem(row, 2));
    if (!PyObject_IsTrue(PyTuple_GetItem(row, 3))) {
      std::printf(
          "[ ctypes   ] not checked: %s \"%s\" (this host's ctypes leaves the "
          "padding out of the format, so it cannot give itemsize %zd)\n",
          name.c_str(), format.c_str(), itemsize);
      ++skipped;
      continue;
    }
    const pybuffer_format_result ours = ours_of(format);
    EXPECT_EQ(ours.error, PYBUFFER_FORMAT_OK) << name << " \"" << format << "\"";
    EXPECT_EQ(ours.itemsize, itemsize) << name << " \"" << format << "\"";
    ++checked;
  }
  std::printf("[ ctypes   ] %d exported formats checked, %d not checkable on this host\n", checked,
              skipped);
}

TEST(Numpy, ExportedFormats) {
  Ref cases = call("numpy_export_cases", nullptr);
  ASSERT_TRUE(cases) << take_exception_text();
  int agree = 0;
  int inconsistent = 0;
  for (Py_ssize_t i = 0; i < PyList_Size(cases.get()); ++i) {
    PyObject *row = PyList_GetItem(cases.get(), i);
    const std::string dtype = text_of(PyTuple_GetItem(row, 0));
    const std::string format = text_of(PyTuple_GetItem(row, 1));
    const Py_ssize_t exported = PyLong_AsSsize_t(PyTuple_GetItem(row, 2));
    Py_ssize_t read_size = 0;
    Py_ssize_t read_align = 0;
    std::string error;
    const pybuffer_format_result ours = ours_of(format);
    if (!numpy_reads(format, &read_size, &read_align, &error)) {
      ADD_FAILURE() << dtype << " exports \"" << format << "\" which NumPy cannot read: " << error;
      continue;
    }
    EXPECT_EQ(ours.error, PYBUFFER_FORMAT_OK) << dtype << " \"" << format << "\"";
    EXPECT_EQ(ours.itemsize, read_size) << dtype << " \"" << format << "\"";
    EXPECT_EQ(ours.alignment, read_align) << dtype << " \"" << format << "\"";
    if (read_size == exported) {
      ++agree;
    } else {
      // The format is ambiguous: NumPy's exporter and NumPy's reader disagree on it. There
      // is no single rule to follow; pybuffer follows the reader (the consumer's view).
      ++inconsistent;
      std::printf(
          "[ numpy    ] %s exports \"%s\" with itemsize %zd, which NumPy's own reader "
          "(and pybuffer) reads as %zd\n",
          dtype.c_str(), format.c_str(), exported, read_size);
    }
  }
  std::printf(
      "[ numpy    ] %d exported formats: %d with pybuffer == exporter == reader, %d "
      "where NumPy's exporter and reader disagree (pybuffer == reader)\n",
      agree + inconsistent, agree, inconsistent);
}

TEST(Numpy, RandomFormatsAgainstNumpysReader) {
  const unsigned long seed = 3118;
  const long count = 20000;
  Ref arguments(Py_BuildValue("(kl)", seed, count));
  Ref formats = call("random_pep3118", arguments.get());
  ASSERT_TRUE(formats) << take_exception_text();
  long both_read = 0;
  long both_refuse = 0;
  long numpy_limits = 0;
  long differences = 0;
  for (Py_ssize_t i = 0; i < PyList_Size(formats.get()); ++i) {
    const std::string format = text_of(PyList_GetItem(formats.get(), i));
    Py_ssize_t size = 0;
    Py_ssize_t align = 0;
    std::string error;
    const bool numpy_ok = numpy_reads(format, &size, &align, &error);
    const pybuffer_format_result ours = ours_of(format);
    if (!numpy_ok && error.find("invalid itemsize in generic type tuple") != std::string::npos) {
      // NumPy cannot make a sub-array of a zero-size element ("(2)0i", "(3)T{}"); the
      // format is well-formed and its size is 0 per element, which pybuffer reports.
      ++numpy_limits;
      if (ours.error != 0 && ++differences <= 20) {
        ADD_FAILURE() << "\"" << format << "\": pybuffer refused it with error " << ours.error;
      }
      continue;
    }
    const bool same = numpy_ok ? ours.error == 0 && ours.itemsize == size && ours.alignment == align
                               : ours.error != 0;
    if (!same && ++differences <= 20) {
      ADD_FAILURE() << "\"" << format << "\": NumPy "
                    << (numpy_ok ? std::to_string(size) + "/" + std::to_string(align) : error)
                    << ", pybuffer " << ours.itemsize << "/" << ours.alignment << " error "
                    << ours.error;
    }
    (numpy_ok ? both_read : both_refuse) += same;
  }
  std::printf(
      "[ numpy    ] seed %lu: %ld random formats, %ld read alike, %ld refused by both, "
      "%ld with zero-size sub-arrays NumPy cannot build (pybuffer reads them), %ld differences\n",
      seed, count, both_read, both_refuse, numpy_limits, differences);
  EXPECT_EQ(differences, 0);
}

bool load_helpers(const char *path) {
  std::ifstream file(path);
  std::stringstream source;
  source << file.rdbuf();
  g_helpers = PyDict_New();
  PyDict_SetItemString(g_helpers, "__builtins__", PyEval_GetBuiltins());
  Ref done(PyRun_String(source.str().c_str(), Py_file_input, g_helpers, g_helpers));
  if (!done) std::fprintf(stderr, "%s: %s\n", path, take_exception_text().c_str());
  return static_cast<bool>(done);
}

}  // namespace
}  // namespace format_test

int main(int argc, char **argv) {
  using namespace format_test;
  testing::InitGoogleTest(&argc, argv);
  bool numpy = false;
  for (int i = 1; i < argc; ++i) numpy = numpy || std::strcmp(argv[i], "--numpy") == 0;
  if (!start_python(PYBUFFER_FORMAT_HOST_EXECUTABLE) || !load_helpers(PYBUFFER_FORMAT_HELPERS)) {
    return 1;
  }
  std::printf("pep3118: host %s, CPython %s\n", PYBUFFER_FORMAT_HOST_ID, host_version().c_str());
  if (numpy) {
    Ref reader = call("numpy_reader", nullptr);
    if (!reader) {
      const std::string why = take_exception_text();
      Ref advice = call("numpy_missing_advice",
                        Ref(Py_BuildValue("(s)", PYBUFFER_FORMAT_HOST_EXECUTABLE)).get());
      const std::string how = advice ? text_of(advice.get()) : take_exception_text();
      // Not a pass: ctest reports exit code 77 as "skipped".
      std::printf(
          "SKIPPED: host %s (CPython %s, %s) has no NumPy (%s); %s, to run the NumPy "
          "checks\n",
          PYBUFFER_FORMAT_HOST_ID, host_version().c_str(), PYBUFFER_FORMAT_HOST_EXECUTABLE,
          why.c_str(), how.c_str());
      return 77;
    }
    g_numpy_read = reader.get();
    Py_INCREF(g_numpy_read);
    ::testing::GTEST_FLAG(filter) = "Numpy.*";
  } else {
    ::testing::GTEST_FLAG(filter) = "Ctypes.*";
  }
  return RUN_ALL_TESTS();
}
