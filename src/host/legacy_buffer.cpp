// "pybuffer.buffer": Python 2.7's buffer object on Python 3 (include/pybuffer/legacy.h).
//
// Ownership: a buffer holds a strong reference to its base for its whole life, or owns its
// memory (PyBuffer_New), or borrows memory its maker keeps alive (PyBuffer_FromMemory).
// Like 2.7's, it stores offset and size as asked (core::legacy::Extent) and applies them to
// the base's memory at every access, because the base may change length in between; each
// access takes a view of the base, uses the window (core::legacy::window_in) and releases
// it. A view exported by the buffer (bf_getbuffer) keeps its view of the base until it is
// released, so the base cannot be resized under a memoryview of the buffer.
//
// The bytes-like behaviour (indexing, slicing, iteration, comparison, hashing) is that of a bytes
// object of the current window, made for the operation: the answers, errors included, are
// exactly Python 3's for bytes. The type has no GC support (2.7's has none either).
#include <Python.h>
// structmember.h needs Python.h first.
#include <structmember.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "host/heap_type.hpp"
#include "host/host.hpp"

namespace pybuffer::host {
namespace {

struct LegacyBuffer {
  PyObject ob_base;
  PyObject *base;  // NULL for a memory buffer
  char *memory;
  Py_ssize_t offset;  // 2.7's b_offset and b_size (see core::legacy::Extent)
  Py_ssize_t size;
  int readonly;
  bool owns_memory;
};

LegacyBuffer *as_buffer(PyObject *self) {
  return reinterpret_cast<LegacyBuffer *>(self);
}

core::legacy::Extent extent_of(const LegacyBuffer &b) {
  return core::legacy::Extent{b.offset, b.size};
}

// The bytes the buffer shows now. With a base, `held` receives the base's view, to be given
// to release_window; 2.7 asks a read-only buffer's base to read and a writable one's to
// write, and so does this.
struct Window {
  char *start;
  Py_ssize_t length;
};

int acquire_window(const LegacyBuffer &b, Py_buffer *held, Window *out) {
  held->obj = nullptr;
  if (b.base == nullptr) {
    *out = Window{b.memory, b.size};
    return 0;
  }
  if (get_buffer(b.base, held, b.readonly ? PyBUF_SIMPLE : PyBUF_WRITABLE) != 0) return -1;
  const core::legacy::Window w = core::legacy::window_in(held->len, extent_of(b));
  *out = Window{static_cast<char *>(held->buf) + w.start, w.length};
  return 0;
}

void release_window(Py_buffer *held) {
  if (held->obj != nullptr) release(held);
}

// A bytes object of the current window: what the bytes-like operations work on.
PyObject *window_bytes(PyObject *self) {
  Py_buffer held;
  Window w;
  if (acquire_window(*as_buffer(self), &held, &w) != 0) return nullptr;
  PyObject *bytes = interpreter()->PyBytes_FromStringAndSize(w.start, w.length);
  release_window(&held);
  return bytes;
}

Py_ssize_t buffer_length(PyObject *self) {
  Py_buffer held;
  Window w;
  if (acquire_window(*as_buffer(self), &held, &w) != 0) return -1;
  release_window(&held);
  return w.length;
}

// The sequence protocol's item (PySequence_GetItem; a negative index already has the length
// added): the byte as an int, or bytes' IndexError.
PyObject *buffer_item(PyObject *self, Py_ssize_t index) {
  Py_buffer held;
  Window w;
  if (acquire_window(*as_buffer(self), &held, &w) != 0) return nullptr;
  const bool inside = index >= 0 && index < w.length;
  const unsigned char byte = inside ? static_cast<unsigned char>(w.start[index]) : 0;
  release_window(&held);
  if (!inside) {
    set_error(Exception::index_error, "index out of range");
    return nullptr;
  }
  return interpreter()->PyLong_FromSsize_t(byte);
}

PyObject *buffer_subscript(PyObject *self, PyObject *item) {
  PyObject *bytes = window_bytes(self);
  if (bytes == nullptr) return nullptr;
  PyObject *result = interpreter()->PyObject_GetItem(bytes, item);
  decref(bytes);
  return result;
}

// Iterates over the bytes of the window as it was when the iteration began.
PyObject *buffer_iter(PyObject *self) {
  PyObject *bytes = window_bytes(self);
  if (bytes == nullptr) return nullptr;
  PyObject *iterator = interpreter()->PyObject_GetIter(bytes);
  decref(bytes);
  return iterator;
}

PyObject *buffer_richcompare(PyObject *self, PyObject *other, int op) {
  PyObject *bytes = window_bytes(self);
  if (bytes == nullptr) return nullptr;
  // bytes answers for other bytes-like objects (or lets `other` answer, reflected).
  PyObject *result = interpreter()->PyObject_RichCompare(bytes, other, op);
  decref(bytes);
  return result;
}

Py_hash_t buffer_hash(PyObject *self) {
  if (!as_buffer(self)->readonly) {
    set_error(Exception::type_error, "writable buffers are not hashable");
    return -1;
  }
  PyObject *bytes = window_bytes(self);
  if (bytes == nullptr) return -1;
  const Py_hash_t hash = interpreter()->PyObject_Hash(bytes);
  decref(bytes);
  return hash;
}

PyObject *buffer_repr(PyObject *self) {
  const LegacyBuffer &b = *as_buffer(self);
  const char *status = b.readonly ? "read-only" : "read-write";
  const Interpreter *py = interpreter();
  if (b.base == nullptr) {
    return py->PyUnicode_FromFormat("<%s buffer ptr %p, size %zd at %p>", status,
                                    static_cast<void *>(b.memory), b.size,
                                    static_cast<void *>(self));
  }
  return py->PyUnicode_FromFormat("<%s buffer for %p, size %zd, offset %zd at %p>", status,
                                  static_cast<void *>(b.base), b.size, b.offset,
                                  static_cast<void *>(self));
}

// A flat byte view of the window. The base's view is kept in view->internal until release.
int buffer_getbuffer(PyObject *self, Py_buffer *view, int flags) {
  const LegacyBuffer &b = *as_buffer(self);
  if ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE && b.readonly) {
    set_error(Exception::buffer_error, "Object is not writable.");
    return -1;
  }
  Py_buffer *held = nullptr;
  Window w;
  if (b.base != nullptr) {
    held = static_cast<Py_buffer *>(std::malloc(sizeof(Py_buffer)));
    if (held == nullptr) {
      raise_no_memory();
      return -1;
    }
  }
  Py_buffer unused;
  if (acquire_window(b, held != nullptr ? held : &unused, &w) != 0) {
    std::free(held);
    return -1;
  }
  view->buf = w.start;
  view->len = w.length;
  view->itemsize = 1;
  view->readonly = b.readonly;
  view->ndim = 1;
  view->format = (flags & PyBUF_FORMAT) == PyBUF_FORMAT ? const_cast<char *>("B") : nullptr;
  view->shape = (flags & PyBUF_ND) == PyBUF_ND ? &view->len : nullptr;
  view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? &view->itemsize : nullptr;
  view->suboffsets = nullptr;
  view->internal = held;
  view->obj = self;
  incref(self);
  return 0;
}

void buffer_releasebuffer(PyObject *, Py_buffer *view) {
  auto *held = static_cast<Py_buffer *>(view->internal);
  if (held == nullptr) return;
  release(held);
  std::free(held);
}

void buffer_dealloc(PyObject *self) {
  LegacyBuffer &b = *as_buffer(self);
  if (b.base != nullptr) decref(b.base);
  if (b.owns_memory) std::free(b.memory);
  free_instance(self);
}

PyMemberDef buffer_members[] = {
    {const_cast<char *>("offset"), T_PYSSIZET, offsetof(LegacyBuffer, offset), READONLY,
     const_cast<char *>("the offset into the base, as given (2.7's b_offset)")},
    {const_cast<char *>("size"), T_PYSSIZET, offsetof(LegacyBuffer, size), READONLY,
     const_cast<char *>("the size as given, -1 for Py_END_OF_BUFFER (2.7's b_size)")},
    {nullptr, 0, 0, 0, nullptr}};

PyType_Slot buffer_slots[] = {
    {Py_tp_new, reinterpret_cast<void *>(&refuse_new)},
    {Py_tp_dealloc, reinterpret_cast<void *>(&buffer_dealloc)},
    {Py_tp_repr, reinterpret_cast<void *>(&buffer_repr)},
    {Py_tp_hash, reinterpret_cast<void *>(&buffer_hash)},
    {Py_tp_richcompare, reinterpret_cast<void *>(&buffer_richcompare)},
    {Py_tp_iter, reinterpret_cast<void *>(&buffer_iter)},
    {Py_tp_members, buffer_members},
    {Py_sq_length, reinterpret_cast<void *>(&buffer_length)},
    {Py_sq_item, reinterpret_cast<void *>(&buffer_item)},
    {Py_mp_length, reinterpret_cast<void *>(&buffer_length)},
    {Py_mp_subscript, reinterpret_cast<void *>(&buffer_subscript)},
    {Py_bf_getbuffer, reinterpret_cast<void *>(&buffer_getbuffer)},
    {Py_bf_releasebuffer, reinterpret_cast<void *>(&buffer_releasebuffer)},
    {Py_tp_doc, const_cast<char *>("Python 2's buffer object, ported by pybuffer.")},
    {0, nullptr}};

PyType_Spec buffer_spec = {"pybuffer.buffer", static_cast<int>(sizeof(LegacyBuffer)), 0,
                           Py_TPFLAGS_DEFAULT, buffer_slots};

std::atomic<PyTypeObject *> buffer_type{nullptr};

}  // namespace

