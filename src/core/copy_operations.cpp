// The strided halves of CPython's three copy operations (copy.hpp has their one-block
// halves): each validates its views into Geometry scratch, then runs the engine.
#include "copy.hpp"
#include "packed_memory.hpp"

namespace pybuffer::core {
namespace {

// 'A' copies that are not one block either way go in C order, as CPython's do.
char engine_order(char order) {
  return order == 'F' ? 'F' : 'C';
}

Status same_shape(const Geometry &dest, const Geometry &src) {
  if (dest.ndim != src.ndim) return {Code::shape_mismatch, -1, dest.ndim, src.ndim};
  for (int i = 0; i < src.ndim; ++i) {
    if (dest.shape[i] != src.shape[i])
      return {Code::shape_mismatch, i, dest.shape[i], src.shape[i]};
  }
  return ok_status();
}

}  // namespace

namespace detail {

Status to_contiguous_strided(char *dest, const View &view, char order) {
  Geometry geometry;
  const Status status = check_geometry(view, geometry);
  if (!status.ok()) return status;
  // Every byte of dest is written: a large fresh destination (a new bytes object) is cheaper
  // populated in one call than faulted in page by page.
  populate_destination(dest, static_cast<std::size_t>(view.len));
  gather(dest, geometry, engine_order(order));
  return status;
}

// 0 <= len <= view.len, so the first len / itemsize items are copied.
Status to_contiguous_prefix_strided(char *dest, const View &view, ssize len, char order) {
  Geometry geometry;
  const Status status = check_geometry(view, geometry);
  if (status.ok()) gather_prefix(dest, geometry, len / geometry.itemsize, engine_order(order));
  return status;
}

// 0 <= len <= view.len, so the first len / itemsize items are filled.
Status from_contiguous_strided(const View &view, const char *src, ssize len, char order) {
  Geometry geometry;
  const Status status = check_geometry(view, geometry);
  if (status.ok()) scatter(geometry, src, len / geometry.itemsize, engine_order(order));
  return status;
}

Status copy_views_strided(const View &dest, const View &src) {
  Geometry to;
  Geometry from;
  Status status = check_geometry(dest, to);
  if (status.ok()) status = check_geometry(src, from);
  if (status.ok()) status = same_shape(to, from);
  if (status.ok()) status = copy_between(to, from);
  return status;
}

}  // namespace detail
}  // namespace pybuffer::core
