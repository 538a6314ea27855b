// The two helpers of its copy loops that CPython 2.7's abstract.c exports (and its abstract.h
// declares), for the 2.7 variant: the next multi-index in Fortran and in C order.
#include <Python.h>

#include "capi/entry_points.hpp"
#include "capi/views.hpp"
#include "core/layout.hpp"

using namespace pybuffer;

namespace {
// 2.7 has no error channel here and dereferences NULL arrays; they are left alone instead.
void step(int nd, Py_ssize_t *index, const Py_ssize_t *shape, char order) {
  if (nd > 0 && (index == nullptr || shape == nullptr)) return;
  core::step_index(nd, capi::as_core(index), capi::as_core(shape), order);
}
}  // namespace

PYBUFFER_PUBLISH(_Py_add_one_to_index_F);
extern "C" void pybuffer_impl__Py_add_one_to_index_F(int nd, Py_ssize_t *index,
                                                     const Py_ssize_t *shape) {
  PYBUFFER_COUNT_CALL(_Py_add_one_to_index_F);
  step(nd, index, shape, 'F');
}

PYBUFFER_PUBLISH(_Py_add_one_to_index_C);
extern "C" void pybuffer_impl__Py_add_one_to_index_C(int nd, Py_ssize_t *index,
                                                     const Py_ssize_t *shape) {
  PYBUFFER_COUNT_CALL(_Py_add_one_to_index_C);
  step(nd, index, shape, 'C');
}
