// The suite checks its own instruments: a comparison that cannot fail proves nothing, so
// each detector used by the compared cases is shown here to report a planted difference.
#include <dlfcn.h>

#include "hand_views.hpp"
#include "suite.hpp"
#include "tracer.hpp"

namespace diff {
namespace {

class SelfCheck : public PyTest {};

TEST_F(SelfCheck, RealTableIsLibpythonAndOursIsNot) {
  Dl_info real_info{}, ours_info{};
  ASSERT_NE(dladdr(reinterpret_cast<void *>(real().PyBuffer_IsContiguous), &real_info), 0);
  ASSERT_NE(dladdr(reinterpret_cast<void *>(ours().PyBuffer_IsContiguous), &ours_info), 0);
  EXPECT_NE(std::string(real_info.dli_fname).find("libpython"), std::string::npos)
      << real_info.dli_fname;
  EXPECT_NE(std::string(ours_info.dli_fname).find("libpybuffer"), std::string::npos)
      << ours_info.dli_fname;
}

TEST_F(SelfCheck, TracerLogsRequestsAndReleases) {
  Ref inner = eval("bytearray(pat(4))");
  Ref tracer = make_tracer(inner.get());
  ASSERT_TRUE(tracer);
  Py_buffer view;
  ASSERT_EQ(real().PyObject_GetBuffer(tracer.get(), &view, PyBUF_FULL_RO), 0);
  EXPECT_EQ(view.obj, tracer.get());
  real().PyBuffer_Release(&view);
  EXPECT_EQ(tracer_log(tracer.get()), "get#0(0x11c)=0 release#0");
  // A release through a copy of the struct is told apart from one through the original.
  tracer_clear_log(tracer.get());
  ASSERT_EQ(real().PyObject_GetBuffer(tracer.get(), &view, PyBUF_SIMPLE), 0);
  Py_buffer copy = view;
  real().PyBuffer_Release(&copy);
  EXPECT_EQ(tracer_log(tracer.get()), "get#0(0)=0 release#0 (other struct)");
}

TEST_F(SelfCheck, ViewComparisonSeesEveryField) {
  Ref obj = eval("bytearray(pat(8))");
  Py_buffer a;
  ASSERT_EQ(real().PyObject_GetBuffer(obj.get(), &a, PyBUF_FULL_RO), 0);
  const ViewRecord ra = record_view(a, true);
  Py_buffer b = a;
  const std::vector<void (*)(Py_buffer &)> plants = {
      [](Py_buffer &v) { v.len -= 1; },         [](Py_buffer &v) { v.itemsize = 2; },
      [](Py_buffer &v) { v.readonly ^= 1; },    [](Py_buffer &v) { v.buf = nullptr; },
      [](Py_buffer &v) { v.format = nullptr; }, [](Py_buffer &v) { v.strides = nullptr; },
      [](Py_buffer &v) { v.internal = &v; },    [](Py_buffer &v) { v.obj = nullptr; },
  };
  for (size_t i = 0; i < plants.size(); ++i) {
    b = a;
    plants[i](b);
    Diff d;
    diff_views(d, ra, record_view(b, true), obj.get());
    EXPECT_FALSE(d.empty()) << "planted difference " << i << " went unnoticed";
  }
  real().PyBuffer_Release(&a);
}

TEST_F(SelfCheck, ErrorComparisonSeesTypeAndMessage) {
  PyErr_SetString(PyExc_ValueError, "one");
  const Error one = take_error();
  PyErr_SetString(PyExc_ValueError, "two");
  const Error two = take_error();
  PyErr_SetString(PyExc_TypeError, "one");
  const Error type = take_error();
  Diff by_message, by_type, by_absence, none;
  by_message.errors("x", one, two);
  by_type.errors("x", one, type);
  by_absence.errors("x", one, Error{});
  none.errors("x", one, one);
  EXPECT_FALSE(by_message.empty());
  EXPECT_FALSE(by_type.empty());
  EXPECT_FALSE(by_absence.empty());
  EXPECT_TRUE(none.empty());
}

TEST_F(SelfCheck, MemoryComparisonSeesItemsGuardsAndSlots) {
  Layout l;
  l.ndim = 2;
  l.itemsize = 2;
  l.shape = {2, 3};
  l.strides = {8, 2};
  l.suboffsets = {0, -1};
  l.len = 12;
  HandView a(l, 9), b(l, 9);
  EXPECT_EQ(a.compare_memory(b), "");
  const Py_ssize_t idx[2] = {1, 2};
  b.item_address(idx)[1] ^= 1;  // an item
  EXPECT_NE(a.compare_memory(b), "");
  HandView c(l, 9);
  static_cast<char *>(c.mutable_view()->buf)[-1] ^= 1;  // the guard before the pointer table
  EXPECT_NE(a.compare_memory(c), "");
  HandView e(l, 9);
  static_cast<char *>(e.mutable_view()->buf)[0] ^= 1;  // a pointer slot
  EXPECT_NE(a.compare_memory(e), "");
}

TEST_F(SelfCheck, GuardedSeesWritesOutside) {
  Guarded g(4);
  EXPECT_TRUE(g.guards_intact());
  g.data()[4] = 0;
  EXPECT_FALSE(g.guards_intact());
}

}  // namespace
}  // namespace diff
