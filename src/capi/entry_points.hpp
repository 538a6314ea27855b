// The library's implementation of each exported function: C linkage (so the types of whichever
// header declared them do not matter), one per row of the variant's tables
// (PYBUFFER_VARIANT_ENTRY_POINTS, capi/call_counts.hpp), defined in the capi file of its topic.
// Each definition is preceded by PYBUFFER_PUBLISH(name) and opens with PYBUFFER_COUNT_CALL(name);
// the library's own code calls these (or the host/core functions beneath them), never an exported
// name, so a host that interposes its own cannot reroute it.
#pragma once

#include <pybuffer/pybuffer.h>

#include "capi/call_counts.hpp"
#include "host/profile.hpp"

#define PYBUFFER_DECLARE_IMPL(ret, name, params, args) \
  extern "C" __attribute__((visibility("hidden"))) ret pybuffer_impl_##name params;
PYBUFFER_VARIANT_ENTRY_POINTS(PYBUFFER_DECLARE_IMPL)
#undef PYBUFFER_DECLARE_IMPL

// Publishes pybuffer_impl_<name> under the runtime's name and its pybuffer_ twin as two more
// names of the same address, so an extension's call lands in the implementation with no stub
// or jump in between (the calls extensions make most cost a few nanoseconds; a stub was
// measurable). Assembler directives rather than C++ aliases: the exported spellings must not
// meet Python.h's own declarations, which differ between versions in const. The runtime's
// name is the profile's export prefix before CPython's ("PyPyObject_GetBuffer" on PyPy).
// Every name is made into a string here, at the first expansion: PyPy's headers define most
// C-API names as macros, which a later expansion would apply. The version script
// (abi/pybuffer*.map) makes these the library's only exports; abi.symbols proves every row of
// PYBUFFER_FUNCTIONS is published.
#define PYBUFFER_PUBLISH_AS(exported, implementation)                              \
  __asm__(".globl " exported "\n\t.type " exported ", @function\n\t.set " exported \
          ", " implementation "\n")
#define PYBUFFER_PUBLISH(name)                                                       \
  PYBUFFER_PUBLISH_AS(PYBUFFER_PROFILE_EXPORT_PREFIX #name, "pybuffer_impl_" #name); \
  PYBUFFER_PUBLISH_AS("pybuffer_" #name, "pybuffer_impl_" #name)

// Counts the call when PYBUFFER_CALL_COUNTS is set (capi/call_counts.hpp): the first statement
// of every implementation.
#define PYBUFFER_COUNT_CALL(name) pybuffer::capi::count_call(pybuffer::capi::Function::name)
