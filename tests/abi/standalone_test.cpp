// abi.standalone: a C++ translation unit and a C99 one (standalone_symbols.c) that include
// only <pybuffer/pybuffer.h> and <pybuffer/legacy.h>. Together they check that the headers alone
// declare exactly the exported functions of abi/exported_symbols.txt, that each links, and that in
// a program linking libpybuffer ahead of libpython every plain CPython name is pybuffer's.
#include <pybuffer/legacy.h>
#include <pybuffer/pybuffer.h>

#include <dlfcn.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "layout_facts.h"
#include "standalone_symbols.h"

#if defined(Py_PYTHON_H)
#error "this file must not see Python.h"
#endif

namespace {

const pybuffer_abi_symbol kCxxSymbols[] = PYBUFFER_ABI_SYMBOL_TABLE;

std::vector<std::string> exported_symbols() {
  std::ifstream in(PYBUFFER_ABI_EXPORTED_SYMBOLS);
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) names.push_back(line);
  }
  return names;
}

std::vector<std::string> sorted_names(const pybuffer_abi_symbol *symbols, size_t count) {
  std::vector<std::string> names;
  for (size_t i = 0; i < count; ++i) names.emplace_back(symbols[i].name);
  std::sort(names.begin(), names.end());
  return names;
}

TEST(Standalone, DeclaresExactlyTheExportedSymbols) {
  const std::vector<std::string> expected = exported_symbols();
  ASSERT_FALSE(expected.empty()) << "cannot read " << PYBUFFER_ABI_EXPORTED_SYMBOLS;
  EXPECT_EQ(sorted_names(kCxxSymbols, std::size(kCxxSymbols)), expected) << "C++";
  EXPECT_EQ(sorted_names(pybuffer_abi_c99_symbols, pybuffer_abi_c99_symbol_count), expected)
      << "C99";
}

// The object that defines the function at `address`, as the dynamic linker sees it.
const void *defining_object(pybuffer_abi_function address) {
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void *>(address), &info) == 0) return nullptr;
  return info.dli_fbase;
}

// This program links libpybuffer before libpython, so global symbol lookup binds the plain
// names to libpybuffer: the setup pybuffer.h promises for hosts that want pybuffer to serve
// them. (The program is built as PIE so that an address taken here is the definition's,
// not a PLT stub's in the executable.)
TEST(Standalone, EveryNameIsServedByLibpybuffer) {
  const void *library = defining_object(reinterpret_cast<pybuffer_abi_function>(&pybuffer_version));
  ASSERT_NE(library, nullptr);
  Dl_info info{};
  ASSERT_NE(dladdr(library, &info), 0);
  EXPECT_NE(std::string(info.dli_fname).find("libpybuffer"), std::string::npos) << info.dli_fname;

  std::map<std::string, pybuffer_abi_function> cxx;
  for (const pybuffer_abi_symbol &symbol : kCxxSymbols) {
    ASSERT_NE(symbol.address, nullptr) << symbol.name;
    EXPECT_EQ(defining_object(symbol.address), library) << symbol.name;
    EXPECT_EQ(dlsym(RTLD_DEFAULT, symbol.name), reinterpret_cast<void *>(symbol.address))
        << symbol.name;
    cxx[symbol.name] = symbol.address;
  }
  for (size_t i = 0; i < pybuffer_abi_c99_symbol_count; ++i) {
    const pybuffer_abi_symbol &symbol = pybuffer_abi_c99_symbols[i];
    EXPECT_EQ(symbol.address, cxx[symbol.name]) << symbol.name << ": C99 and C++ disagree";
  }
}

TEST(Standalone, LibraryVersionMatchesHeader) {
  const std::string expected = std::to_string(PYBUFFER_VERSION_MAJOR) + "." +
                               std::to_string(PYBUFFER_VERSION_MINOR) + "." +
                               std::to_string(PYBUFFER_VERSION_PATCH);
  EXPECT_EQ(pybuffer_version(), expected);
}

TEST(Standalone, LayoutMatchesMirrorInCAndCxx) {
  pybuffer_abi_facts cxx{};
  PYBUFFER_ABI_FILL_FACTS(&cxx);
  pybuffer_abi_facts c99{};
  pybuffer_abi_facts_c99_standalone(&c99);

  using Mirror = pybuffer_layout_mirror;
  EXPECT_EQ(cxx.buffer_size, sizeof(Mirror));
  EXPECT_EQ(cxx.buffer_align, alignof(Mirror));
  size_t i = 0;
#define PYBUFFER_ABI_EXPECT_FIELD(name)                            \
  EXPECT_EQ(cxx.field_offset[i], offsetof(Mirror, name)) << #name; \
  EXPECT_EQ(cxx.field_size[i], sizeof(Mirror::name)) << #name;     \
  ++i;
  PYBUFFER_ABI_FIELDS(PYBUFFER_ABI_EXPECT_FIELD)
#undef PYBUFFER_ABI_EXPECT_FIELD

  EXPECT_EQ(c99.buffer_size, cxx.buffer_size);
  EXPECT_EQ(c99.buffer_align, cxx.buffer_align);
  EXPECT_EQ(c99.ssize_size, cxx.ssize_size);
  for (int f = 0; f < PYBUFFER_ABI_FIELD_COUNT; ++f) {
    EXPECT_EQ(c99.field_offset[f], cxx.field_offset[f]) << "field " << f;
    EXPECT_EQ(c99.field_size[f], cxx.field_size[f]) << "field " << f;
  }
  for (int f = 0; f < PYBUFFER_ABI_FLAG_COUNT; ++f) {
    EXPECT_EQ(c99.flag[f], cxx.flag[f]) << "flag " << f;
  }
}

}  // namespace
