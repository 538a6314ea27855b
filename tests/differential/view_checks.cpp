// The view-function comparisons.
#include "view_checks.hpp"

#include <algorithm>

#include "real_api.hpp"

namespace diff {
namespace {

std::string order_text(char order) {
  return std::string("'") + order + "'";
}

std::string indices_text(const std::vector<Py_ssize_t> &idx) {
  std::string s = "[";
  for (size_t i = 0; i < idx.size(); ++i) s += (i ? "," : "") + std::to_string(idx[i]);
  return s + "]";
}

}  // namespace

bool copyable(const Py_buffer &view) {
  if (view.ndim < 0 || view.ndim > PyBUF_MAX_NDIM || view.itemsize <= 0 || view.len < 0)
    return false;
  if (view.shape == nullptr) return view.ndim <= 1;
  Py_ssize_t items = 1;
  for (int d = 0; d < view.ndim; ++d) {
    if (view.shape[d] < 0) return false;
    items *= view.shape[d];
  }
  return items * view.itemsize == view.len;
}

bool pointer_walkable(const Py_buffer &view) {
  return view.ndim == 0 || (view.ndim > 0 && view.ndim <= PyBUF_MAX_NDIM && view.shape != nullptr &&
                            view.strides != nullptr);
}

bool from_contiguous_safe(const Py_buffer &view, char order) {
  if (!copyable(view)) return false;
  if (view.strides != nullptr || view.ndim == 0) return true;
  const bool contiguous = real().PyBuffer_IsContiguous(&view, order) != 0;
  PyErr_Clear();
  return contiguous;
}

void compare_is_contiguous(Diff &d, const Py_buffer &view, char order) {
  const int r = real().PyBuffer_IsContiguous(&view, order);
  const Error er = take_error();
  const int o = ours().PyBuffer_IsContiguous(&view, order);
  const Error eo = take_error();
  const std::string what = "PyBuffer_IsContiguous(view, " + order_text(order) + ")";
  d.field(what, r, o);
  d.errors(what, er, eo);
  count_case("PyBuffer_IsContiguous");
}

void compare_get_pointer(Diff &d, const Py_buffer &view, const std::vector<Py_ssize_t> &indices) {
  // A 0-d view takes no index, but the pointer must not be NULL (pybuffer rejects NULL).
  static const Py_ssize_t no_index = 0;
  const Py_ssize_t *idx = indices.empty() ? &no_index : indices.data();
  void *r = real().PyBuffer_GetPointer(&view, idx);
  const Error er = take_error();
  void *o = ours().PyBuffer_GetPointer(&view, idx);
  const Error eo = take_error();
  const std::string what = "PyBuffer_GetPointer(view, " + indices_text(indices) + ")";
  d.field(what, r, o);
  d.errors(what, er, eo);
  count_case("PyBuffer_GetPointer");
}

void compare_to_contiguous(Diff &d, const Py_buffer &view, Py_ssize_t len, char order) {
  const size_t size = static_cast<size_t>(std::max<Py_ssize_t>(len, 0));
  Guarded rbuf(size), obuf(size);
  const int r = real().PyBuffer_ToContiguous(rbuf.data(), &view, len, order);
  const Error er = take_error();
  const int o = ours().PyBuffer_ToContiguous(obuf.data(), &view, len, order);
  const Error eo = take_error();
  const std::string what =
      "PyBuffer_ToContiguous(buf, view, " + std::to_string(len) + ", " + order_text(order) + ")";
  d.field(what + " returned", r, o);
  d.errors(what, er, eo);
  d.field(what + " guard bytes intact", rbuf.guards_intact(), obuf.guards_intact());
  if (rbuf.all_bytes() != obuf.all_bytes()) {
    d.note(what +
           " wrote different bytes: " + first_difference(rbuf.all_bytes(), obuf.all_bytes()));
  }
  count_case("PyBuffer_ToContiguous");
}

void compare_from_contiguous(Diff &d, const Layout &layout, uint64_t fill_seed,
                             const Py_buffer *source, Py_ssize_t len, char order) {
  HandView rview(layout, fill_seed), oview(layout, fill_seed);
  if (source != nullptr) {
    rview.copy_items_from(*source);
    oview.copy_items_from(*source);
  }
  const size_t size = static_cast<size_t>(std::max<Py_ssize_t>(len, 0));
  Guarded rsrc(size), osrc(size);
  const std::vector<unsigned char> bytes = pattern_bytes(size, static_cast<unsigned>(fill_seed));
  std::copy(bytes.begin(), bytes.end(), rsrc.data());
  std::copy(bytes.begin(), bytes.end(), osrc.data());
  const int r = real().PyBuffer_FromContiguous(&rview.view(), rsrc.data(), len, order);
  const Error er = take_error();
  const int o = ours().PyBuffer_FromContiguous(&oview.view(), osrc.data(), len, order);
  const Error eo = take_error();
  const std::string what =
      "PyBuffer_FromContiguous(view, buf, " + std::to_string(len) + ", " + order_text(order) + ")";
  d.field(what + " returned", r, o);
  d.errors(what, er, eo);
  const std::string memory = rview.compare_memory(oview);
  if (!memory.empty()) d.note(what + " left different memory: " + memory);
  d.field(what + " source untouched", rsrc.all_bytes(), osrc.all_bytes());
  count_case("PyBuffer_FromContiguous");
}

void compare_view_functions(Diff &d, const Py_buffer &view) {
  for (char order : {'C', 'F', 'A', 'X'}) compare_is_contiguous(d, view, order);
  if (pointer_walkable(view)) {
    const std::vector<Py_ssize_t> shape(view.shape, view.shape + (view.ndim > 0 ? view.ndim : 0));
    for (const auto &idx : all_indices(shape, 512)) compare_get_pointer(d, view, idx);
  }
  if (!copyable(view)) return;
  for (char order : {'C', 'F', 'A'}) compare_to_contiguous(d, view, view.len, order);
  compare_to_contiguous(d, view, view.len + 1, 'C');
  const Layout layout = layout_of(view);
  const Py_ssize_t partial = view.len / 2 + 1;
  for (char order : {'C', 'F', 'A'}) {
    if (!from_contiguous_safe(view, order)) continue;
    for (Py_ssize_t len : {view.len, partial, view.len + 5}) {
      compare_from_contiguous(d, layout, 7, &view, len, order);
    }
  }
}

}  // namespace diff
