// CPython 2.7's `buffer` type, for libpybuffer-py27: the type object (exported as
// PyBuffer_Type and pybuffer_PyBuffer_Type) and every slot 2.7 gives it, with 2.7's results,
// exceptions and messages (the py27.buffer_objects suite compares them with libpython2.7's).
//
// The object is 2.7's PyBufferObject field for field, so sizes and `__basicsize__` agree. As in
// 2.7 a buffer remembers offset and size as asked (core::legacy::Extent) and applies them to
// its base's current memory, read through the base's old slots, at every access
// (core::legacy::window_in). Where 2.7 is unsafe this is not: its window arithmetic cannot
// overflow, a base whose type lacks the slot asked for is a TypeError rather than a read
// outside its PyBufferProcs, and repeating an empty buffer gives an empty string (2.7 divides
// by zero) -- README, "CPython 2.7".
//
// Which type object is the type: a process that links this library ahead of libpython2.7 makes
// ours *the* PyBuffer_Type (libpython's own references bind to it, and Py_Initialize readies it);
// an executable that refers to the name may hold a copy of it (a copy relocation), which is then
// the one every object must carry. Otherwise (libpython2.7 first, the twins used) our object is
// a second buffer type of its own. canonical_type() finds out once.
#include <Python.h>

#include <dlfcn.h>

#include <cstring>

#include "host/host.hpp"

