// The helper namespace, exception capture and small conveniences over the C API.
#include "python_env.hpp"

#include "tracer.hpp"

namespace diff {

extern const char *const kHelperSource;

namespace {

PyObject *g_globals = nullptr;  // the helper namespace, alive for the whole run
PyObject *g_unavailable = nullptr;
int g_minor = -1;

}  // namespace

bool init_python_helpers(std::string *error) {
  g_globals = PyDict_New();
  if (g_globals == nullptr ||
      PyDict_SetItemString(g_globals, "__builtins__", PyEval_GetBuiltins()) < 0 ||
      PyDict_SetItemString(g_globals, "Tracer", reinterpret_cast<PyObject *>(tracer_type())) < 0) {
    *error = take_error_text();
    return false;
  }
  Ref done(PyRun_String(kHelperSource, Py_file_input, g_globals, g_globals));
  if (!done) {
    *error = take_error_text();
    return false;
  }
  g_unavailable = PyDict_GetItemString(g_globals, "Unavailable");  // borrowed, kept by g_globals
  Ref minor = eval("sys.version_info[1]");
  g_minor = minor ? static_cast<int>(PyLong_AsLong(minor.get())) : -1;
  if (g_unavailable == nullptr || g_minor < 0) {
    *error = "helper namespace incomplete: " + take_error_text();
    return false;
  }
  return true;
}

Ref eval(const std::string &expr) {
  return Ref(PyRun_String(expr.c_str(), Py_eval_input, g_globals, g_globals));
}

Ref call_helper(const char *name, PyObject *arg) {
  PyObject *fn = PyDict_GetItemString(g_globals, name);  // borrowed
  if (fn == nullptr) {
    PyErr_Format(PyExc_KeyError, "no helper %s", name);
    return Ref();
  }
  return Ref(PyObject_CallFunctionObjArgs(fn, arg, nullptr));
}

int host_minor() {
  return g_minor;
}

bool helper_has(const char *module) {
  PyObject *m = PyDict_GetItemString(g_globals, module);
  return m != nullptr && m != Py_None;
}

std::string snapshot(PyObject *root) {
  Ref bytes = call_helper("snap", root);
  if (!bytes || !PyBytes_Check(bytes.get())) {
    return "<snapshot failed: " + take_error_text() + ">";
  }
  return std::string(PyBytes_AS_STRING(bytes.get()),
                     static_cast<size_t>(PyBytes_GET_SIZE(bytes.get())));
}

PyObject *unavailable_error() {
  return g_unavailable;
}

Py_ssize_t refcount(PyObject *o) {
  return o == nullptr ? 0 : Py_REFCNT(o);
}

Error take_error() {
  Error err;
  pybuffer_test::Raised raised = pybuffer_test::take_exception();
  if (!raised.set) return err;
  err.set = true;
  err.type = Ref::borrow(raised.type);
  err.type_name = pybuffer_test::type_name(raised.type);
  err.message = raised.message;
  if (raised.value) {
    PyObject *context = PyException_GetContext(raised.value.get());  // new reference or NULL
    if (context != nullptr) {
      err.context_type = Py_TYPE(context)->tp_name;
      Py_DECREF(context);
    }
  }
  return err;
}

std::string take_error_text() {
  return pybuffer_test::take_exception_text();
}

#if PY_VERSION_HEX >= 0x030C0000
PreserveError::PreserveError() {
  saved_[0] = PyErr_GetRaisedException();
}
PreserveError::~PreserveError() {
  PyErr_SetRaisedException(saved_[0]);
}
#else
PreserveError::PreserveError() {
  PyErr_Fetch(&saved_[0], &saved_[1], &saved_[2]);
}
PreserveError::~PreserveError() {
  PyErr_Restore(saved_[0], saved_[1], saved_[2]);
}
#endif

std::string repr(PyObject *o) {
  if (o == nullptr) return "NULL";
  Ref r(PyObject_Repr(o));
  if (!r) {
    PyErr_Clear();
    return "<repr failed>";
  }
  std::string s = pybuffer_test::utf8_text(r.get());
  if (s.size() > 120) s = s.substr(0, 117) + "...";
  return s;
}

}  // namespace diff
