// pybuffer's PyBuffer_SizeFromFormat against struct.calcsize of the CPython host this
// executable embeds (one executable per host). The expected outcome of every format is
// computed here, by the host, as CPython's own PyBuffer_SizeFromFormat computes it:
// struct.calcsize(PyUnicode_FromString(format)). Sizes, exception classes, str() and args
// must all be equal. From 3.9 the host's own PyBuffer_SizeFromFormat must agree with that
// expectation too; 3.6-3.8 have no such function (pybuffer provides it there), so on them
// the host's struct.calcsize, which 3.9's function calls, is the only reference.
#include <Python.h>

#include <pybuffer/pybuffer.h>

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "host_python.hpp"
#include "random_formats.hpp"
#include "struct_cases.hpp"

namespace format_test {
namespace {

using SizeFromFormat = Py_ssize_t (*)(const char *);

PyObject *g_calcsize = nullptr;            // struct.calcsize, alive for the whole run
SizeFromFormat g_host_function = nullptr;  // libpython's own PyBuffer_SizeFromFormat (3.9+)
std::uint64_t g_seed = 0;
long g_random_cases = 0;

// Valid formats measured before Py_Initialize: the success path must need no interpreter.
const char *const kPreInitFormats[] = {"", "i", "<iHd", "@c3si", "16s", "  q  ", "P2nN"};
std::vector<Py_ssize_t> g_pre_init_sizes;

Outcome expected_of(const std::string &format) {
  Ref text(PyUnicode_FromString(format.c_str()));
  if (!text) return take_outcome(-1);
  Ref size(PyObject_CallFunctionObjArgs(g_calcsize, text.get(), nullptr));
  if (!size) return take_outcome(-1);
  return take_outcome(PyLong_AsSsize_t(size.get()));
}

Outcome ours_of(const std::string &format) {
  return take_outcome(pybuffer_PyBuffer_SizeFromFormat(format.c_str()));
}

// The error code pybuffer_format_info must give for the exception PyBuffer_SizeFromFormat
// raised: the mapping the README documents.
int code_for(const Outcome &outcome) {
  if (!outcome.raised()) return PYBUFFER_FORMAT_OK;
  if (outcome.type == PyExc_UnicodeDecodeError) return PYBUFFER_FORMAT_ERROR_NOT_UTF8;
  if (outcome.type == PyExc_UnicodeEncodeError) return PYBUFFER_FORMAT_ERROR_NOT_ASCII;
  if (outcome.message == "bad char in struct format") return PYBUFFER_FORMAT_ERROR_BAD_CHAR;
  if (outcome.message == "repeat count given without format specifier") {
    return PYBUFFER_FORMAT_ERROR_COUNT_WITHOUT_CODE;
  }
  if (outcome.message == "total struct size too long") return PYBUFFER_FORMAT_ERROR_TOO_LONG;
  return -1;
}

bool info_agrees(const std::string &format, const Outcome &ours, std::string *why) {
  pybuffer_format_result result;
  const Py_ssize_t size = pybuffer_format_info(format.c_str(), PYBUFFER_FORMAT_STRUCT, &result);
  const bool agrees = size == ours.value && result.itemsize == ours.value &&
                      result.error == code_for(ours) && (result.error == 0) == !ours.raised() &&
                      (result.error == 0 ? result.error_offset == -1 : result.error_offset >= 0);
  if (!agrees) {
    *why = "pybuffer_format_info gave " + std::to_string(size) + " error " +
           std::to_string(result.error) + " at " + std::to_string(result.error_offset) + " for " +
           describe(ours);
  }
  return agrees;
}

// A short name for the outcome's category, for the summary.
std::string category(const Outcome &outcome) {
  if (!outcome.raised()) return outcome.value == 0 ? "size 0" : "size > 0";
  if (outcome.type == PyExc_UnicodeDecodeError) return "UnicodeDecodeError";
  if (outcome.type == PyExc_UnicodeEncodeError) return "UnicodeEncodeError";
  return "struct.error: " + outcome.message;
}

TEST(StructFormat, HandWrittenTable) {
  int differences = 0;
  const std::vector<StructCase> cases = struct_cases();
  for (const StructCase &c : cases) {
    const Outcome expected = expected_of(c.format);
    const Outcome ours = ours_of(c.format);
    const Outcome host =
        g_host_function != nullptr ? take_outcome(g_host_function(c.format.c_str())) : Outcome{};
    std::string why;
    if (!same_outcome(expected, ours, &why) || !info_agrees(c.format, ours, &why)) {
      ADD_FAILURE() << c.rule << ": \"" << escape(c.format) << "\": " << why;
      ++differences;
    }
    // The expectation is what libpython's own PyBuffer_SizeFromFormat says, too.
    if (g_host_function != nullptr && !same_outcome(expected, host, &why)) {
      ADD_FAILURE() << c.rule << ": struct.calcsize and the host's PyBuffer_SizeFromFormat "
                    << "differ on \"" << escape(c.format) << "\": " << why;
    }
  }
  std::printf("[ table    ] %zu hand-written formats, %d differences\n", cases.size(), differences);
}

TEST(StructFormat, RandomFormats) {
  FormatGenerator generator(g_seed);
  std::map<std::string, long> categories;
  long differences = 0;
  for (long i = 0; i < g_random_cases; ++i) {
    const std::string format = generator.next();
    const Outcome expected = expected_of(format);
    const Outcome ours = ours_of(format);
    ++categories[category(expected)];
    std::string why;
    if (!same_outcome(expected, ours, &why) || !info_agrees(format, ours, &why)) {
      if (++differences <= 20) {
        ADD_FAILURE() << "random format #" << i << " \"" << escape(format) << "\": " << why;
      }
    }
  }
  std::printf("[ random   ] seed %llu: %ld formats, %ld differences\n",
              static_cast<unsigned long long>(g_seed), g_random_cases, differences);
  for (const auto &[name, count] : categories) {
    std::printf("[ random   ]   %8ld  %s\n", count, name.c_str());
  }
  EXPECT_EQ(differences, 0);
}

TEST(StructFormat, NullFormatIsASystemError) {
  const Outcome ours = take_outcome(pybuffer_PyBuffer_SizeFromFormat(nullptr));
  EXPECT_EQ(ours.value, -1);
  EXPECT_EQ(ours.type, PyExc_SystemError);
  EXPECT_EQ(ours.message, "PyBuffer_SizeFromFormat: format is NULL");
  pybuffer_format_result result;
  EXPECT_EQ(pybuffer_format_info(nullptr, PYBUFFER_FORMAT_STRUCT, &result), -1);
  EXPECT_EQ(result.error, PYBUFFER_FORMAT_ERROR_NULL);
  EXPECT_FALSE(PyErr_Occurred());
}

TEST(StructFormat, SuccessPathNeedsNoInterpreter) {
  ASSERT_EQ(g_pre_init_sizes.size(), std::size(kPreInitFormats));
  for (std::size_t i = 0; i < g_pre_init_sizes.size(); ++i) {
    const Outcome expected = expected_of(kPreInitFormats[i]);
    EXPECT_EQ(g_pre_init_sizes[i], expected.value) << "format \"" << kPreInitFormats[i] << "\"";
  }
}

TEST(StructFormat, InfoDoesNotRaise) {
  pybuffer_format_result result;
  EXPECT_EQ(pybuffer_format_info("\xff", PYBUFFER_FORMAT_STRUCT, &result), -1);
  EXPECT_EQ(result.error, PYBUFFER_FORMAT_ERROR_NOT_UTF8);
  EXPECT_EQ(pybuffer_format_info("iZ", PYBUFFER_FORMAT_STRUCT, &result), -1);
  EXPECT_EQ(result.error, PYBUFFER_FORMAT_ERROR_BAD_CHAR);
  EXPECT_EQ(result.error_offset, 1);
  EXPECT_EQ(pybuffer_format_info("i", 7, &result), -1);
  EXPECT_EQ(result.error, PYBUFFER_FORMAT_ERROR_FLAGS);
  EXPECT_EQ(pybuffer_format_info("ci", PYBUFFER_FORMAT_STRUCT, nullptr), expected_of("ci").value);
  EXPECT_FALSE(PyErr_Occurred());
}

std::uint64_t environment_number(const char *name, std::uint64_t fallback) {
  const char *text = std::getenv(name);
  return text != nullptr && *text != '\0' ? std::strtoull(text, nullptr, 0) : fallback;
}

bool start_host(const char *program) {
  if (!start_python(program)) return false;
  Ref module(PyImport_ImportModule("struct"));
  g_calcsize = module ? PyObject_GetAttrString(module.get(), "calcsize") : nullptr;
  if (g_calcsize == nullptr) {
    std::fprintf(stderr, "no struct.calcsize: %s\n", take_exception_text().c_str());
    return false;
  }
  return true;
}

// libpython's own definition, found through its handle rather than by the plain name,
// which this executable's link order may bind to pybuffer.
SizeFromFormat host_size_from_format(const char *library) {
  void *handle = dlopen(library, RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) return nullptr;
  void *symbol = dlsym(handle, "PyBuffer_SizeFromFormat");
  Dl_info where{};
  if (symbol == nullptr || dladdr(symbol, &where) == 0) return nullptr;
  Dl_info library_info{};
  if (dladdr(dlsym(handle, "Py_GetVersion"), &library_info) == 0 ||
      where.dli_fbase != library_info.dli_fbase) {
    return nullptr;
  }
  return reinterpret_cast<SizeFromFormat>(symbol);
}

}  // namespace
}  // namespace format_test