namespace pybuffer::host {
namespace {

// 2.7's PyBufferObject (private to its bufferobject.c), field for field.
struct BufferObject {
  PyObject_HEAD PyObject *base;  // NULL for a memory buffer
  void *memory;                  // a memory buffer's first byte
  Py_ssize_t size;
  Py_ssize_t offset;
  int readonly;
  long hash;  // -1 until computed
};
static_assert(sizeof(BufferObject) == legacy_new_header_size,
              "PyBuffer_New's size check (host.hpp, legacy_new_header_size) assumes 2.7's layout");

BufferObject *as_buffer(PyObject *self) {
  return reinterpret_cast<BufferObject *>(self);
}

core::legacy::Extent extent_of(const BufferObject &b) {
  return core::legacy::Extent{b.offset, b.size};
}

// What an access asks of the base: 2.7's READ_BUFFER, WRITE_BUFFER, CHAR_BUFFER, ANY_BUFFER.
enum class Access { read, write, chars, any };

// The interpreter's data this type reads, looked up once (the GIL serialises first use).
struct HostData {
  PyObject **memory_error;
  PyObject **deprecation_warning;
  PyTypeObject *slice_type;
  const int *py3k_warning_flag;
  const long *hash_secret;  // 2.7's _Py_HashSecret: prefix, suffix
};

const HostData *host_data() {
  static HostData data{};
  static bool found = false;
  if (!found) {
    data.memory_error = static_cast<PyObject **>(host_definition("PyExc_MemoryError"));
    data.deprecation_warning =
        static_cast<PyObject **>(host_definition("PyExc_DeprecationWarning"));
    data.slice_type = static_cast<PyTypeObject *>(host_definition("PySlice_Type"));
    data.py3k_warning_flag = static_cast<const int *>(host_definition("Py_Py3kWarningFlag"));
    data.hash_secret = static_cast<const long *>(host_definition("_Py_HashSecret"));
    found = data.memory_error != nullptr && data.deprecation_warning != nullptr &&
            data.slice_type != nullptr && data.py3k_warning_flag != nullptr &&
            data.hash_secret != nullptr;
  }
  return found ? &data : nullptr;
}

// The bytes the buffer shows now (2.7's get_buf): false with the exception set.
bool window(const BufferObject &b, Access access, char **start, Py_ssize_t *length) {
  if (b.base == nullptr) {
    *start = static_cast<char *>(b.memory);
    *length = b.size;
    return true;
  }
  const Interpreter *py = interpreter();
  // The base's type was checked for bf_getsegcount when the buffer was made.
  const PyBufferProcs *procs = profile::old_buffer_procs(b.base);
  PYBUFFER_ASSERT(procs != nullptr && procs->bf_getsegcount != nullptr);
  if (procs == nullptr || procs->bf_getsegcount == nullptr ||
      procs->bf_getsegcount(b.base, nullptr) != 1) {
    set_error(Exception::type_error, "single-segment buffer object expected");
    return false;
  }
  readbufferproc slot = nullptr;
  const char *kind = "no";
  if (access == Access::read || (access == Access::any && b.readonly)) {
    slot = procs->bf_getreadbuffer;
    kind = "read";
  } else if (access == Access::write || access == Access::any) {
    slot = reinterpret_cast<readbufferproc>(procs->bf_getwritebuffer);
    kind = "write";
  } else {
    // 2.7 reads the slot whatever the base's flags; it exists only under this one.
    if (profile::has_charbuffer_slot(b.base)) {
      slot = reinterpret_cast<readbufferproc>(procs->bf_getcharbuffer);
    }
    kind = "char";
  }
  if (slot == nullptr) {
    py->PyErr_Format(exception(*py, Exception::type_error), "%s buffer type not available", kind);
    return false;
  }
  void *memory = nullptr;
  const Py_ssize_t count = slot(b.base, 0, &memory);
  if (count < 0) return false;
  const core::legacy::Window w = core::legacy::window_in(count, extent_of(b));
  *start = static_cast<char *>(memory) + w.start;
  *length = w.length;
  return true;
}

// `other`'s single read segment, for concatenation and assignment; 2.7's errors when it has
// none (PyErr_BadArgument's TypeError, then the segment count's).
bool other_has_segment(PyObject *other) {
  const PyBufferProcs *procs = other != nullptr ? profile::old_buffer_procs(other) : nullptr;
  if (procs == nullptr || procs->bf_getreadbuffer == nullptr || procs->bf_getsegcount == nullptr) {
    interpreter()->PyErr_BadArgument();
    return false;
  }
  if (procs->bf_getsegcount(other, nullptr) != 1) {
    set_error(Exception::type_error, "single-segment buffer object expected");
    return false;
  }
  return true;
}

Py_ssize_t read_other(PyObject *other, char **start) {
  void *memory = nullptr;
  const Py_ssize_t count = profile::old_buffer_procs(other)->bf_getreadbuffer(other, 0, &memory);
  *start = static_cast<char *>(memory);
  return count;
}

bool refuse_if_readonly(const BufferObject &b) {
  if (!b.readonly) return false;
  set_error(Exception::type_error, "buffer is read-only");
  return true;
}

PyObject *new_string(const char *bytes, Py_ssize_t length) {
  return interpreter()->PyString_FromStringAndSize(bytes, length);
}

// A new str of `length` bytes to fill (its ob_sval, with 2.7's terminating NUL after them).
PyObject *new_blank_string(Py_ssize_t length, char **bytes) {
  PyObject *s = new_string(nullptr, length);
  if (s != nullptr) *bytes = reinterpret_cast<PyStringObject *>(s)->ob_sval;
  return s;
}

// ------------------------------------------------------------------------------------------
// The slots.

void buffer_dealloc(PyObject *self) {
  BufferObject &b = *as_buffer(self);
  if (b.base != nullptr) decref(b.base);
  interpreter()->PyObject_Free(self);
}

int buffer_compare(PyObject *self, PyObject *other) {
  char *mine = nullptr;
  char *theirs = nullptr;
  Py_ssize_t my_length = 0;
  Py_ssize_t their_length = 0;
  if (!window(*as_buffer(self), Access::any, &mine, &my_length)) return -1;
  if (!window(*as_buffer(other), Access::any, &theirs, &their_length)) return -1;
  const Py_ssize_t common = my_length < their_length ? my_length : their_length;
  if (common > 0) {
    const int order = std::memcmp(mine, theirs, static_cast<size_t>(common));
    if (order != 0) return order < 0 ? -1 : 1;
  }
  return my_length < their_length ? -1 : my_length > their_length ? 1 : 0;
}

PyObject *buffer_repr(PyObject *self) {
  const BufferObject &b = *as_buffer(self);
  const char *status = b.readonly ? "read-only" : "read-write";
  const Interpreter *py = interpreter();
  if (b.base == nullptr) {
    return py->PyString_FromFormat("<%s buffer ptr %p, size %zd at %p>", status, b.memory, b.size,
                                   static_cast<void *>(self));
  }
  return py->PyString_FromFormat("<%s buffer for %p, size %zd, offset %zd at %p>", status,
                                 static_cast<void *>(b.base), b.size, b.offset,
                                 static_cast<void *>(self));
}

long buffer_hash(PyObject *self) {
  BufferObject &b = *as_buffer(self);
  if (b.hash != -1) return b.hash;
  // As 2.7: read-only says nothing of whether the base's bytes can change (a bytearray's
  // can), so a cached hash may go stale; 2.7 accepts that.
  if (!b.readonly) {
    set_error(Exception::type_error, "writable buffers are not hashable");
    return -1;
  }
  const HostData *data = host_data();
  if (data == nullptr) {
    set_error(Exception::system_error, "pybuffer: 2.7's hash secret was not found");
    return -1;
  }
  char *start = nullptr;
  Py_ssize_t length = 0;
  if (!window(b, Access::any, &start, &length)) return -1;
  b.hash = core::legacy::hash_bytes(reinterpret_cast<const unsigned char *>(start), length,
                                    data->hash_secret[0], data->hash_secret[1]);
  return b.hash;
}

PyObject *buffer_str(PyObject *self) {
  char *start = nullptr;
  Py_ssize_t length = 0;
  if (!window(*as_buffer(self), Access::any, &start, &length)) return nullptr;
  return new_string(start, length);
}

Py_ssize_t buffer_length(PyObject *self) {
  char *start = nullptr;
  Py_ssize_t length = 0;
  if (!window(*as_buffer(self), Access::any, &start, &length)) return -1;
  return length;
}

PyObject *buffer_concat(PyObject *self, PyObject *other) {
  if (!other_has_segment(other)) return nullptr;
  char *start = nullptr;
  Py_ssize_t length = 0;
  if (!window(*as_buffer(self), Access::any, &start, &length)) return nullptr;
  if (length == 0) {  // 2.7 hands back the other operand itself
    incref(other);
    return other;
  }
  char *tail = nullptr;
  const Py_ssize_t count = read_other(other, &tail);
  if (count < 0) return nullptr;
  Py_ssize_t total = 0;
  if (__builtin_add_overflow(length, count, &total)) {
    raise_no_memory();
    return nullptr;
  }
  char *bytes = nullptr;
  PyObject *result = new_blank_string(total, &bytes);
  if (result == nullptr) return nullptr;
  std::memcpy(bytes, start, static_cast<size_t>(length));
  std::memcpy(bytes + length, tail, static_cast<size_t>(count));
  return result;
}

PyObject *buffer_repeat(PyObject *self, Py_ssize_t count) {
  if (count < 0) count = 0;
  char *start = nullptr;
  Py_ssize_t length = 0;
  if (!window(*as_buffer(self), Access::any, &start, &length)) return nullptr;
  if (length > 0 && count > PY_SSIZE_T_MAX / length) {
    const HostData *data = host_data();
    if (data == nullptr) {
      raise_no_memory();
    } else {
      interpreter()->PyErr_SetString(*data->memory_error, "result too large");
    }
    return nullptr;
  }
  char *bytes = nullptr;
  PyObject *result = new_blank_string(length * count, &bytes);
  if (result == nullptr) return nullptr;
  for (Py_ssize_t i = 0; i < count; ++i) {
    std::memcpy(bytes + i * length, start, static_cast<size_t>(length));
  }
  return result;
}

PyObject *item_of(const char *start, Py_ssize_t length, Py_ssize_t index) {
  if (index < 0 || index >= length) {
    set_error(Exception::index_error, "buffer index out of range");
    return nullptr;
  }
  return new_string(start + index, 1);
}

PyObject *buffer_item(PyObject *self, Py_ssize_t index) {
  char *start = nullptr;
  Py_ssize_t length = 0;
  if (!window(*as_buffer(self), Access::any, &start, &length)) return nullptr;
  return item_of(start, length, index);
}

PyObject *buffer_slice(PyObject *self, Py_ssize_t left, Py_ssize_t right) {
  char *start = nullptr;
  Py_ssize_t length = 0;
  if (!window(*as_buffer(self), Access::any, &start, &length)) return nullptr;
  if (left < 0) left = 0;
  if (right < 0) right = 0;
  if (right > length) right = length;
  if (right < left) right = left;
  // A left past the end makes right == left: an empty string, never a read past the end.
  return new_string(left < length ? start + left : start, right - left);
}

// The item an index object names (2.7's PyIndex_Check): true with *index, or false and
// *error set when the conversion raised.
bool index_of(PyObject *item, Py_ssize_t *index, bool *error) {
  const PyTypeObject *type = item->ob_type;
  *error = false;
  if (type->tp_as_number == nullptr || (type->tp_flags & Py_TPFLAGS_HAVE_INDEX) == 0 ||
      type->tp_as_number->nb_index == nullptr) {
    return false;
  }
  const Interpreter *py = interpreter();
  *index = py->PyNumber_AsSsize_t(item, exception(*py, Exception::index_error));
  *error = *index == -1 && py->PyErr_Occurred() != nullptr;
  return true;
}

// What a subscript names in the current window, in 2.7's order (the key converted, then the
// window read): an item (a negative index counted from the end), or `count` bytes from
// `first` every `step`, or neither (no exception), or an error (the exception set).
enum class Selected { item, slice, neither, error };
struct Selection {
  char *start = nullptr;
  Py_ssize_t length = 0;
  Py_ssize_t first = 0;  // the item's index, or the slice's first
  Py_ssize_t step = 1;
  Py_ssize_t count = 0;
};

Selected select(const BufferObject &b, PyObject *key, Selection *out) {
  bool error = false;
  if (index_of(key, &out->first, &error)) {
    if (error || !window(b, Access::any, &out->start, &out->length)) return Selected::error;
    if (out->first < 0) out->first += out->length;
    return Selected::item;
  }
  const HostData *data = host_data();
  if (data == nullptr || key->ob_type != data->slice_type) return Selected::neither;
  const Interpreter *py = interpreter();
  Py_ssize_t stop = 0;
  if (py->_PySlice_Unpack(key, &out->first, &stop, &out->step) < 0 ||
      !window(b, Access::any, &out->start, &out->length)) {
    return Selected::error;
  }
  out->count = py->_PySlice_AdjustIndices(out->length, &out->first, &stop, out->step);
  return Selected::slice;
}

PyObject *buffer_subscript(PyObject *self, PyObject *key) {
  Selection s;
  switch (select(*as_buffer(self), key, &s)) {
    case Selected::item:
      return item_of(s.start, s.length, s.first);
    case Selected::slice: {
      if (s.count <= 0) return new_string("", 0);
      if (s.step == 1) return new_string(s.start + s.first, s.count);
      char *bytes = nullptr;
      PyObject *result = new_blank_string(s.count, &bytes);
      if (result == nullptr) return nullptr;
      for (Py_ssize_t i = 0; i < s.count; ++i) bytes[i] = s.start[s.first + i * s.step];
      return result;
    }
    case Selected::neither:
      set_error(Exception::type_error, "sequence index must be integer");
      return nullptr;
    case Selected::error:
      break;
  }
  return nullptr;
}

int assign_item(char *start, Py_ssize_t length, Py_ssize_t index, PyObject *value) {
  if (index < 0 || index >= length) {
    set_error(Exception::index_error, "buffer assignment index out of range");
    return -1;
  }
  if (!other_has_segment(value)) return -1;
  char *bytes = nullptr;
  const Py_ssize_t count = read_other(value, &bytes);
  if (count < 0) return -1;
  if (count != 1) {
    set_error(Exception::type_error, "right operand must be a single byte");
    return -1;
  }
  start[index] = bytes[0];
  return 0;
}

int buffer_ass_item(PyObject *self, Py_ssize_t index, PyObject *value) {
  const BufferObject &b = *as_buffer(self);
  if (refuse_if_readonly(b)) return -1;
  char *start = nullptr;
  Py_ssize_t length = 0;
  if (!window(b, Access::any, &start, &length)) return -1;
  return assign_item(start, length, index, value);
}

// Writes `value`'s bytes to start[first], start[first + step], ...: `expected` of them.
int copy_in(char *start, Py_ssize_t first, Py_ssize_t step, PyObject *value, Py_ssize_t expected) {
  char *bytes = nullptr;
  const Py_ssize_t count = read_other(value, &bytes);
  if (count < 0) return -1;
  if (count != expected) {
    set_error(Exception::type_error, "right operand length must match slice length");
    return -1;
  }
  if (count == 0) return 0;
  if (step == 1) {
    // memmove: the value may be this buffer's own base.
    std::memmove(start + first, bytes, static_cast<size_t>(count));
  } else {
    for (Py_ssize_t i = 0; i < count; ++i) start[first + i * step] = bytes[i];
  }
  return 0;
}

int buffer_ass_slice(PyObject *self, Py_ssize_t left, Py_ssize_t right, PyObject *value) {
  const BufferObject &b = *as_buffer(self);
  if (refuse_if_readonly(b) || !other_has_segment(value)) return -1;
  char *start = nullptr;
  Py_ssize_t length = 0;
  if (!window(b, Access::any, &start, &length)) return -1;
  if (left < 0) {
    left = 0;
  } else if (left > length) {
    left = length;
  }
  if (right < left) {
    right = left;
  } else if (right > length) {
    right = length;
  }
  return copy_in(start, left, 1, value, right - left);
}

int buffer_ass_subscript(PyObject *self, PyObject *key, PyObject *value) {
  const BufferObject &b = *as_buffer(self);
  if (refuse_if_readonly(b) || !other_has_segment(value)) return -1;
  Selection s;
  switch (select(b, key, &s)) {
    case Selected::item:
      return assign_item(s.start, s.length, s.first, value);
    case Selected::slice:
      return copy_in(s.start, s.first, s.step, value, s.count);
    case Selected::neither:
      set_error(Exception::type_error, "buffer indices must be integers");
      return -1;
    case Selected::error:
      break;
  }
  return -1;
}

// The old protocol: one segment, the window.
bool refuse_other_segments(Py_ssize_t segment) {
  if (segment == 0) return false;
  set_error(Exception::system_error, "accessing non-existent buffer segment");
  return true;
}

Py_ssize_t buffer_getreadbuf(PyObject *self, Py_ssize_t segment, void **pointer) {
  if (refuse_other_segments(segment)) return -1;
  char *start = nullptr;
  Py_ssize_t length = 0;
  if (!window(*as_buffer(self), Access::read, &start, &length)) return -1;
  *pointer = start;
  return length;
}

Py_ssize_t buffer_getwritebuf(PyObject *self, Py_ssize_t segment, void **pointer) {
  if (refuse_if_readonly(*as_buffer(self)) || refuse_other_segments(segment)) return -1;
  char *start = nullptr;
  Py_ssize_t length = 0;
  if (!window(*as_buffer(self), Access::write, &start, &length)) return -1;
  *pointer = start;
  return length;
}

Py_ssize_t buffer_getsegcount(PyObject *self, Py_ssize_t *total) {
  char *start = nullptr;
  Py_ssize_t length = 0;
  if (!window(*as_buffer(self), Access::any, &start, &length)) return -1;
  if (total != nullptr) *total = length;
  return 1;
}

Py_ssize_t buffer_getcharbuf(PyObject *self, Py_ssize_t segment, char **pointer) {
  if (refuse_other_segments(segment)) return -1;
  char *start = nullptr;
  Py_ssize_t length = 0;
  if (!window(*as_buffer(self), Access::chars, &start, &length)) return -1;
  *pointer = start;
  return length;
}

}  // namespace
}  // namespace pybuffer::host

