/* Must not compile (C11): see mismatch_python.h. */
#include "mismatch_python.h"

#include <pybuffer/pybuffer.h>
