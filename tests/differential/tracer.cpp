// The tracer exporter. It forwards bf_getbuffer to the wrapped object's slot and then puts
// itself into view->obj, so that PyBuffer_Release comes back through its bf_releasebuffer;
// there it restores the wrapped export's own obj and forwards, doing for the inner export
// exactly what PyBuffer_Release would have done for it.
#include "tracer.hpp"

#include <cstdio>

namespace diff {
namespace {

// One export in flight: what the wrapped exporter returned, to give back on release.
struct Export {
  const Py_buffer *view;  // the struct the export was written into
  PyObject *inner_obj;    // strong reference: the wrapped export's view->obj
  void *buf;
  Py_ssize_t len;
  void *internal;
  int seq;  // number of the bf_getbuffer call that made it
  bool live;
};

constexpr int kMaxExports = 16;

struct TracerObject {
  PyObject_HEAD PyObject *wrapped;
  PyObject *log;  // list of str
  int mode;
  int gets;
  Export exports[kMaxExports];
};

PyTypeObject g_type{};
PyBufferProcs g_procs{};

TracerObject *as_tracer(PyObject *o) {
  return reinterpret_cast<TracerObject *>(o);
}

void log_line(TracerObject *self, const char *line) {
  PreserveError keep;  // logging must not disturb the exception the slot returns with
  PyObject *s = PyUnicode_FromString(line);
  if (s == nullptr || PyList_Append(self->log, s) < 0) PyErr_Clear();
  Py_XDECREF(s);
}

int tracer_getbuffer(PyObject *obj, Py_buffer *view, int flags) {
  TracerObject *self = as_tracer(obj);
  const int seq = self->gets++;
  char line[96];
  if (self->mode == static_cast<int>(TracerMode::refuse) || self->wrapped == nullptr) {
    std::snprintf(line, sizeof line, "get#%d(%#x) refused", seq, static_cast<unsigned>(flags));
    log_line(self, line);
    PyErr_Format(PyExc_BufferError, "Tracer refuses request %#x", static_cast<unsigned>(flags));
    view->obj = nullptr;
    return -1;
  }
  PyBufferProcs *pb = Py_TYPE(self->wrapped)->tp_as_buffer;
  if (pb == nullptr || pb->bf_getbuffer == nullptr) {
    std::snprintf(line, sizeof line, "get#%d(%#x) no buffer", seq, static_cast<unsigned>(flags));
    log_line(self, line);
    PyErr_SetString(PyExc_TypeError, "Tracer wraps an object without buffer");
    view->obj = nullptr;
    return -1;
  }
  const int result = pb->bf_getbuffer(self->wrapped, view, flags);
  std::snprintf(line, sizeof line, "get#%d(%#x)=%d", seq, static_cast<unsigned>(flags), result);
  log_line(self, line);
  if (result != 0 || view->obj == nullptr) return result;
  for (Export &e : self->exports) {
    if (e.live) continue;
    e = Export{view, view->obj, view->buf, view->len, view->internal, seq, true};
    Py_INCREF(obj);
    view->obj = obj;  // the inner reference moves into e.inner_obj
    return 0;
  }
  // More exports than the table holds: leave the inner obj in place (releases then bypass
  // the tracer, which the log comparison would show).
  log_line(self, "tracer: export table full");
  return 0;
}

void tracer_releasebuffer(PyObject *obj, Py_buffer *view) {
  TracerObject *self = as_tracer(obj);
  Export *found = nullptr;
  bool same_struct = false;
  for (Export &e : self->exports) {
    if (e.live && e.view == view) {
      found = &e;
      same_struct = true;
      break;
    }
  }
  if (found == nullptr) {
    // Not the struct the export was written into: match a copy by its contents.
    for (Export &e : self->exports) {
      if (e.live && e.buf == view->buf && e.len == view->len && e.internal == view->internal) {
        found = &e;
        break;
      }
    }
  }
  char line[96];
  if (found == nullptr) {
    log_line(self, "release(unknown view)");
    return;
  }
  std::snprintf(line, sizeof line, "release#%d%s", found->seq,
                same_struct ? "" : " (other struct)");
  log_line(self, line);
  PyObject *inner = found->inner_obj;
  found->live = false;
  found->inner_obj = nullptr;
  Py_buffer inner_view = *view;
  inner_view.obj = inner;
  PyBufferProcs *pb = Py_TYPE(inner)->tp_as_buffer;
  if (pb != nullptr && pb->bf_releasebuffer != nullptr) pb->bf_releasebuffer(inner, &inner_view);
  Py_DECREF(inner);
}

PyObject *tracer_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
  PyObject *wrapped = nullptr;
  int mode = 0;
  static const char *kwlist[] = {"wrapped", "mode", nullptr};
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|i", const_cast<char **>(kwlist), &wrapped,
                                   &mode)) {
    return nullptr;
  }
  PyObject *log = PyList_New(0);
  if (log == nullptr) return nullptr;
  PyObject *obj = type->tp_alloc(type, 0);
  if (obj == nullptr) {
    Py_DECREF(log);
    return nullptr;
  }
  TracerObject *self = as_tracer(obj);
  self->wrapped = nullptr;
  if (wrapped != Py_None) {
    Py_INCREF(wrapped);
    self->wrapped = wrapped;
  }
  self->log = log;
  self->mode = mode;
  self->gets = 0;
  for (Export &e : self->exports) e = Export{nullptr, nullptr, nullptr, 0, nullptr, -1, false};
  return obj;
}

