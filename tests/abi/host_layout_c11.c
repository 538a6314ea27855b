/* abi.layout.<host>, C11 half. Compiling this file is the compile-time check: after
 * <Python.h>, pybuffer.h static-asserts that the host's Py_buffer and PyBUF_* equal its
 * own mirror. The facts recorded here let the C++ test see that C lays things out alike.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <pybuffer/pybuffer.h>

#include "layout_facts.h"

/* pybuffer.h asserts with _Static_assert only from C11 on: in an older mode this file
   would compile without checking anything. */
#if !defined(__STDC_VERSION__) || __STDC_VERSION__ < 201112L
#error "build this file as C11 or later"
#endif

void pybuffer_abi_facts_c11_with_python(struct pybuffer_abi_facts *facts) {
  PYBUFFER_ABI_FILL_FACTS(facts);
}