// 2.7's buffer type fills a view with PyBuffer_FillInfo and makes one with PyBuffer_FromObject:
// this library's own (capi), called by their implementation names.
extern "C" [[gnu::visibility("hidden")]] int pybuffer_impl_PyBuffer_FillInfo(
    Py_buffer *view, PyObject *obj, void *buf, Py_ssize_t len, int readonly, int flags);
extern "C" [[gnu::visibility("hidden")]] PyObject *pybuffer_impl_PyBuffer_FromObject(
    PyObject *base, Py_ssize_t offset, Py_ssize_t size);

namespace pybuffer::host {
namespace {

int buffer_getbuffer(PyObject *self, Py_buffer *view, int flags) {
  const BufferObject &b = *as_buffer(self);
  char *start = nullptr;
  Py_ssize_t length = 0;
  if (!window(b, Access::any, &start, &length)) return -1;
  return pybuffer_impl_PyBuffer_FillInfo(view, self, start, length, b.readonly, flags);
}

PyObject *buffer_new(PyTypeObject *, PyObject *args, PyObject *keywords) {
  const Interpreter *py = interpreter();
  const HostData *data = host_data();
  if (data != nullptr && *data->py3k_warning_flag != 0 &&
      py->PyErr_WarnEx(*data->deprecation_warning, "buffer() not supported in 3.x", 1) < 0) {
    return nullptr;
  }
  if (!py->_PyArg_NoKeywords("buffer()", keywords)) return nullptr;
  PyObject *base = nullptr;
  Py_ssize_t offset = 0;
  Py_ssize_t size = core::legacy::end_of_buffer;
  if (!py->PyArg_ParseTuple(args, "O|nn:buffer", &base, &offset, &size)) return nullptr;
  return pybuffer_impl_PyBuffer_FromObject(base, offset, size);
}

PySequenceMethods buffer_as_sequence = {
    buffer_length,   buffer_concat,    buffer_repeat, buffer_item, buffer_slice,
    buffer_ass_item, buffer_ass_slice, nullptr,       nullptr,     nullptr};

PyMappingMethods buffer_as_mapping = {buffer_length, buffer_subscript, buffer_ass_subscript};

PyBufferProcs buffer_as_buffer = {buffer_getreadbuf, buffer_getwritebuf, buffer_getsegcount,
                                  buffer_getcharbuf, buffer_getbuffer,   nullptr};

const char buffer_doc[] =
    "buffer(object [, offset[, size]])\n\n"
    "Create a new buffer object which references the given object.\n"
    "The buffer will reference a slice of the target object from the\n"
    "start of the object (or at the specified offset). The slice will\n"
    "extend to the end of the target object (or with the specified size).";

}  // namespace
}  // namespace pybuffer::host

