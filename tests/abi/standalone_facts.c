/* What pybuffer.h defines without <Python.h> (standalone mode), seen from strict C99: the
 * layout tests compare it with each host's own definitions.
 */
#include <pybuffer/pybuffer.h>

#include "layout_facts.h"

#if defined(Py_PYTHON_H)
#error "this file must not see Python.h"
#endif

void pybuffer_abi_facts_c99_standalone(struct pybuffer_abi_facts *facts) {
  PYBUFFER_ABI_FILL_FACTS(facts);
}
