// Resolution is done by a small Python helper run inside the embedded interpreter: parsing
// an expression to find the top-level modules it names, importing a module:attribute,
// running a script, are what Python's own library does best and most faithfully.
#include "targets.hpp"

#include <sys/stat.h>

#include "builtin_exporters.hpp"

namespace pybuffer::check {
namespace {

// Each function returns a list of (label, object) pairs.
constexpr const char kHelperSource[] = R"PY(
import ast, builtins, importlib, os, runpy, sys

def _expand(label, obj):
    # Containers are never exporters: their items are the targets.
    if isinstance(obj, dict):
        return [(str(key), value) for key, value in obj.items()]
    if isinstance(obj, (list, tuple)):
        return [(f"{label}[{index}]", value) for index, value in enumerate(obj)]
    return [(label, obj)]

def _free_names(tree):
    # Names the expression reads but neither binds nor finds among the builtins: the
    # candidates for an automatic import of a top-level module.
    bound = {node.id for node in ast.walk(tree)
             if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)}
    bound |= {node.arg for node in ast.walk(tree) if isinstance(node, ast.arg)}
    names = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
                and node.id not in bound and not hasattr(builtins, node.id)
                and node.id not in names):
            names.append(node.id)
    return names

def expression(source, label):
    tree = ast.parse(source.strip(), mode="eval")
    namespace, failed = {}, {}
    for name in _free_names(tree):
        try:
            namespace[name] = importlib.import_module(name)
        except ImportError as error:
            failed[name] = error  # perhaps no module at all: reported only if eval fails
    try:
        return _expand(label, eval(compile(tree, "<expr>", "eval"), namespace))
    except NameError as error:
        if getattr(error, "name", None) in failed:
            raise NameError(f"{error} (import {error.name}: {failed[error.name]})") from None
        raise

def attribute(spec):
    module_name, _, path = spec.partition(":")
    obj = importlib.import_module(module_name)
    for part in path.split("."):
        obj = getattr(obj, part)
    return _expand(spec, obj)

def script(path):
    directory = os.path.dirname(os.path.abspath(path))
    if directory not in sys.path:
        sys.path.insert(0, directory)
    namespace = runpy.run_path(path, run_name="__pybuffer_check__")
    if "exporters" not in namespace:
        raise LookupError(f"{path} defines no 'exporters' (a list or dict of objects)")
    exporters = namespace["exporters"]
    if not isinstance(exporters, (list, tuple, dict)):
        raise TypeError(f"'exporters' in {path} is a {type(exporters).__name__}, "
                        "not a list or dict")
    return _expand("exporters", exporters)
)PY";

Ref helper_function(const char *name) {
  // Kept for the interpreter's lifetime on purpose: a static Ref would be released after
  // Py_FinalizeEx, by a dead interpreter.
  static PyObject *helpers = nullptr;
  if (helpers == nullptr) {
    Ref globals(PyDict_New());
    if (!globals) return Ref();
    PyDict_SetItemString(globals.get(), "__builtins__", PyEval_GetBuiltins());
    Ref done(PyRun_String(kHelperSource, Py_file_input, globals.get(), globals.get()));
    if (!done) return Ref();
    helpers = globals.get();
    Py_INCREF(helpers);
  }
  return Ref::borrow(PyDict_GetItemString(helpers, name));
}

std::string error_text() {
  const TakenError error = take_error();
  if (!error.set) return "unknown error";
  return error.type + (error.message.empty() ? "" : ": " + error.message);
}