// The type object. Its ob_type is set by PyType_Ready (from object's type) at first use, or by
// libpython2.7's Py_Initialize where this object is the process's PyBuffer_Type. Flags as 2.7's
// core gives its own types (Py_TPFLAGS_DEFAULT with the version tag).
extern "C" {
[[gnu::visibility("hidden")]] PyTypeObject pybuffer_host_buffer_type = {
    PyVarObject_HEAD_INIT(nullptr, 0) "buffer",
    sizeof(pybuffer::host::BufferObject),
    0,
    pybuffer::host::buffer_dealloc,
    nullptr,  // tp_print
    nullptr,  // tp_getattr
    nullptr,  // tp_setattr
    pybuffer::host::buffer_compare,
    pybuffer::host::buffer_repr,
    nullptr,  // tp_as_number
    &pybuffer::host::buffer_as_sequence,
    &pybuffer::host::buffer_as_mapping,
    pybuffer::host::buffer_hash,
    nullptr,  // tp_call
    pybuffer::host::buffer_str,
    nullptr,  // tp_getattro: PyObject_GenericGetAttr, inherited from object by PyType_Ready
    nullptr,  // tp_setattro
    &pybuffer::host::buffer_as_buffer,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VERSION_TAG | Py_TPFLAGS_HAVE_GETCHARBUFFER |
        Py_TPFLAGS_HAVE_NEWBUFFER,
    pybuffer::host::buffer_doc,
    nullptr,  // tp_traverse
    nullptr,  // tp_clear
    nullptr,  // tp_richcompare
    0,        // tp_weaklistoffset
    nullptr,  // tp_iter
    nullptr,  // tp_iternext
    nullptr,  // tp_methods
    nullptr,  // tp_members
    nullptr,  // tp_getset
    nullptr,  // tp_base
    nullptr,  // tp_dict
    nullptr,  // tp_descr_get
    nullptr,  // tp_descr_set
    0,        // tp_dictoffset
    nullptr,  // tp_init
    nullptr,  // tp_alloc
    pybuffer::host::buffer_new,
    nullptr,  // tp_free
    nullptr,  // tp_is_gc
    nullptr,  // tp_bases
    nullptr,  // tp_mro
    nullptr,  // tp_cache
    nullptr,  // tp_subclasses
    nullptr,  // tp_weaklist
    nullptr,  // tp_del
    0,        // tp_version_tag
};
}

