// One run of the checker inside a running interpreter, whichever program started it: the
// pybuffer-check executable (the interpreter it embeds) or the pybuffer_check extension
// module (the interpreter that imported it). Both call these with their own BufferCalls.
#pragma once

#include <Python.h>

#include <vector>

#include "model.hpp"
#include "options.hpp"
#include "probe.hpp"
#include "report.hpp"
#include "requests.hpp"
#include "targets.hpp"

namespace pybuffer::check {

/// Sends each of `sent` (the full table by default) to the target's object and judges the
/// answers; a target without an object comes back with its error.
ExporterReport check_target(const Target &target, const std::vector<Request> &sent,
                            const BufferCalls &calls);

/// The interpreter and the libraries serving this process.
RunInfo run_info(const BufferCalls &calls);

/// Resolves the options' targets, checks them, writes the reports; returns the exit status.
int run(const Options &options, const BufferCalls &calls);

}  // namespace pybuffer::check
