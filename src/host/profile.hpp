// The runtime profile of this build variant: one per ABI family, chosen by CMake
// (PYBUFFER_PROFILE_<FAMILY>). What a profile must provide is described in README.md.
#pragma once

#if defined(PYBUFFER_PROFILE_CPYTHON3)
#include "host/profile_cpython3.hpp"
#elif defined(PYBUFFER_PROFILE_PYPY39)
#include "host/profile_pypy39.hpp"
#elif defined(PYBUFFER_PROFILE_PY27)
#include "host/profile_py27.hpp"
#else
#error "no runtime profile selected: define PYBUFFER_PROFILE_CPYTHON3, _PYPY39 or _PY27"
#endif