void tracer_dealloc(PyObject *obj) {
  TracerObject *self = as_tracer(obj);
  // No export can be live here: each one holds a reference to the tracer.
  Py_XDECREF(self->wrapped);
  Py_XDECREF(self->log);
  Py_TYPE(obj)->tp_free(obj);
}

PyObject *tracer_repr(PyObject *obj) {
  TracerObject *self = as_tracer(obj);
  if (self->wrapped == nullptr) return PyUnicode_FromFormat("Tracer(None, mode=%d)", self->mode);
  return PyUnicode_FromFormat("Tracer(%R)", self->wrapped);
}

}  // namespace

bool init_tracer_type() {
  // The macro ends in a comma on some versions: an array initializer absorbs it.
  const PyVarObject head[] = {PyVarObject_HEAD_INIT(nullptr, 0)};
  g_type.ob_base = head[0];
  g_type.tp_name = "pybuffer_diff.Tracer";
  g_type.tp_doc = "Buffer exporter that logs its slot calls and forwards them to a wrapped one";
  g_type.tp_basicsize = sizeof(TracerObject);
  g_type.tp_flags = Py_TPFLAGS_DEFAULT;
  g_type.tp_new = tracer_new;
  g_type.tp_dealloc = tracer_dealloc;
  g_type.tp_repr = tracer_repr;
  g_procs.bf_getbuffer = tracer_getbuffer;
  g_procs.bf_releasebuffer = tracer_releasebuffer;
  g_type.tp_as_buffer = &g_procs;
  return PyType_Ready(&g_type) == 0;
}

PyTypeObject *tracer_type() {
  return &g_type;
}

Ref make_tracer(PyObject *wrapped, TracerMode mode) {
  return Ref(PyObject_CallFunction(reinterpret_cast<PyObject *>(&g_type), "Oi",
                                   wrapped != nullptr ? wrapped : Py_None, static_cast<int>(mode)));
}

bool is_tracer(PyObject *o) {
  return o != nullptr && Py_TYPE(o) == &g_type;
}

std::string tracer_log(PyObject *tracer) {
  std::string out;
  TracerObject *self = as_tracer(tracer);
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(self->log); ++i) {
    const char *line = PyUnicode_AsUTF8(PyList_GET_ITEM(self->log, i));
    if (!out.empty()) out += ' ';
    out += line != nullptr ? line : "?";
  }
  return out;
}

void tracer_clear_log(PyObject *tracer) {
  TracerObject *self = as_tracer(tracer);
  PyList_SetSlice(self->log, 0, PyList_GET_SIZE(self->log), nullptr);
  self->gets = 0;  // so that both sides of a comparison number their requests alike
}

PyObject *tracer_wrapped(PyObject *tracer) {
  return as_tracer(tracer)->wrapped;
}

}  // namespace diff
