/* abi.standalone, C99 half: pybuffer.h alone declares every exported function with a
 * prototype strict C99 accepts, and taking each one's address links against the library.
 */
#include <pybuffer/legacy.h>
#include <pybuffer/pybuffer.h>

#include "standalone_symbols.h"

#if defined(Py_PYTHON_H)
#error "this file must not see Python.h"
#endif

const struct pybuffer_abi_symbol pybuffer_abi_c99_symbols[] = PYBUFFER_ABI_SYMBOL_TABLE;
const size_t pybuffer_abi_c99_symbol_count =
    sizeof pybuffer_abi_c99_symbols / sizeof pybuffer_abi_c99_symbols[0];
