// The library's internal exporter type, "pybuffer.memory": what the host's memoryview
// constructor is run on for PyMemoryView_FromMemory, PyMemoryView_FromBuffer and the copies
// of PyMemoryView_GetContiguous. CPython builds those views on private managed buffers; an
// exporter of exactly the layout wanted gives the host's own memoryview the same fields.
//
// Two kinds, by what the view's managed buffer keeps:
//   owning     (copies) hands out itself as view->obj, so the memoryview keeps it, and with
//              it the copy's memory, shape, strides and format (copied at creation), alive;
//              the view's obj is this object where CPython's is a bytes object.
//   anonymous  (FromMemory, FromBuffer) hands out view->obj NULL, as CPython's own master
//              buffer of those views has it, so the view's obj is None as in CPython. It
//              borrows every pointer of the layout: the host's constructor copies shape,
//              strides and suboffsets into the memoryview during the call, and the format
//              and memory are the caller's, exactly as in CPython. It is dropped right after.
// Neither holds a reference to another object, so the type needs no GC support. The type is
// a heap type made once per process with PyType_FromSpec, under the GIL every entry point
// holds; it is never freed. Not handled: a process that finalises its interpreter and starts
// another keeps using the first one's type (untested), and sub-interpreters share it.
#include <atomic>
#include <cstdlib>
#include <cstring>

#include "core/layout.hpp"
#include "core/packed_memory.hpp"
#include "host/host.hpp"

namespace pybuffer::host {
namespace {

struct Exporter {
  PyObject ob_base;
  Py_buffer layout;  // layout.obj stays NULL: exporter_getbuffer sets (or not) view->obj
  void *owned;       // copied memory (core::allocate_packed), or NULL
  std::size_t owned_size;
  void *arrays;    // owning: shape, strides, suboffsets and format text, in one block
  bool anonymous;  // hands out view->obj NULL (and borrows the layout's pointers)
};

core::View core_view(const Py_buffer &b) {
  return core::View{static_cast<char *>(b.buf),
                    b.len,
                    b.itemsize,
                    b.ndim,
                    reinterpret_cast<const core::ssize *>(b.shape),
                    reinterpret_cast<const core::ssize *>(b.strides),
                    reinterpret_cast<const core::ssize *>(b.suboffsets)};
}

// What a consumer's flags need of the layout that it does not have, or NULL if nothing.
// FULL and FULL_RO (the host's own memoryview constructor) accept every layout.
const char *unmet_requirement(const Py_buffer &layout, int flags) {
  if ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE && layout.readonly) {
    return "Object is not writable.";
  }
  if ((flags & PyBUF_INDIRECT) != PyBUF_INDIRECT && layout.suboffsets != nullptr) {
    return "pybuffer.memory: this memory needs suboffsets (PyBUF_INDIRECT)";
  }
  const core::View view = core_view(layout);
  if ((flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS && !core::is_contiguous(view, 'C')) {
    return "pybuffer.memory: this memory is not C-contiguous";
  }
  if ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS && !core::is_contiguous(view, 'F')) {
    return "pybuffer.memory: this memory is not Fortran-contiguous";
  }
  if ((flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS && !core::is_contiguous(view, 'A')) {
    return "pybuffer.memory: this memory is not contiguous";
  }
  // Without strides a consumer assumes C order.
  if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES && layout.strides != nullptr &&
      !core::is_contiguous(view, 'C')) {
    return "pybuffer.memory: this memory needs strides (PyBUF_STRIDES)";
  }
  return nullptr;
}

// Hands out the layout as it is, trimmed to what the flags ask for (as memoryview's own
// bf_getbuffer does: without PyBUF_ND a flat view of len bytes).
int exporter_getbuffer(PyObject *self, Py_buffer *view, int flags) {
  const auto *exporter = reinterpret_cast<Exporter *>(self);
  const Py_buffer &layout = exporter->layout;
  if (const char *unmet = unmet_requirement(layout, flags)) {
    set_error(Exception::buffer_error, unmet);
    return -1;
  }
  *view = layout;
  if ((flags & PyBUF_FORMAT) != PyBUF_FORMAT) view->format = nullptr;
  if ((flags & PyBUF_ND) != PyBUF_ND) {
    view->ndim = 1;
    view->shape = nullptr;
  }
  if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES) view->strides = nullptr;
  if ((flags & PyBUF_INDIRECT) != PyBUF_INDIRECT) view->suboffsets = nullptr;
  if (exporter->anonymous) return 0;  // view->obj stays NULL: nothing to keep alive
  view->obj = self;
  incref(self);
  return 0;
}

