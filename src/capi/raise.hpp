// The one place where core statuses become the host's exceptions.
#pragma once

#include "core/status.hpp"

namespace pybuffer::capi {

/// Raises the exception for a failed core status; `function` names the entry point.
/// Cold: kept out of line so the entry points' hot paths stay small.
[[gnu::cold, gnu::noinline]] void raise(const core::Status &status, const char *function);

/// SystemError "<function>: <argument> is NULL" for pointers CPython would dereference.
[[gnu::cold, gnu::noinline]] void raise_null(const char *function, const char *argument);

}  // namespace pybuffer::capi
