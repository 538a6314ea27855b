// PyMemoryView_GetContiguous's decision, once the object's memory is held as a view: hand
// that view back, copy it into packed memory, or refuse. The copy itself is the copy engine's
// to_contiguous (copy.hpp); this header only decides and describes the copy's layout.
#pragma once

#include "layout.hpp"
#include "status.hpp"

namespace pybuffer::core {

/// What a contiguous request asks of the memory: whether it must be writable (PyBUF_WRITE),
/// and in which order it must be packed ('C', 'F' or 'A': either).
struct ContiguousRequest {
  bool writable;
  char order;
};

/// The answer: status (not_writable, writable_not_contiguous, bad_order) and, when it is ok,
/// whether a copy is needed (else the view itself already satisfies the request).
struct ContiguousDecision {
  Status status;
  bool copy;
};

/// CPython's rules, in its order: a writable request on read-only memory fails first; memory
/// already contiguous in the order asked is used as it is (suboffsets never are); otherwise a
/// writable request fails, since writes to a copy would be lost, and a read-only one copies.
inline ContiguousDecision decide_contiguous(const View &view, bool readonly,
                                            ContiguousRequest request) {
  if (!is_copy_order(request.order)) {
    return {Status{Code::bad_order, -1, static_cast<unsigned char>(request.order)}, false};
  }
  if (request.writable && readonly) return {Status{Code::not_writable}, false};
  if (is_contiguous(view, request.order)) return {ok_status(), false};
  if (request.writable) return {Status{Code::writable_not_contiguous}, false};
  return {ok_status(), true};
}

/// The order a copy is laid out in: Fortran for 'F', C for 'C' and 'A' (a view that reaches
/// the copy with 'A' is contiguous in neither order, and CPython then chooses C).
inline char copy_layout_order(char order) {
  return order == 'F' ? 'F' : 'C';
}

}  // namespace pybuffer::core
