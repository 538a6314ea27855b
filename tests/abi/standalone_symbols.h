/* The exported functions as the standalone header declares them, by name and address,
 * from each language mode of abi.standalone.
 */
#ifndef PYBUFFER_TESTS_ABI_STANDALONE_SYMBOLS_H
#define PYBUFFER_TESTS_ABI_STANDALONE_SYMBOLS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The one function-pointer type that any function's address may be converted to and back
   (and that -Wcast-function-type accepts). */
typedef void (*pybuffer_abi_function)(void);

struct pybuffer_abi_symbol {
  const char *name;
  pybuffer_abi_function address;
};

/* The CPython functions and their twins come from PYBUFFER_FUNCTIONS, so a row missing
   there shows up as a name missing in the comparison with exported_symbols.txt. pybuffer's
   own functions are listed by hand: abi.header_declarations checks that none is left out. */
#define PYBUFFER_ABI_ENTRY(name) {#name, (pybuffer_abi_function)&name},
#define PYBUFFER_ABI_PLAIN_AND_TWIN(ret, name, params, args) \
  PYBUFFER_ABI_ENTRY(name) PYBUFFER_ABI_ENTRY(pybuffer_##name)
#define PYBUFFER_ABI_OWN_FUNCTIONS(X) \
  X(pybuffer_version)                 \
  X(pybuffer_host_version_hex)        \
  X(pybuffer_format_info)
#define PYBUFFER_ABI_SYMBOL_TABLE                          \
  {                                                        \
    PYBUFFER_FUNCTIONS(PYBUFFER_ABI_PLAIN_AND_TWIN)        \
    PYBUFFER_LEGACY_FUNCTIONS(PYBUFFER_ABI_PLAIN_AND_TWIN) \
    PYBUFFER_ABI_OWN_FUNCTIONS(PYBUFFER_ABI_ENTRY)         \
  }

extern const struct pybuffer_abi_symbol pybuffer_abi_c99_symbols[];
extern const size_t pybuffer_abi_c99_symbol_count;

#ifdef __cplusplus
}
#endif

#endif /* PYBUFFER_TESTS_ABI_STANDALONE_SYMBOLS_H */