PyObject *exporter_new(PyTypeObject *type, PyObject *, PyObject *) {
  if (const Interpreter *py = required_interpreter()) {
    py->PyErr_Format(exception(*py, Exception::type_error), "cannot create '%.100s' instances",
                     type->tp_name);
  }
  return nullptr;
}

void exporter_dealloc(PyObject *self) {
  auto *exporter = reinterpret_cast<Exporter *>(self);
  core::free_packed(exporter->owned, exporter->owned_size);
  std::free(exporter->arrays);
  PyTypeObject *type = self->ob_type;
  const Interpreter *py = interpreter();  // there is one: it is deallocating an object
  reinterpret_cast<freefunc>(py->PyType_GetSlot(type, Py_tp_free))(self);
  // Instances of a heap type hold a reference to it (taken by tp_alloc).
  decref(reinterpret_cast<PyObject *>(type));
}

// Py_bf_getbuffer first: a host whose PyType_FromSpec does not take it is given the rest.
PyType_Slot exporter_slots[] = {
    {Py_bf_getbuffer, reinterpret_cast<void *>(&exporter_getbuffer)},
    {Py_tp_new, reinterpret_cast<void *>(&exporter_new)},
    {Py_tp_dealloc, reinterpret_cast<void *>(&exporter_dealloc)},
    {Py_tp_doc, const_cast<char *>("Memory under a memoryview made by pybuffer.")},
    {0, nullptr}};

PyType_Spec exporter_spec = {"pybuffer.memory", static_cast<int>(sizeof(Exporter)), 0,
                             Py_TPFLAGS_DEFAULT, exporter_slots};
PyType_Spec exporter_spec_without_buffer = {"pybuffer.memory", static_cast<int>(sizeof(Exporter)),
                                            0, Py_TPFLAGS_DEFAULT, exporter_slots + 1};

// Made at first use under the GIL. Two threads can only both make it if PyType_FromSpec
// released the GIL; then one type is simply never used.
std::atomic<PyTypeObject *> exporter_type{nullptr};

PyTypeObject *get_exporter_type(const Interpreter &py) {
  PyTypeObject *type = exporter_type.load(std::memory_order_acquire);
  if (type != nullptr) return type;
  if (profile::type_spec_takes_buffer_slots(py.version_hex)) {
    type = reinterpret_cast<PyTypeObject *>(py.PyType_FromSpec(&exporter_spec));
  } else {
    type = reinterpret_cast<PyTypeObject *>(py.PyType_FromSpec(&exporter_spec_without_buffer));
    if (type == nullptr) return nullptr;
    PYBUFFER_ASSERT(type->tp_as_buffer != nullptr);
    type->tp_as_buffer->bf_getbuffer = &exporter_getbuffer;
  }
  if (type != nullptr) exporter_type.store(type, std::memory_order_release);
  return type;
}

// One block for the arrays and the format text; NULL only when malloc fails.
void *copy_arrays(const ExportedLayout &layout, Py_buffer &into) {
  const std::size_t n = static_cast<std::size_t>(layout.ndim);
  const std::size_t format_size = layout.format != nullptr ? std::strlen(layout.format) + 1 : 0;
  auto *block =
      static_cast<Py_ssize_t *>(std::malloc(3 * n * sizeof(Py_ssize_t) + format_size + 1));
  if (block == nullptr) return nullptr;
  const auto place = [n](const Py_ssize_t *from, Py_ssize_t *to) -> Py_ssize_t * {
    if (from == nullptr) return nullptr;
    if (n > 0) std::memcpy(to, from, n * sizeof(Py_ssize_t));
    return to;
  };
  into.shape = place(layout.shape, block);
  into.strides = place(layout.strides, block + n);
  into.suboffsets = place(layout.suboffsets, block + 2 * n);
  char *text = reinterpret_cast<char *>(block + 3 * n);
  into.format = format_size > 0 ? static_cast<char *>(std::memcpy(text, layout.format, format_size))
                                : nullptr;
  return block;
}

}  // namespace

