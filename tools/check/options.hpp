// The command line of pybuffer-check.
#pragma once

#include <string>
#include <vector>

#include "report.hpp"
#include "requests.hpp"
#include "targets.hpp"

namespace pybuffer::check {

struct Options {
  std::vector<TargetSpec> targets;  // in command-line order; the built-in set when none given
  std::vector<Request> sent;        // --request: the requests to send; empty for all of them
  std::string json_path;            // "" for none, "-" for standard output
  std::string python;               // --python: the interpreter to check under; "" for this one
  Detail detail = Detail::normal;
  bool list_rules = false;
  bool help = false;
  bool version = false;
};

/// Parses argv; on a usage error returns false with `error` set.
bool parse_options(int argc, char **argv, Options &options, std::string &error);

extern const char kUsage[];

}  // namespace pybuffer::check
