// pybuffer-python: the `python` program itself, built against one CPython host with
// libpybuffer linked ahead of libpython. Because libpybuffer comes first in the executable's
// DT_NEEDED list, the dynamic linker binds every buffer-protocol name to pybuffer wherever it
// is looked up through the global scope: in extension modules (_testbuffer, array, numpy)
// always, and in libpython itself when that library calls its own exports through the PLT.
// Everything else is CPython's unchanged `python` main, so CPython's own test suites can run
// on it as they would on the host's interpreter.
#include <Python.h>

#if PY_VERSION_HEX < 0x03070000
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>
#endif

#if PY_VERSION_HEX >= 0x03070000 && PY_VERSION_HEX < 0x03080000
// 3.7's python.c main (it decodes the arguments, UTF-8 mode included): exported by libpython,
// declared only for the core's own build.
extern "C" int _Py_UnixMain(int argc, char **argv);
#endif

int main(int argc, char **argv) {
#if PY_VERSION_HEX >= 0x03080000
  return Py_BytesMain(argc, argv);
#elif PY_VERSION_HEX >= 0x03070000
  return _Py_UnixMain(argc, argv);
#else
  // 3.6's main takes wide arguments, decoded with the user's locale as its python.c does.
  const char *current = std::setlocale(LC_ALL, nullptr);
  const std::string saved = current != nullptr ? current : "C";
  std::setlocale(LC_ALL, "");
  std::vector<wchar_t *> arguments(static_cast<std::size_t>(argc) + 1, nullptr);
  for (int i = 0; i < argc; ++i) {
    arguments[static_cast<std::size_t>(i)] = Py_DecodeLocale(argv[i], nullptr);
    if (arguments[static_cast<std::size_t>(i)] == nullptr) {
      std::fprintf(stderr, "Fatal Python error: unable to decode the command line argument #%i\n",
                   i + 1);
      return 1;
    }
  }
  std::setlocale(LC_ALL, saved.c_str());
  return Py_Main(argc, arguments.data());
#endif
}