// Exported as 2.7's data symbol and its twin, with the object's size for copy relocations.
#define PYBUFFER_PUBLISH_TYPE_AS(exported)                                        \
  __asm__(".globl " exported "\n\t.type " exported ", @object\n\t.size " exported \
          ", " PYBUFFER_PY27_TYPE_OBJECT_SIZE "\n\t.set " exported                \
          ", pybuffer_host_buffer_type\n")
PYBUFFER_PUBLISH_TYPE_AS("PyBuffer_Type");
PYBUFFER_PUBLISH_TYPE_AS("pybuffer_PyBuffer_Type");

namespace pybuffer::host {
namespace {

// A copy of our type object (by a copy relocation) carries our slots and our name string.
bool is_our_type_object(const void *symbol) {
  const auto *type = static_cast<const PyTypeObject *>(symbol);
  return symbol != nullptr && (symbol == &pybuffer_host_buffer_type ||
                               (type->tp_dealloc == pybuffer_host_buffer_type.tp_dealloc &&
                                type->tp_name == pybuffer_host_buffer_type.tp_name));
}

PyTypeObject *canonical_type() {
  static PyTypeObject *found = nullptr;
  if (found == nullptr) {
    found = &pybuffer_host_buffer_type;
    // The plain name first: where it is ours, libpython2.7 and its users share it.
    static const char *const names[] = {"PyBuffer_Type", "pybuffer_PyBuffer_Type"};
    for (const char *name : names) {
      void *symbol = dlsym(RTLD_DEFAULT, name);
      if (is_our_type_object(symbol)) {
        found = static_cast<PyTypeObject *>(symbol);
        break;
      }
    }
  }
  return found;
}

PyObject *allocate(Py_ssize_t extra) {
  PyTypeObject *type = legacy_buffer_type();
  if (type == nullptr) return nullptr;
  const Interpreter *py = interpreter();
  void *memory = py->PyObject_Malloc(sizeof(BufferObject) + static_cast<size_t>(extra));
  if (memory == nullptr) {
    raise_no_memory();
    return nullptr;
  }
  PyObject *self = py->PyObject_Init(static_cast<PyObject *>(memory), type);
  as_buffer(self)->hash = -1;
  return self;
}

}  // namespace

PyTypeObject *legacy_buffer_type() {
  const Interpreter *py = required_interpreter();
  if (py == nullptr) return nullptr;
  PyTypeObject *type = canonical_type();
  if ((type->tp_flags & Py_TPFLAGS_READY) == 0 && py->PyType_Ready(type) < 0) return nullptr;
  return type;
}

bool is_legacy_buffer(PyObject *obj) {
  return obj != nullptr && obj->ob_type == canonical_type();
}

bool legacy_buffer_base(PyObject *obj, PyObject **base, core::legacy::Extent *extent) {
  if (!is_legacy_buffer(obj) || as_buffer(obj)->base == nullptr) return false;
  *base = as_buffer(obj)->base;
  *extent = extent_of(*as_buffer(obj));
  return true;
}

PyObject *new_legacy_buffer(const LegacyBufferSource &source) {
  PYBUFFER_ASSERT(source.base != nullptr || source.extent.size >= 0);
  PyObject *self = allocate(0);
  if (self == nullptr) return nullptr;
  BufferObject &b = *as_buffer(self);
  b.base = source.base;
  if (b.base != nullptr) incref(b.base);
  b.memory = source.memory;
  b.size = source.extent.size;
  b.offset = source.extent.offset;
  b.readonly = source.readonly ? 1 : 0;
  return self;
}

PyObject *new_owning_legacy_buffer(Py_ssize_t size) {
  PYBUFFER_ASSERT(size >= 0);
  // As 2.7, the bytes follow the object in one allocation; zeroed (2.7 leaves them as found).
  PyObject *self = allocate(size);
  if (self == nullptr) return nullptr;
  BufferObject &b = *as_buffer(self);
  b.base = nullptr;
  b.memory = &b + 1;
  std::memset(b.memory, 0, static_cast<size_t>(size));
  b.size = size;
  b.offset = 0;
  b.readonly = 0;
  return self;
}

bool legacy_base_supported(PyObject *base, bool readonly) {
  const PyBufferProcs *procs = profile::old_buffer_procs(base);
  const bool has_slot =
      procs != nullptr && procs->bf_getsegcount != nullptr &&
      (readonly ? procs->bf_getreadbuffer != nullptr : procs->bf_getwritebuffer != nullptr);
  if (!has_slot) set_error(Exception::type_error, "buffer object expected");
  return has_slot;
}

bool legacy_base_writable(PyObject *) {
  return true;
}

}  // namespace pybuffer::host
