// The built-in set: exporters every CPython has (bytes, bytearray, array.array, memoryview)
// and those of CPython's test exporter _testbuffer, chosen to cover the layouts the protocol
// allows: empty, 0-d, multi-dimensional, sliced with negative strides, Fortran order,
// PIL-style suboffsets, struct formats, read-only and writable memory, and a redirect.
#pragma once

namespace pybuffer::check {

struct BuiltinExporter {
  const char *label;
  const char *expression;   // evaluated with top-level modules imported automatically
  const char *module;       // the module it needs beyond the standard library's core, or null
  unsigned long since = 0;  // the first CPython (sys.hexversion) that can make it, 0: every one
};

extern const BuiltinExporter kBuiltinExporters[];
extern const int kBuiltinExporterCount;

}  // namespace pybuffer::check
