// The real exporters the suites feed to both implementations, and the request flags.
#pragma once

#include <Python.h>

#include <string>
#include <vector>

#include "python_env.hpp"

namespace diff {

struct ExporterCase {
  const char *name;
  const char *expr;  // Python, evaluated in the helper namespace: (exporter, root)
  bool has_buffer;   // false: the object does not implement the buffer protocol
};

/// Every exporter of the suite, in a fixed order.
const std::vector<ExporterCase> &exporter_cases();
/// Only the ones implementing the buffer protocol (the ones a Tracer can wrap).
std::vector<ExporterCase> buffer_exporter_cases();

struct Built {
  Ref exporter;
  Ref root;
  std::string unavailable;  // non-empty: this host cannot build the case (skip)
  std::string error;        // non-empty: building failed (a bug of the suite)
};

/// Evaluates the case's expression; a fresh object every time.
Built build_exporter(const char *expr);

struct FlagCase {
  const char *name;
  int flags;
};

/// The request table of the docs: each base request with and without WRITABLE and FORMAT
/// (so CONTIG, STRIDED, RECORDS, FULL and their _RO forms are all among them), plus the
/// exact PyBUF_READ and PyBUF_WRITE values.
const std::vector<FlagCase> &request_flags();

}  // namespace diff