PyTypeObject *legacy_buffer_type() {
  return heap_type_once(buffer_type, buffer_spec);
}

bool is_legacy_buffer(PyObject *obj) {
  PyTypeObject *type = buffer_type.load(std::memory_order_acquire);
  return obj != nullptr && type != nullptr && obj->ob_type == type;
}

bool legacy_buffer_base(PyObject *obj, PyObject **base, core::legacy::Extent *extent) {
  if (!is_legacy_buffer(obj) || as_buffer(obj)->base == nullptr) return false;
  *base = as_buffer(obj)->base;
  *extent = extent_of(*as_buffer(obj));
  return true;
}

namespace {

PyObject *make_buffer(const LegacyBufferSource &source, bool owns_memory) {
  PYBUFFER_ASSERT(source.base != nullptr || source.extent.size >= 0);
  PyObject *self = allocate_instance(legacy_buffer_type());
  if (self == nullptr) {
    if (owns_memory) std::free(source.memory);
    return nullptr;
  }
  LegacyBuffer &b = *as_buffer(self);
  b.base = source.base;
  if (b.base != nullptr) incref(b.base);
  b.memory = source.memory;
  b.owns_memory = owns_memory;
  b.offset = source.extent.offset;
  b.size = source.extent.size;
  b.readonly = source.readonly ? 1 : 0;
  return self;
}

}  // namespace