int main(int argc, char **argv) {
  using namespace format_test;
  testing::InitGoogleTest(&argc, argv);
  g_seed = environment_number("PYBUFFER_FORMAT_SEED", 0x5eed3118);
  g_random_cases = static_cast<long>(environment_number("PYBUFFER_FORMAT_CASES", 200000));
  std::printf(
      "format differential: host %s, seed %llu (PYBUFFER_FORMAT_SEED to replay), "
      "%ld random formats\n",
      PYBUFFER_FORMAT_HOST_ID, static_cast<unsigned long long>(g_seed), g_random_cases);
  for (const char *format : kPreInitFormats) {
    g_pre_init_sizes.push_back(pybuffer_PyBuffer_SizeFromFormat(format));
  }
  if (!start_host(PYBUFFER_FORMAT_HOST_EXECUTABLE)) return 1;
  g_host_function = host_size_from_format(PYBUFFER_FORMAT_HOST_LIBRARY);
  if (g_host_function == nullptr && PY_VERSION_HEX < 0x03090000) {
    std::printf(
        "format differential: CPython before 3.9 has no PyBuffer_SizeFromFormat; "
        "struct.calcsize alone is the reference\n");
  } else if (g_host_function == nullptr) {
    std::fprintf(stderr, "libpython's own PyBuffer_SizeFromFormat not found in %s\n",
                 PYBUFFER_FORMAT_HOST_LIBRARY);
    return 1;
  }
  std::printf("format differential: running in CPython %s\n", host_version().c_str());
  return RUN_ALL_TESTS();
}
