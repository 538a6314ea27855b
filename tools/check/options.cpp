#include "options.hpp"

#include <cstring>

namespace pybuffer::check {

const char kUsage[] =
    "usage: pybuffer-check [options] [TARGET...]\n"
    "       python -m pybuffer_check [options] [TARGET...]\n"
    "\n"
    "Sends every request of the buffer protocol's request tables to each exporter and checks\n"
    "each answer against the protocol's rules. With no target, checks the built-in set\n"
    "(bytes, bytearray, array.array, memoryview, _testbuffer.ndarray).\n"
    "\n"
    "targets:\n"
    "  --expr EXPR      a Python expression; the top-level modules it names are imported\n"
    "                   (--expr \"array.array('d', [1.0, 2.0])\")\n"
    "  MODULE:ATTR      an attribute of an importable module (dotted paths allowed)\n"
    "  SCRIPT.py        a script defining `exporters`, a list or dict of objects\n"
    "  --builtins       the built-in set, in addition to other targets\n"
    "  A list, tuple or dict a target evaluates to is checked item by item.\n"
    "\n"
    "options:\n"
    "  --python PATH    check under the interpreter PATH (its sys.path, virtual environment\n"
    "                   and packages) instead of the one built in: runs\n"
    "                   `PATH -m pybuffer_check`, with the module built for PATH's version\n"
    "                   (CPython 3.9-3.13, PyPy 3.9; the JSON's interpreter names it)\n"
    "  --request NAME   send only this request (repeatable): FULL_RO, STRIDES|FORMAT, ...\n"
    "  --json FILE      also write the report as JSON (\"-\": standard output, the text\n"
    "                   report then goes to standard error)\n"
    "  -v, --verbose    every exporter's answers request by request, not only failing ones\n"
    "  -q, --quiet      list only the exporters that did not pass, then the summary\n"
    "  --list-rules     print the rules and exit\n"
    "  --version        print pybuffer's version and exit\n"
    "  -h, --help       print this help and exit\n"
    "\n"
    "example: NumPy (when the interpreter can import it); this one ends in FAIL, rightly:\n"
    "NumPy refuses the requests a sliced array cannot serve with ValueError, where the\n"
    "protocol asks for BufferError (rule refusal)\n"
    "  pybuffer-check --expr \"numpy.arange(12).reshape(3, 4)[:, ::2]\"\n"
    "\n"
    "exit status: 0 nothing violated; 1 a rule was violated; 2 a usage error, or a target\n"
    "could not be resolved or exports no buffer.\n";

namespace {

// "--name VALUE" or "--name=VALUE"; advances `i` past a separate value.
bool take_value(int argc, char **argv, int &i, const char *name, std::string &value,
                std::string &error, bool &matched) {
  const std::size_t length = std::strlen(name);
  const char *argument = argv[i];
  matched = false;
  if (std::strncmp(argument, name, length) != 0) return true;
  if (argument[length] == '=') {
    matched = true;
    value = argument + length + 1;
    return true;
  }
  if (argument[length] != '\0') return true;
  matched = true;
  if (i + 1 >= argc) {
    error = std::string(name) + " needs a value";
    return false;
  }
  value = argv[++i];
  return true;
}

}  // namespace

bool parse_options(int argc, char **argv, Options &options, std::string &error) {
  bool only_positional = false;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if (!only_positional && argument.size() > 1 && argument[0] == '-') {
      if (argument == "--") {
        only_positional = true;
        continue;
      }
      if (argument == "-h" || argument == "--help") {
        options.help = true;
        continue;
      }
      if (argument == "--version") {
        options.version = true;
        continue;
      }
      if (argument == "-q" || argument == "--quiet") {
        options.detail = Detail::quiet;
        continue;
      }
      if (argument == "-v" || argument == "--verbose") {
        options.detail = Detail::verbose;
        continue;
      }
      if (argument == "--list-rules") {
        options.list_rules = true;
        continue;
      }
      if (argument == "--builtins") {
        options.targets.push_back({TargetSpec::Kind::builtins, ""});
        continue;
      }
      std::string value;
      bool matched = false;
      if (!take_value(argc, argv, i, "--expr", value, error, matched)) return false;
      if (matched) {
        options.targets.push_back({TargetSpec::Kind::expression, value});
        continue;
      }
      if (!take_value(argc, argv, i, "--python", value, error, matched)) return false;
      if (matched) {
        options.python = value;
        continue;
      }
      if (!take_value(argc, argv, i, "--request", value, error, matched)) return false;
      if (matched) {
        const Request *request = find_request(value);
        if (request == nullptr) {
          error = "unknown request " + value +
                  ": a name of the request tables, such as FULL_RO, "
                  "ND or STRIDES|FORMAT";
          return false;
        }
        options.sent.push_back(*request);
        continue;
      }
      if (!take_value(argc, argv, i, "--json", value, error, matched)) return false;
      if (matched) {
        if (value.empty()) {
          error = "--json needs a file name or -";
          return false;
        }
        options.json_path = value;
        continue;
      }
      error = "unknown option " + argument;
      return false;
    }
    TargetSpec spec;
    if (!classify(argument, spec, error)) return false;
    options.targets.push_back(spec);
  }
  if (options.targets.empty()) options.targets.push_back({TargetSpec::Kind::builtins, ""});
  return true;
}

}  // namespace pybuffer::check
