#include "host/interpreter.hpp"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/assert.hpp"
#include "host/profile.hpp"
#include "host/refcount.hpp"

namespace pybuffer::host {
namespace detail {
std::atomic<const Interpreter *> resolved{nullptr};
}  // namespace detail

namespace {

const char *const exception_names[] = {
#define PYBUFFER_EXCEPTION_NAME(enumerator, name) #name,
    PYBUFFER_INTERPRETER_EXCEPTIONS(PYBUFFER_EXCEPTION_NAME)
#undef PYBUFFER_EXCEPTION_NAME
};

static_assert(sizeof(Interpreter::exceptions) / sizeof(PyObject **) ==
                  sizeof exception_names / sizeof exception_names[0],
              "one name per exception");

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

// A CPython name ("Py_DecRef", "_Py_NegativeRefcount") spelled as the running family
// exports it ("PyPy_DecRef"): the "Py" after any leading underscores becomes the prefix.
// Returns false if it does not fit.
bool runtime_name(const char *name, char *out, std::size_t size) {
  const std::size_t underscores = std::strspn(name, "_");
  PYBUFFER_ASSERT(std::strncmp(name + underscores, "Py", 2) == 0);
  const int written = std::snprintf(out, size, "%.*s%s%s", static_cast<int>(underscores), name,
                                    profile::symbol_prefix, name + underscores + 2);
  return written > 0 && static_cast<std::size_t>(written) < size;
}

void *lookup(void *handle, const char *name) {
  char spelled[128];
  return runtime_name(name, spelled, sizeof spelled) ? dlsym(handle, spelled) : nullptr;
}

// Where the interpreter lives: the global scope (an executable or a libpython loaded with
// it, the usual case), else the first loaded object that defines Py_GetVersion (a host that
// loaded libpython with RTLD_LOCAL).
struct Search {
  void *handle = nullptr;
  bool found = false;  // RTLD_DEFAULT is a null pointer: found says whether there is one
};

// The loaded objects' paths, collected first: dlopen is not called while dl_iterate_phdr
// holds the loader's lock. The strings belong to the loader and live while the object does.
struct LoadedObjects {
  static constexpr int capacity = 1024;
  const char *paths[capacity];
  int count;
};

int collect_path(dl_phdr_info *info, std::size_t, void *data) {
  auto *objects = static_cast<LoadedObjects *>(data);
  if (info->dlpi_name != nullptr && info->dlpi_name[0] != '\0') {
    objects->paths[objects->count++] = info->dlpi_name;
  }
  return objects->count == LoadedObjects::capacity;  // nonzero stops the walk
}

Search interpreter_handle() {
  Search search;
  if (lookup(RTLD_DEFAULT, "Py_GetVersion") != nullptr) {
    search.handle = RTLD_DEFAULT;
    search.found = true;
    return search;
  }
  LoadedObjects objects;  // 8 KiB of stack, once per process
  objects.count = 0;
  dl_iterate_phdr(collect_path, &objects);
  for (int i = 0; i < objects.count && !search.found; ++i) {
    void *handle = dlopen(objects.paths[i], RTLD_LAZY | RTLD_NOLOAD);
    if (handle == nullptr) continue;
    if (lookup(handle, "Py_GetVersion") != nullptr) {
      search.handle = handle;  // the reference dlopen took keeps it loaded: never closed
      search.found = true;
    } else {
      dlclose(handle);
    }
  }
  return search;
}

Interpreter table;
pthread_once_t table_once = PTHREAD_ONCE_INIT;

const char *missing_symbol = nullptr;  // set once, by fill_table, when there is no interpreter

// Fills `table` and publishes it, or records what is missing.
void fill_table() {
  const Search search = interpreter_handle();
  void *handle = search.handle;
  const char *missing = "Py_GetVersion";
  if (search.found) {
    missing = nullptr;
#define PYBUFFER_RESOLVE_FUNCTION(ret, name, params)                     \
  if (missing == nullptr) {                                              \
    table.name = reinterpret_cast<ret(*) params>(lookup(handle, #name)); \
    if (table.name == nullptr) missing = #name;                          \
  }
    PYBUFFER_INTERPRETER_FUNCTIONS(PYBUFFER_RESOLVE_FUNCTION)
#undef PYBUFFER_RESOLVE_FUNCTION
    for (int i = 0; i < static_cast<int>(Exception::count) && missing == nullptr; ++i) {
      table.exceptions[i] = static_cast<PyObject **>(lookup(handle, exception_names[i]));
      if (table.exceptions[i] == nullptr) missing = exception_names[i];
    }
  }
  if (missing != nullptr) {
    missing_symbol = missing;
    return;
  }
  table.handle = handle;
  table.version_hex = parse_version(table.Py_GetVersion());
  // Py_REF_DEBUG builds, and only they, define this.
  table.debug_build = lookup(handle, "_Py_NegativeRefcount") != nullptr;
  choose_refcount_rule(table.version_hex, table.debug_build);
  detail::resolved.store(&table, std::memory_order_release);
}

pthread_once_t report_once = PTHREAD_ONCE_INIT;

void report_missing() {
  std::fprintf(stderr,
               "pybuffer: no Python interpreter in this process (%s is not defined); calls "
               "that must raise a Python exception return their error value\n",
               missing_symbol != nullptr ? missing_symbol : "Py_GetVersion");
}

}  // namespace

namespace detail {
const Interpreter *resolve() {
  pthread_once(&table_once, fill_table);
  return resolved.load(std::memory_order_acquire);
}
}  // namespace detail

const Interpreter *required_interpreter() {
  const Interpreter *py = interpreter();
  if (py == nullptr) pthread_once(&report_once, report_missing);
  return py;
}

void *host_definition(const char *name) {
  const Interpreter *py = interpreter();
  if (py == nullptr) return nullptr;
  Dl_info self{};
  if (dladdr(reinterpret_cast<void *>(&host_definition), &self) == 0) return nullptr;
  const auto is_ours = [&self](void *symbol) {
    Dl_info where{};
    return symbol != nullptr && dladdr(symbol, &where) != 0 && where.dli_fbase == self.dli_fbase;
  };
  void *symbol = lookup(py->handle, name);
  if (is_ours(symbol)) symbol = lookup(RTLD_NEXT, name);
  return is_ours(symbol) ? nullptr : symbol;
}

}  // namespace pybuffer::host
