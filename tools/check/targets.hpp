// Turning the command line's targets into objects: a Python expression, module:attribute,
// a script that defines `exporters`, or the built-in set of the standard library's and
// _testbuffer's exporters.
#pragma once

#include <string>
#include <vector>

#include "py_util.hpp"

namespace pybuffer::check {

struct TargetSpec {
  enum class Kind { builtins, expression, attribute, script };
  Kind kind;
  std::string text;  // the expression, "module:attribute" or the script's path
};

struct Target {
  std::string label;
  std::string source;  // "builtin", "expr", "attribute", "script"; "object" from the API
  std::string origin;  // what the user wrote (or the built-in's expression)
  Ref object;          // empty when resolution failed or the target was skipped
  std::string error;   // why it failed
  bool skipped = false;
};

/// Classifies a positional argument: an existing file or a *.py path is a script,
/// "module:attribute" an attribute; anything else is an error (returns false, sets `error`).
bool classify(const std::string &argument, TargetSpec &spec, std::string &error);

/// Resolves every spec in order. A list, tuple or dict a target evaluates to is expanded into
/// one target per item (none of those types exports a buffer itself).
std::vector<Target> resolve(const std::vector<TargetSpec> &specs);

}  // namespace pybuffer::check
