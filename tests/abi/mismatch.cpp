// Must not compile (C++17): see mismatch_python.h.
#include "mismatch_python.h"

#include <pybuffer/pybuffer.h>
