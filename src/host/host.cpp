#include "host/host.hpp"

#include <dlfcn.h>

#include <atomic>
#include <cctype>
#include <cstdlib>

namespace pybuffer::host {
namespace {

// "3.13.0rc1+ (main, ...)" -> 0x030D00C1.
unsigned long parse_version(const char *text) {
  unsigned long parts[3] = {0, 0, 0};
  const char *p = text;
  for (int i = 0; i < 3 && std::isdigit(static_cast<unsigned char>(*p)); ++i) {
    char *end = nullptr;
    parts[i] = std::strtoul(p, &end, 10);
    p = end;
    if (*p == '.') ++p;
  }
  unsigned long level = 0xF;
  unsigned long serial = 0;
  if (*p == 'a' || *p == 'b' || (p[0] == 'r' && p[1] == 'c')) {
    level = *p == 'a' ? 0xA : *p == 'b' ? 0xB : 0xC;
    p += *p == 'r' ? 2 : 1;
    serial = std::strtoul(p, nullptr, 10);
  }
  return parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | level << 4 | (serial & 0xF);
}

// The host's own definition of `name`, even when this library interposes it: the first
// definition in global lookup order unless that is ours, else the next one after us.
void *host_symbol(const char *name) {
  Dl_info self{};
  if (dladdr(reinterpret_cast<void *>(&host_symbol), &self) == 0) return nullptr;
  const auto is_ours = [&self](void *symbol) {
    Dl_info where{};
    return symbol != nullptr && dladdr(symbol, &where) != 0 && where.dli_fbase == self.dli_fbase;
  };
  void *symbol = dlsym(RTLD_DEFAULT, name);
  if (is_ours(symbol)) symbol = dlsym(RTLD_NEXT, name);
  return is_ours(symbol) ? nullptr : symbol;
}

template <typename Function>
Function cached_host_function(std::atomic<void *> &cache, const char *name) {
  void *symbol = cache.load(std::memory_order_acquire);
  if (symbol == nullptr) {
    symbol = host_symbol(name);
    cache.store(symbol, std::memory_order_release);
  }
  return reinterpret_cast<Function>(symbol);
}

PyBufferProcs *procs_of(PyObject *obj) {
  return Py_TYPE(obj)->tp_as_buffer;
}

// The type's bf_getbuffer, or NULL when it exports no buffer: read once per call.
getbufferproc getbuffer_slot(PyObject *obj) {
  const PyBufferProcs *procs = procs_of(obj);
  return procs != nullptr ? procs->bf_getbuffer : nullptr;
}

}  // namespace

unsigned long version_hex() {
  static std::atomic<unsigned long> cached{0};
  unsigned long version = cached.load(std::memory_order_relaxed);
  if (version == 0) {
    version = parse_version(Py_GetVersion());
    cached.store(version, std::memory_order_relaxed);
  }
  return version;
}

bool rejects_read_write_flags() {
  return version_hex() >= 0x030D0000UL;
}

bool has_buffer_slot(PyObject *obj) {
  return getbuffer_slot(obj) != nullptr;
}

int get_buffer(PyObject *obj, Py_buffer *view, int flags) {
  const getbufferproc getbuffer = getbuffer_slot(obj);
  if (getbuffer == nullptr) {
    PyErr_Format(PyExc_TypeError, "a bytes-like object is required, not '%.100s'",
                 Py_TYPE(obj)->tp_name);
    return -1;
  }
  return getbuffer(obj, view, flags);
}

void release(Py_buffer *view) {
  PyObject *obj = view->obj;
  if (obj == nullptr) return;
  const PyBufferProcs *procs = procs_of(obj);
  if (procs != nullptr && procs->bf_releasebuffer != nullptr) procs->bf_releasebuffer(obj, view);
  view->obj = nullptr;
  Py_DecRef(obj);
}

void raise_host_flags_error_for_get_buffer(PyObject *obj, Py_buffer *view, int flags) {
  using Function = int (*)(PyObject *, Py_buffer *, int);
  static std::atomic<void *> cache{nullptr};
  const auto host = cached_host_function<Function>(cache, "PyObject_GetBuffer");
  const int result = host == nullptr ? -1 : host(obj, view, flags);
  if (result == 0) release(view);  // a host that did not reject after all: undo its export
  if (host == nullptr || result == 0 || !PyErr_Occurred()) (PyErr_BadInternalCall)();
}

void raise_host_flags_error_for_fill_info(Py_buffer *view, PyObject *obj, void *buf, Py_ssize_t len,
                                          int readonly, int flags) {
  using Function = int (*)(Py_buffer *, PyObject *, void *, Py_ssize_t, int, int);
  static std::atomic<void *> cache{nullptr};
  const auto host = cached_host_function<Function>(cache, "PyBuffer_FillInfo");
  const int result = host == nullptr ? -1 : host(view, obj, buf, len, readonly, flags);
  if (result == 0 && view->obj != nullptr) {  // a host that did not reject after all
    Py_DecRef(view->obj);
    view->obj = nullptr;
  }
  if (host == nullptr || result == 0 || !PyErr_Occurred()) (PyErr_BadInternalCall)();
}

void raise_null_error() {
  if (!PyErr_Occurred()) {
    PyErr_SetString(PyExc_SystemError, "null argument to internal routine");
  }
}

}  // namespace pybuffer::host