namespace {

// A new exporter with `owned` and the scalar fields set, or NULL (owned freed) on failure.
Exporter *allocate_exporter(const ExportedLayout &layout, void *owned, std::size_t owned_size) {
  PYBUFFER_ASSERT(layout.ndim >= 0 && layout.ndim <= core::max_ndim);
  const Interpreter *py = required_interpreter();
  PyTypeObject *type = py != nullptr ? get_exporter_type(*py) : nullptr;
  auto alloc = type != nullptr ? reinterpret_cast<allocfunc>(py->PyType_GetSlot(type, Py_tp_alloc))
                               : nullptr;
  auto *exporter = alloc != nullptr ? reinterpret_cast<Exporter *>(alloc(type, 0)) : nullptr;
  if (exporter == nullptr) {
    core::free_packed(owned, owned_size);
    return nullptr;
  }
  // From here the dealloc frees both blocks, whatever happens.
  exporter->owned = owned;
  exporter->owned_size = owned_size;
  exporter->arrays = nullptr;
  exporter->anonymous = false;
  Py_buffer &into = exporter->layout;
  into.buf = layout.buf;
  into.obj = nullptr;
  into.len = layout.len;
  into.itemsize = layout.itemsize;
  into.readonly = layout.readonly;
  into.ndim = layout.ndim;
  into.internal = layout.internal;
  into.format = const_cast<char *>(layout.format);
  into.shape = const_cast<Py_ssize_t *>(layout.shape);
  into.strides = const_cast<Py_ssize_t *>(layout.strides);
  into.suboffsets = const_cast<Py_ssize_t *>(layout.suboffsets);
  return exporter;
}

}  // namespace

PyObject *new_exporter(const ExportedLayout &layout, void *owned, std::size_t owned_size) {
  Exporter *exporter = allocate_exporter(layout, owned, owned_size);
  if (exporter == nullptr) return nullptr;
  exporter->arrays = copy_arrays(layout, exporter->layout);
  if (exporter->arrays == nullptr) {
    Py_buffer &into = exporter->layout;
    into.format = nullptr;
    into.shape = into.strides = into.suboffsets = nullptr;
    decref(reinterpret_cast<PyObject *>(exporter));
    raise_no_memory();
    return nullptr;
  }
  return reinterpret_cast<PyObject *>(exporter);
}

PyObject *new_anonymous_exporter(const ExportedLayout &layout) {
  Exporter *exporter = allocate_exporter(layout, nullptr, 0);
  if (exporter == nullptr) return nullptr;
  exporter->anonymous = true;
  Py_buffer &into = exporter->layout;
  if (profile::memoryview_needs_strides && into.strides == nullptr && into.ndim > 1 &&
      into.shape != nullptr) {
    // C-contiguous strides from the shape, held by the exporter (freed with it).
    const auto n = static_cast<std::size_t>(into.ndim);
    auto *strides = static_cast<Py_ssize_t *>(std::malloc(n * sizeof(Py_ssize_t)));
    if (strides == nullptr) {
      decref(reinterpret_cast<PyObject *>(exporter));
      raise_no_memory();
      return nullptr;
    }
    Py_ssize_t stride = into.itemsize;
    for (std::size_t d = n; d-- > 0;) {
      strides[d] = stride;
      stride *= into.shape[d];
    }
    exporter->arrays = strides;
    into.strides = strides;
  }
  return reinterpret_cast<PyObject *>(exporter);
}

}  // namespace pybuffer::host
