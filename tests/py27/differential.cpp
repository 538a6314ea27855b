// libpybuffer-py27 against libpython2.7, call by call, in one embedded 2.7 process: every
// function of 2.7's abstract.c that the variant exports, on 2.7's real exporters (str,
// unicode, bytearray, array, buffer objects, memoryview, mmap, ctypes) and the test's own
// (exporters.hpp), on hand-built views, every request flag. Each case records what a call did
// (return value, every Py_buffer field, bytes written, exception type and message, reference
// counts) once through CPython's function (dlsym on libpython2.7) and once through pybuffer's
// twin, and the two records must be equal. Where 2.7 is unsafe, only pybuffer is called, and
// the test checks that it refuses (README, "CPython 2.7", deliberate differences).
#include <Python.h>

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <pybuffer/legacy.h>
#include <pybuffer/pybuffer.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "exporters.hpp"
#include "support.hpp"

namespace {

using py27::take_exception;

// X(member, 2.7's name, return type, 2.7's parameters): the functions compared, one table per side.
#define PY27_FUNCTIONS(X)                                                                      \
  X(GetBuffer, PyObject_GetBuffer, int, (PyObject *, Py_buffer *, int))                        \
  X(Release, PyBuffer_Release, void, (Py_buffer *))                                            \
  X(IsContiguous, PyBuffer_IsContiguous, int, (Py_buffer *, char))                             \
  X(GetPointer, PyBuffer_GetPointer, void *, (Py_buffer *, Py_ssize_t *))                      \
  X(ToContiguous, PyBuffer_ToContiguous, int, (void *, Py_buffer *, Py_ssize_t, char))         \
  X(FromContiguous, PyBuffer_FromContiguous, int, (Py_buffer *, void *, Py_ssize_t, char))     \
  X(CopyData, PyObject_CopyData, int, (PyObject *, PyObject *))                                \
  X(FillContiguousStrides, PyBuffer_FillContiguousStrides, void,                               \
    (int, Py_ssize_t *, Py_ssize_t *, int, char))                                              \
  X(FillInfo, PyBuffer_FillInfo, int, (Py_buffer *, PyObject *, void *, Py_ssize_t, int, int)) \
  X(AsCharBuffer, PyObject_AsCharBuffer, int, (PyObject *, const char **, Py_ssize_t *))       \
  X(AsReadBuffer, PyObject_AsReadBuffer, int, (PyObject *, const void **, Py_ssize_t *))       \
  X(AsWriteBuffer, PyObject_AsWriteBuffer, int, (PyObject *, void **, Py_ssize_t *))           \
  X(CheckReadBuffer, PyObject_CheckReadBuffer, int, (PyObject *))                              \
  X(AddOneF, _Py_add_one_to_index_F, void, (int, Py_ssize_t *, const Py_ssize_t *))            \
  X(AddOneC, _Py_add_one_to_index_C, void, (int, Py_ssize_t *, const Py_ssize_t *))

struct Api {
#define PY27_MEMBER(member, name, ret, params) ret(*member) params;
  PY27_FUNCTIONS(PY27_MEMBER)
#undef PY27_MEMBER
};

Api real_api;
Api our_api;

bool load_real(std::string *error) {
  void *lib = dlopen(PYBUFFER_PY27_LIBRARY, RTLD_LAZY | RTLD_NOLOAD);
  if (lib == nullptr) {
    *error = std::string("libpython2.7 not loaded: ") + PYBUFFER_PY27_LIBRARY;
    return false;
  }
  bool ok = true;
#define PY27_LOAD_REAL(member, name, ret, params)                       \
  real_api.member = reinterpret_cast<ret(*) params>(dlsym(lib, #name)); \
  if (real_api.member == nullptr) {                                     \
    *error += " missing " #name;                                        \
    ok = false;                                                         \
  }
  PY27_FUNCTIONS(PY27_LOAD_REAL)
#undef PY27_LOAD_REAL
  // The plain names must be libpython's in this program (libpython is linked first).
  Dl_info where{};
  if (dladdr(reinterpret_cast<void *>(real_api.GetBuffer), &where) == 0 ||
      std::strstr(where.dli_fname, "libpython2.7") == nullptr) {
    *error += " PyObject_GetBuffer is not libpython2.7's";
    ok = false;
  }
  return ok;
}

// Ours: the twins (declared by pybuffer.h with 3.x's const, which 2.7's calls do not mind).
void load_ours() {
#define PY27_LOAD_OURS(member, name, ret, params) \
  our_api.member = reinterpret_cast<ret(*) params>(reinterpret_cast<void *>(pybuffer_##name));
  PY27_FUNCTIONS(PY27_LOAD_OURS)
#undef PY27_LOAD_OURS
}

// ---------------------------------------------------------------------------------------------
// Records.

// An array field: NULL, or its values and where it points (inside the view, or elsewhere).
void describe_array(std::ostream &out, const char *name, const Py_ssize_t *values, int count,
                    const Py_buffer &view) {
  out << ' ' << name << '=';
  if (values == nullptr) {
    out << "NULL";
    return;
  }
  const char *at = reinterpret_cast<const char *>(values);
  const char *begin = reinterpret_cast<const char *>(&view);
  if (at >= begin && at < begin + sizeof view) out << "@view+" << (at - begin);
  out << '[';
  for (int i = 0; i < count && i < 64; ++i) out << (i ? "," : "") << values[i];
  out << ']';
}

std::string describe_view(const Py_buffer &view) {
  std::ostringstream out;
  out << "buf=" << view.buf << " obj=" << static_cast<const void *>(view.obj) << " len=" << view.len
      << " itemsize=" << view.itemsize << " readonly=" << view.readonly << " ndim=" << view.ndim
      << " format=" << (view.format ? view.format : "NULL");
  const int n = view.ndim > 0 && view.ndim <= 64 ? view.ndim : 0;
  describe_array(out, "shape", view.shape, n, view);
  describe_array(out, "strides", view.strides, n, view);
  describe_array(out, "suboffsets", view.suboffsets, n, view);
  out << " internal=" << view.internal;
  return out.str();
}

Py_buffer blank_view() {
  Py_buffer view;
  std::memset(&view, 0xA5, sizeof view);
  return view;
}

int cases = 0;

// PY27_DIFFERENTIAL_DUMP=1 prints every record compared, to read what the suite sees.
const bool dump = std::getenv("PY27_DIFFERENTIAL_DUMP") != nullptr;

void expect_same(const std::string &real, const std::string &ours, const std::string &what) {
  ++cases;
  if (dump) std::printf("%s\n  %s\n", what.c_str(), real.c_str());
  EXPECT_EQ(real, ours) << what;
}

// ---------------------------------------------------------------------------------------------
// Exporters.

struct Named {
  std::string name;
  PyObject *object;  // a reference held for the process
};

std::vector<Named> exporters;

void add(const char *name, PyObject *object) {
  ASSERT_NE(object, nullptr) << name << ": " << take_exception();
  exporters.push_back({name, object});
}

// 2.7's built-in exporters, and objects without any buffer slot.
void make_exporters() {
  PyObject *globals = PyDict_New();
  PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
  const char *code =
      "import array, mmap, ctypes\n"
      "m = mmap.mmap(-1, 16)\n"
      "m.write('mmap data 123456')\n"
      "ba = bytearray('bytearray')\n"
      "objects = [\n"
      " ('str', 'hello world'), ('empty str', ''), ('unicode', u'h\\xe9llo'),\n"
      " ('bytearray', ba), ('empty bytearray', bytearray()),\n"
      " ('array i', array.array('i', [1, 2, 3])), ('array d', array.array('d', [1.5])),\n"
      " ('array c', array.array('c', 'chars')),\n"
      " ('buffer(str)', buffer('hello world')), ('buffer(str, 2)', buffer('hello world', 2)),\n"
      " ('buffer(str, 2, 3)', buffer('hello world', 2, 3)),\n"
      " ('buffer(str, 20)', buffer('hello', 20)),\n"
      " ('buffer(bytearray)', buffer(ba)), ('buffer(array)', buffer(array.array('h', [7, 8]))),\n"
      " ('buffer(unicode)', buffer(u'abc')), ('buffer(buffer)', buffer(buffer('abcdef', 1), 2)),\n"
      " ('memoryview(str)', memoryview('abc')), ('memoryview(bytearray)', memoryview(ba)),\n"
      " ('mmap', m), ('ctypes int[4]', (ctypes.c_int * 4)(1, 2, 3, 4)),\n"
      " ('ctypes char[6]', ctypes.create_string_buffer('ctype', 6)),\n"
      " ('ctypes double[2][3]', ((ctypes.c_double * 3) * 2)()),\n"
      " ('int', 42), ('None', None), ('list', [1, 2]),\n"
      "]\n";
  PyObject *result = PyRun_String(code, Py_file_input, globals, globals);
  ASSERT_NE(result, nullptr) << take_exception();
  Py_DECREF(result);
  PyObject *objects = PyDict_GetItemString(globals, "objects");
  for (Py_ssize_t i = 0; i < PyList_Size(objects); ++i) {
    PyObject *pair = PyList_GetItem(objects, i);
    PyObject *object = PyTuple_GetItem(pair, 1);
    Py_INCREF(object);
    add(PyString_AsString(PyTuple_GetItem(pair, 0)), object);
  }
  Py_DECREF(globals);
  add("old slots only", py27::new_old_slots_only());
  add("new slots only", py27::new_new_slots_only());
  add("two segments", py27::new_two_segments());
}

const int request_flags[] = {
    PyBUF_SIMPLE,     PyBUF_WRITABLE,     PyBUF_FORMAT,       PyBUF_ND,
    PyBUF_STRIDES,    PyBUF_C_CONTIGUOUS, PyBUF_F_CONTIGUOUS, PyBUF_ANY_CONTIGUOUS,
    PyBUF_INDIRECT,   PyBUF_CONTIG,       PyBUF_CONTIG_RO,    PyBUF_STRIDED,
    PyBUF_STRIDED_RO, PyBUF_RECORDS,      PyBUF_RECORDS_RO,   PyBUF_FULL,
    PyBUF_FULL_RO,    PyBUF_READ,         PyBUF_WRITE,        PyBUF_WRITABLE | PyBUF_FORMAT};

// ---------------------------------------------------------------------------------------------
// GetBuffer and Release.

std::string get_and_release(const Api &api, PyObject *obj, int flags) {
  std::ostringstream out;
  const Py_ssize_t before = Py_REFCNT(obj);
  const int released_before = py27::new_slots_releases();
  Py_buffer view = blank_view();
  const int result = api.GetBuffer(obj, &view, flags);
  out << "ret=" << result << ' ' << take_exception();
  if (result == 0) {
    out << ' ' << describe_view(view) << " refs+" << (Py_REFCNT(obj) - before);
    api.Release(&view);
    out << " released: obj=" << static_cast<const void *>(view.obj) << " refs+"
        << (Py_REFCNT(obj) - before) << " releases+"
        << (py27::new_slots_releases() - released_before) << ' ' << take_exception();
  }
  return out.str();
}

TEST(Py27, GetBufferAndRelease) {
  for (const Named &e : exporters) {
    for (int flags : request_flags) {
      expect_same(get_and_release(real_api, e.object, flags),
                  get_and_release(our_api, e.object, flags),
                  e.name + " flags " + std::to_string(flags));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The old protocol: As*Buffer, CheckReadBuffer.

std::string old_protocol(const Api &api, PyObject *obj) {
  std::ostringstream out;
  const Py_ssize_t before = obj != nullptr ? Py_REFCNT(obj) : 0;
  const char *chars = nullptr;
  const void *read = nullptr;
  void *write = nullptr;
  Py_ssize_t len = -7;
  out << "char ret=" << api.AsCharBuffer(obj, &chars, &len)
      << " p=" << static_cast<const void *>(chars) << " len=" << len << ' ' << take_exception();
  len = -7;
  out << "; read ret=" << api.AsReadBuffer(obj, &read, &len) << " p=" << read << " len=" << len
      << ' ' << take_exception();
  len = -7;
  out << "; write ret=" << api.AsWriteBuffer(obj, &write, &len) << " p=" << write << " len=" << len
      << ' ' << take_exception();
  if (obj != nullptr) {
    out << "; check=" << api.CheckReadBuffer(obj) << ' ' << take_exception();
    out << "; refs+" << (Py_REFCNT(obj) - before);
  }
  return out.str();
}

std::string null_arguments(const Api &api, PyObject *obj) {
  std::ostringstream out;
  const char *chars = nullptr;
  const void *read = nullptr;
  void *write = nullptr;
  Py_ssize_t len = 0;
  out << api.AsCharBuffer(obj, nullptr, &len) << take_exception() << ' '
      << api.AsCharBuffer(obj, &chars, nullptr) << take_exception() << ' '
      << api.AsReadBuffer(obj, nullptr, &len) << take_exception() << ' '
      << api.AsReadBuffer(obj, &read, nullptr) << take_exception() << ' '
      << api.AsWriteBuffer(obj, nullptr, &len) << take_exception() << ' '
      << api.AsWriteBuffer(obj, &write, nullptr) << take_exception();
  return out.str();
}

TEST(Py27, OldProtocol) {
  for (const Named &e : exporters) {
    expect_same(old_protocol(real_api, e.object), old_protocol(our_api, e.object), e.name);
    expect_same(null_arguments(real_api, e.object), null_arguments(our_api, e.object),
                e.name + " NULL arguments");
  }
  expect_same(null_arguments(real_api, nullptr), null_arguments(our_api, nullptr), "NULL obj");
  // With an exception already set, null_error keeps it.
  PyErr_SetString(PyExc_KeyError, "pending");
  const std::string real = null_arguments(real_api, nullptr);
  PyErr_SetString(PyExc_KeyError, "pending");
  expect_same(real, null_arguments(our_api, nullptr), "NULL obj, exception pending");
  // Deliberate difference: 2.7 dereferences a NULL object here.
  EXPECT_EQ(our_api.CheckReadBuffer(nullptr), 0);
}

// ---------------------------------------------------------------------------------------------
// FillInfo.

std::string fill_info(const Api &api, bool null_view, PyObject *obj, Py_ssize_t len, int readonly,
                      int flags) {
  static char memory[16];
  const Py_ssize_t before = obj != nullptr ? Py_REFCNT(obj) : 0;
  Py_buffer view = blank_view();
  const int result = api.FillInfo(null_view ? nullptr : &view, obj, memory, len, readonly, flags);
  std::ostringstream out;
  out << "ret=" << result << ' ' << take_exception();
  if (result == 0 && !null_view) out << ' ' << describe_view(view);
  if (obj != nullptr) out << " refs+" << (Py_REFCNT(obj) - before);
  if (result == 0 && !null_view && view.obj != nullptr) Py_DECREF(view.obj);
  return out.str();
}

TEST(Py27, FillInfo) {
  PyObject *owner = exporters.front().object;
  for (PyObject *obj : {static_cast<PyObject *>(nullptr), owner}) {
    for (int readonly : {0, 1, 2}) {
      for (int flags : request_flags) {
        for (bool null_view : {false, true}) {
          for (Py_ssize_t len : {0, 5, 16}) {
            expect_same(fill_info(real_api, null_view, obj, len, readonly, flags),
                        fill_info(our_api, null_view, obj, len, readonly, flags),
                        "readonly " + std::to_string(readonly) + " flags " + std::to_string(flags) +
                            (null_view ? " NULL view" : ""));
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Hand-built views: contiguity, pointers, copies.

struct HandView {
  const char *name;
  int ndim;
  Py_ssize_t itemsize;
  std::vector<Py_ssize_t> shape;
  std::vector<Py_ssize_t> strides;  // empty: NULL
  Py_ssize_t offset;                // of buf into the memory
  bool suboffsets;                  // all -1
};

const HandView hand_views[] = {
    {"0-d", 0, 4, {}, {}, 0, false},
    {"1-d packed", 1, 2, {6}, {2}, 0, false},
    {"1-d no strides", 1, 2, {6}, {}, 0, false},
    {"1-d extent 1 odd stride", 1, 4, {1}, {12}, 0, false},
    {"1-d strided", 1, 1, {5}, {3}, 0, false},
    {"1-d reversed", 1, 2, {4}, {-2}, 6, false},
    {"2-d C", 2, 2, {3, 4}, {8, 2}, 0, false},
    {"2-d F", 2, 2, {3, 4}, {2, 6}, 0, false},
    {"2-d no strides", 2, 1, {3, 4}, {}, 0, false},
    {"2-d no strides 1x4", 2, 1, {1, 4}, {}, 0, false},
    {"2-d extent 1 odd stride", 2, 2, {1, 4}, {40, 2}, 0, false},
    {"2-d extent 1 odd stride F", 2, 2, {4, 1}, {2, 40}, 0, false},
    {"2-d non-contiguous", 2, 1, {3, 2}, {6, 2}, 0, false},
    {"2-d zero extent", 2, 4, {0, 3}, {12, 4}, 0, false},
    {"2-d zero extent odd", 2, 4, {3, 0}, {100, 7}, 0, false},
    {"3-d C", 3, 1, {2, 2, 3}, {6, 3, 1}, 0, false},
    {"3-d mixed", 3, 1, {2, 3, 2}, {1, 4, 2}, 0, false},
    {"2-d suboffsets", 2, 1, {2, 2}, {2, 1}, 0, true},
};

char memory_block[256];

Py_buffer make_view(const HandView &h, std::vector<Py_ssize_t> &shape,
                    std::vector<Py_ssize_t> &strides, std::vector<Py_ssize_t> &suboffsets) {
  Py_buffer view;
  std::memset(&view, 0, sizeof view);
  shape = h.shape;
  strides = h.strides;
  suboffsets.assign(h.ndim, -1);
  view.buf = memory_block + h.offset;
  view.itemsize = h.itemsize;
  view.ndim = h.ndim;
  Py_ssize_t items = 1;
  for (Py_ssize_t extent : h.shape) items *= extent;
  view.len = items * h.itemsize;
  view.readonly = 0;
  view.shape = h.ndim > 0 ? shape.data() : nullptr;
  view.strides = strides.empty() ? nullptr : strides.data();
  view.suboffsets = h.suboffsets ? suboffsets.data() : nullptr;
  return view;
}

const char orders[] = {'C', 'F', 'A', 'X'};

TEST(Py27, IsContiguous) {
  for (const HandView &h : hand_views) {
    std::vector<Py_ssize_t> shape, strides, suboffsets;
    Py_buffer view = make_view(h, shape, strides, suboffsets);
    for (char order : orders) {
      const int real = real_api.IsContiguous(&view, order);
      const int ours = our_api.IsContiguous(&view, order);
      expect_same(std::to_string(real), std::to_string(ours),
                  std::string(h.name) + " order " + order);
    }
  }
}

TEST(Py27, GetPointer) {
  for (const HandView &h : hand_views) {
    if (h.suboffsets || h.strides.empty()) continue;  // 2.7 reads NULL strides: unsafe
    std::vector<Py_ssize_t> shape, strides, suboffsets;
    Py_buffer view = make_view(h, shape, strides, suboffsets);
    std::vector<Py_ssize_t> index(h.ndim, 0);
    bool empty = false;
    for (Py_ssize_t extent : h.shape) empty = empty || extent == 0;
    if (empty) continue;
    for (;;) {  // every index in range, C order
      void *real = real_api.GetPointer(&view, index.data());
      void *ours = our_api.GetPointer(&view, index.data());
      expect_same(std::to_string(reinterpret_cast<std::uintptr_t>(real)) + take_exception(),
                  std::to_string(reinterpret_cast<std::uintptr_t>(ours)) + take_exception(),
                  h.name);
      int k = h.ndim - 1;
      while (k >= 0 && ++index[k] == h.shape[k]) index[k--] = 0;
      if (k < 0) break;
    }
    if (h.ndim > 0) {  // deliberate difference: 2.7 does not check indices
      index.assign(h.ndim, 0);
      index[0] = h.shape[0];
      EXPECT_EQ(our_api.GetPointer(&view, index.data()), nullptr) << h.name;
      EXPECT_NE(take_exception().find("IndexError"), std::string::npos) << h.name;
    }
  }
}

TEST(Py27, FillContiguousStrides) {
  const std::vector<std::vector<Py_ssize_t>> shapes = {{}, {5}, {2, 3}, {4, 1, 3}, {0, 2}};
  for (const auto &shape : shapes) {
    for (int itemsize : {1, 8}) {
      for (char order : orders) {
        std::vector<Py_ssize_t> real(shape.size() + 1, -9), ours(shape.size() + 1, -9);
        auto s = shape;
        real_api.FillContiguousStrides(static_cast<int>(s.size()), s.data(), real.data(), itemsize,
                                       order);
        ours.assign(real.size(), -9);
        our_api.FillContiguousStrides(static_cast<int>(s.size()), s.data(), ours.data(), itemsize,
                                      order);
        ++cases;
        EXPECT_EQ(real, ours) << order;
        EXPECT_EQ(take_exception(), "");
      }
    }
  }
}

// Fills the memory with a pattern, runs the copy, returns what it wrote and said.
template <typename Copy>
std::string copy_record(Copy copy) {
  char packed[300];
  for (int i = 0; i < 256; ++i) memory_block[i] = static_cast<char>(i);
  for (int i = 0; i < 300; ++i) packed[i] = static_cast<char>(200 - i);
  const int result = copy(packed);
  std::ostringstream out;
  out << "ret=" << result << ' ' << take_exception() << " memory=";
  for (int i = 0; i < 64; ++i) out << static_cast<int>(memory_block[i]) << ',';
  out << " packed=";
  for (int i = 0; i < 64; ++i) out << static_cast<int>(packed[i]) << ',';
  return out.str();
}

TEST(Py27, ToAndFromContiguous) {
  for (const HandView &h : hand_views) {
    if (h.suboffsets) continue;  // 2.7 would dereference the pattern as pointers
    std::vector<Py_ssize_t> shape, strides, suboffsets;
    Py_buffer view = make_view(h, shape, strides, suboffsets);
    if (view.strides == nullptr && !real_api.IsContiguous(&view, 'C')) continue;
    const Py_ssize_t lens[] = {0, view.len, view.len / 2, view.len + 5, view.len - 1};
    for (Py_ssize_t len : lens) {
      if (len < 0) continue;  // 2.7 memcpys a negative length
      for (char order : orders) {
        // 2.7 walks a view without strides through GetPointer (NULL strides): unsafe
        // unless it is contiguous in the order asked, where it copies with memcpy.
        if (view.strides == nullptr && !real_api.IsContiguous(&view, order)) continue;
        const std::string what =
            std::string(h.name) + " len " + std::to_string(len) + " order " + order;
        expect_same(copy_record([&](char *packed) {
                      return real_api.ToContiguous(packed, &view, len, order);
                    }),
                    copy_record([&](char *packed) {
                      return our_api.ToContiguous(packed, &view, len, order);
                    }),
                    "ToContiguous " + what);
        expect_same(copy_record([&](char *packed) {
                      return real_api.FromContiguous(&view, packed, len, order);
                    }),
                    copy_record([&](char *packed) {
                      return our_api.FromContiguous(&view, packed, len, order);
                    }),
                    "FromContiguous " + what);
      }
    }
  }
  // Deliberate difference: a negative length is refused (2.7 passes it to memcpy).
  std::vector<Py_ssize_t> shape, strides, suboffsets;
  Py_buffer view = make_view(hand_views[1], shape, strides, suboffsets);
  char packed[16];
  EXPECT_EQ(our_api.ToContiguous(packed, &view, -1, 'C'), -1);
  EXPECT_NE(take_exception(), "");
  EXPECT_EQ(our_api.FromContiguous(&view, packed, -1, 'C'), -1);
  EXPECT_NE(take_exception(), "");
}

// ---------------------------------------------------------------------------------------------
// CopyData, on real exporters.

std::string copy_data(const Api &api, const char *dest_code, const char *src_code) {
  PyObject *globals = PyDict_New();
  PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
  PyObject *dest = PyRun_String(dest_code, Py_eval_input, globals, globals);
  PyObject *src = PyRun_String(src_code, Py_eval_input, globals, globals);
  std::ostringstream out;
  if (dest == nullptr || src == nullptr) {
    out << "setup failed " << take_exception();
  } else {
    const Py_ssize_t dest_refs = Py_REFCNT(dest);
    const Py_ssize_t src_refs = Py_REFCNT(src);
    out << "ret=" << api.CopyData(dest, src) << ' ' << take_exception();
    out << " refs+" << (Py_REFCNT(dest) - dest_refs) << ",+" << (Py_REFCNT(src) - src_refs);
    // The destination's bytes, whatever its type (a repr could hold an address).
    PyObject *bytes = PyByteArray_FromObject(dest);
    PyObject *text = bytes != nullptr ? PyObject_Repr(bytes) : nullptr;
    out << " dest=" << (text != nullptr ? PyString_AsString(text) : "?") << take_exception();
    Py_XDECREF(text);
    Py_XDECREF(bytes);
  }
  Py_XDECREF(dest);
  Py_XDECREF(src);
  Py_DECREF(globals);
  return out.str();
}

TEST(Py27, CopyData) {
  const char *pairs[][2] = {
      {"bytearray('0123456789')", "bytearray('abcdefghij')"},
      {"bytearray('0123456789')", "'abc'"},
      {"bytearray('012')", "'abcdef'"},
      {"'immutable'", "'abc'"},
      {"bytearray('0123')", "42"},
      {"42", "'abc'"},
      {"[1]", "[2]"},
      {"bytearray('01234567')", "__import__('array').array('i', [65, 66])"},
      {"__import__('array').array('h', [1, 2, 3])", "bytearray('abcdef')"},
      {"memoryview(bytearray('01234'))", "memoryview('ab')"},
      {"buffer('abc')", "'x'"},
  };
  for (const auto &pair : pairs) {
    expect_same(copy_data(real_api, pair[0], pair[1]), copy_data(our_api, pair[0], pair[1]),
                std::string(pair[0]) + " <- " + pair[1]);
  }
}

// ---------------------------------------------------------------------------------------------
// The index helpers: the sequence of multi-indexes each walks, from in-range and odd starts.

std::string index_walk(void (*step)(int, Py_ssize_t *, const Py_ssize_t *),
                       const std::vector<Py_ssize_t> &shape, std::vector<Py_ssize_t> index) {
  std::ostringstream out;
  for (int n = 0; n < 40; ++n) {
    step(static_cast<int>(shape.size()), index.data(), shape.data());
    out << '(';
    for (Py_ssize_t i : index) out << i << ',';
    out << ')';
  }
  return out.str();
}

TEST(Py27, AddOneToIndex) {
  const std::vector<Py_ssize_t> shapes[] = {{},         {3},          {2, 3}, {1, 0, 2},
                                            {2, -1, 3}, {4, 1, 1, 2}, {1},    {PY_SSIZE_T_MIN, 2}};
  for (const auto &shape : shapes) {
    const size_t n = shape.size();
    const std::vector<Py_ssize_t> starts[] = {
        std::vector<Py_ssize_t>(n, 0), std::vector<Py_ssize_t>(n, -3),
        std::vector<Py_ssize_t>(n, 7), std::vector<Py_ssize_t>(n, PY_SSIZE_T_MAX - 1)};
    for (const auto &start : starts) {
      std::string what = "shape";
      for (Py_ssize_t e : shape) what += ' ' + std::to_string(e);
      what += " from " + std::to_string(start.empty() ? 0 : start[0]);
      expect_same(index_walk(real_api.AddOneF, shape, start),
                  index_walk(our_api.AddOneF, shape, start), what + " F");
      expect_same(index_walk(real_api.AddOneC, shape, start),
                  index_walk(our_api.AddOneC, shape, start), what + " C");
    }
  }
}

// The deliberate differences (README, "CPython 2.7"): where 2.7 is unsafe only pybuffer is
// called; where it is safe but reads what a flag says is absent, both are, and differ.
TEST(Py27, DeliberateDifferences) {
  Py_buffer view = blank_view();
  EXPECT_EQ(our_api.GetBuffer(nullptr, &view, PyBUF_SIMPLE), -1);
  EXPECT_NE(take_exception().find("SystemError"), std::string::npos);
  PyObject *str = exporters.front().object;
  EXPECT_EQ(our_api.GetBuffer(str, nullptr, PyBUF_SIMPLE), -1);
  EXPECT_EQ(take_exception(),
            "exceptions.BufferError: PyObject_GetBuffer: view==NULL argument is obsolete");
  char memory[4];
  EXPECT_EQ(our_api.FillInfo(&view, nullptr, memory, -1, 0, PyBUF_SIMPLE), -1);
  EXPECT_NE(take_exception().find("ValueError"), std::string::npos);

  std::vector<Py_ssize_t> shape, strides, suboffsets;
  Py_buffer hand = make_view(hand_views[6], shape, strides, suboffsets);  // 2-d C
  hand.shape = nullptr;
  for (char order : orders) EXPECT_EQ(our_api.IsContiguous(&hand, order), 0) << order;
  hand.ndim = 65;
  EXPECT_EQ(our_api.IsContiguous(&hand, 'C'), 0);
  Py_buffer no_strides = make_view(hand_views[8], shape, strides, suboffsets);  // 2-d, NULL
  Py_ssize_t index[2] = {1, 1};
  EXPECT_EQ(our_api.GetPointer(&no_strides, index), nullptr);
  EXPECT_NE(take_exception(), "");

  // bf_releasebuffer without Py_TPFLAGS_HAVE_NEWBUFFER: 2.7 calls it, pybuffer does not.
  PyObject *release = py27::new_release_without_flag();
  ASSERT_NE(release, nullptr) << take_exception();
  for (const Api *api : {&real_api, &our_api}) {
    const int before = py27::new_slots_releases();
    ASSERT_EQ(api->FillInfo(&view, release, memory, 4, 0, PyBUF_SIMPLE), 0);
    api->Release(&view);
    EXPECT_EQ(py27::new_slots_releases() - before, api == &real_api ? 1 : 0);
  }
  Py_DECREF(release);

  // bf_getcharbuffer without Py_TPFLAGS_HAVE_GETCHARBUFFER: 2.7 reads it, pybuffer does not.
  PyObject *chars = py27::new_charbuffer_without_flag();
  ASSERT_NE(chars, nullptr) << take_exception();
  const char *pointer = nullptr;
  Py_ssize_t len = 0;
  EXPECT_EQ(real_api.AsCharBuffer(chars, &pointer, &len), 0) << take_exception();
  EXPECT_EQ(our_api.AsCharBuffer(chars, &pointer, &len), -1);
  EXPECT_EQ(take_exception(),
            "exceptions.TypeError: expected a string or other character buffer object");
  Py_DECREF(chars);
}

TEST(Py27, CaseCount) {
  py27::report_cases("py27.differential", cases);
}

}  // namespace

int main(int argc, char **argv) {
  return py27::run_suite(argc, argv, "py27.differential", [](std::string *why) {
    if (!load_real(why)) return false;
    load_ours();
    make_exporters();
    if (exporters.empty()) *why = "no exporter could be made";
    return !exporters.empty();
  });
}