PyObject *new_legacy_buffer(const LegacyBufferSource &source) {
  return make_buffer(source, false);
}

PyObject *new_owning_legacy_buffer(Py_ssize_t size) {
  PYBUFFER_ASSERT(size >= 0);
  // calloc, not 2.7's uninitialised memory: a new buffer reads as zeros. At least one byte,
  // so that success is never a NULL pointer.
  char *memory = static_cast<char *>(std::calloc(size > 0 ? static_cast<size_t>(size) : 1, 1));
  if (memory == nullptr) {
    raise_no_memory();
    return nullptr;
  }
  return make_buffer({nullptr, memory, {0, size}, false}, true);
}

bool legacy_base_supported(PyObject *base, bool) {
  if (has_buffer_slot(base)) return true;
  set_error(Exception::type_error, "buffer object expected");
  return false;
}

bool legacy_base_writable(PyObject *base) {
  // 2.7 would fail at the first access; a writable buffer of read-only memory is refused
  // now, whatever the base raised.
  Py_buffer probe;
  if (get_buffer(base, &probe, PyBUF_WRITABLE) != 0) {
    clear_error();
    set_error(Exception::type_error, "expected a writable bytes-like object");
    return false;
  }
  release(&probe);
  return true;
}

}  // namespace pybuffer::host