// Calls helper `name` with string arguments; appends one target per (label, object) pair,
// or one failed target.
void run_helper(const char *name, const std::vector<std::string> &arguments, const char *source,
                const std::string &origin, std::vector<Target> &out) {
  Ref function = helper_function(name);
  Ref args(PyTuple_New(static_cast<Py_ssize_t>(arguments.size())));
  for (std::size_t i = 0; args && i < arguments.size(); ++i) {
    PyTuple_SET_ITEM(args.get(), static_cast<Py_ssize_t>(i),
                     PyUnicode_FromString(arguments[i].c_str()));
  }
  Ref pairs(function && args ? PyObject_CallObject(function.get(), args.get()) : nullptr);
  if (!pairs) {
    Target failed;
    failed.label = origin;
    failed.source = source;
    failed.origin = origin;
    failed.error = error_text();
    out.push_back(std::move(failed));
    return;
  }
  const Py_ssize_t count = PyList_Size(pairs.get());
  for (Py_ssize_t i = 0; i < count; ++i) {
    PyObject *pair = PyList_GetItem(pairs.get(), i);
    Target target;
    target.label = str_of(PyTuple_GetItem(pair, 0));
    target.source = source;
    target.origin = origin;
    target.object = Ref::borrow(PyTuple_GetItem(pair, 1));
    out.push_back(std::move(target));
  }
}

bool module_available(const char *module) {
  Ref imported(PyImport_ImportModule(module));
  if (!imported) PyErr_Clear();
  return static_cast<bool>(imported);
}

// sys.hexversion of the running interpreter.
unsigned long running_hexversion() {
  PyObject *hexversion = PySys_GetObject("hexversion");  // borrowed
  return hexversion != nullptr ? PyLong_AsUnsignedLong(hexversion) : 0;
}

void resolve_builtins(std::vector<Target> &out) {
  const unsigned long version = running_hexversion();
  for (int i = 0; i < kBuiltinExporterCount; ++i) {
    const BuiltinExporter &builtin = kBuiltinExporters[i];
    std::string missing;
    if (builtin.since != 0 && version < builtin.since) {
      missing = "skipped: this interpreter is older than the method it needs";
    } else if (builtin.module != nullptr && !module_available(builtin.module)) {
      missing = std::string("skipped: this interpreter has no ") + builtin.module;
    }
    if (!missing.empty()) {
      Target skipped;
      skipped.label = builtin.label;
      skipped.source = "builtin";
      skipped.origin = builtin.expression;
      skipped.skipped = true;
      skipped.error = missing;
      out.push_back(std::move(skipped));
      continue;
    }
    run_helper("expression", {builtin.expression, builtin.label}, "builtin", builtin.expression,
               out);
  }
}

}  // namespace

bool classify(const std::string &argument, TargetSpec &spec, std::string &error) {
  struct stat info {};
  const bool is_file = stat(argument.c_str(), &info) == 0 && S_ISREG(info.st_mode);
  const bool looks_like_script =
      argument.size() > 3 && argument.compare(argument.size() - 3, 3, ".py") == 0;
  if (is_file || looks_like_script) {
    spec = {TargetSpec::Kind::script, argument};
    return true;
  }
  const std::size_t colon = argument.find(':');
  if (colon != std::string::npos && colon > 0 && colon + 1 < argument.size() &&
      argument.find(':', colon + 1) == std::string::npos) {
    spec = {TargetSpec::Kind::attribute, argument};
    return true;
  }
  error = "'" + argument +
          "' is neither a script path nor module:attribute (use --expr for an expression)";
  return false;
}

std::vector<Target> resolve(const std::vector<TargetSpec> &specs) {
  std::vector<Target> targets;
  for (const TargetSpec &spec : specs) {
    switch (spec.kind) {
      case TargetSpec::Kind::builtins:
        resolve_builtins(targets);
        break;
      case TargetSpec::Kind::expression:
        run_helper("expression", {spec.text, spec.text}, "expr", spec.text, targets);
        break;
      case TargetSpec::Kind::attribute:
        run_helper("attribute", {spec.text}, "attribute", spec.text, targets);
        break;
      case TargetSpec::Kind::script:
        run_helper("script", {spec.text}, "script", spec.text, targets);
        break;
    }
  }
  return targets;
}

}  // namespace pybuffer::check
