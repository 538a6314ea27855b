// Support shared by the stress and malformed-input suites: the embedded interpreter (started
// once per test program, before the first test), owned references, exception capture, the
// process's resident memory, the scale of the stress loops, and an exporter type that counts
// what is done to it.
//
// Both programs link libpybuffer ahead of libpython, so the plain names they call
// (PyObject_GetBuffer, ...) are pybuffer's; PlainNamesBindToPybuffer checks that this holds.
#pragma once

#include <Python.h>

#include <cstddef>
#include <string>

#include <gtest/gtest.h>

#include "python_raised.hpp"
#include "python_ref.hpp"

// PYBUFFER_STRESS_HOSTED: the tests run inside an interpreter that is already running (an
// extension module of pypy3, tests/pypy), which they neither start nor finalise.
#if !defined(PYBUFFER_STRESS_HOSTED)
#define PYBUFFER_STRESS_HOSTED 0
#endif

namespace pybuffer::stress {

using Ref = pybuffer_test::Ref;

/// Starts the interpreter before the first test and finalises it after the last; the main
/// thread holds the GIL in between. Registered by main() (stress_main.cpp).
class PythonEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;
};

/// Evaluates `expression` in a namespace where array, struct and _testbuffer are imported.
/// On error the test fails with the Python traceback and a null Ref is returned.
Ref eval(const std::string &expression);

using pybuffer_test::Raised;
using pybuffer_test::take_exception;
using pybuffer_test::type_name;

/// Whether CPython's _testbuffer module is there (PyPy has none).
bool has_testbuffer();

/// Runs `statements` in the same namespace with `o` bound to `obj`; returns the exception
/// raised (type, message) or an empty Raised.
Raised run_with(PyObject *obj, const std::string &statements);

/// gtest predicate: `raised` is an exception of exactly `type` whose message contains `needle`.
::testing::AssertionResult raised_like(const Raised &raised, PyObject *type, const char *needle);

/// Resident memory of this process in bytes, from /proc/self/statm.
std::size_t resident_bytes();

/// How many cycles a stress loop runs: PYBUFFER_STRESS_CYCLES if set, else `full` in an
/// ordinary build and full / 10 in a sanitizer build (PYBUFFER_STRESS_SANITIZED).
long stress_cycles(long full);

/// How long the thread stress runs, in seconds: PYBUFFER_STRESS_SECONDS if set, else 3.
double stress_seconds();

/// Allowed growth of resident memory over a stress loop (larger under sanitizers, whose
/// quarantine keeps freed blocks resident for a while).
std::size_t rss_slack();

/// The exporter's live export count where CPython keeps one we can read (bytearray), else -1.
long bytearray_exports(PyObject *bytearray);

// -----------------------------------------------------------------------------------------------
// CountingExporter: a 1-d unsigned-byte exporter over malloc'd memory (so AddressSanitizer
// sees any use after it is freed) that counts getbuffer and releasebuffer calls, can be told
// to refuse, and frees or reallocates its memory only while nothing is exported.

struct CountingExporter {
  PyObject_HEAD unsigned char *memory;
  Py_ssize_t size;
  long exports;
  long getbuffers;
  long releases;
  int refuse;  // bf_getbuffer raises BufferError("CountingExporter: refused") when set
};

/// A new exporter of `size` bytes, byte i holding (i + seed) % 251.
CountingExporter *new_counting_exporter(Py_ssize_t size, int seed);

/// Replaces the memory by `size` fresh bytes (pattern from `seed`). Like bytearray, refuses
/// with BufferError while an export is live: returns -1 then.
int counting_exporter_resize(CountingExporter *exporter, Py_ssize_t size, int seed);

/// Whether `memory` holds the pattern of `seed`.
bool holds_pattern(const unsigned char *memory, Py_ssize_t size, int seed);

}  // namespace pybuffer::stress
