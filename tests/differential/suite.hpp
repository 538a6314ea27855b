// What every test file of the suite shares: the fixture and parameter naming.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "compare.hpp"
#include "exporters.hpp"
#include "python_env.hpp"
#include "real_api.hpp"

namespace diff {

/// Fails a test that leaves a Python exception pending: each comparison must consume the
/// exceptions of both sides, or later cases would start from a polluted state.
class PyTest : public testing::Test {
 protected:
  void TearDown() override {
    if (PyErr_Occurred()) ADD_FAILURE() << "exception left pending: " << take_error_text();
  }
};

template <class Param>
class PyParamTest : public testing::TestWithParam<Param> {
 protected:
  void TearDown() override {
    if (PyErr_Occurred()) ADD_FAILURE() << "exception left pending: " << take_error_text();
  }
};

/// gtest names allow only [A-Za-z0-9_].
std::string test_name(std::string s);

}  // namespace diff

/// Builds exporter `var` from a catalog expression; skips when this host cannot build it.
#define DIFF_BUILD_OR_SKIP(var, expr)                            \
  ::diff::Built var = ::diff::build_exporter(expr);              \
  if (!var.unavailable.empty()) GTEST_SKIP() << var.unavailable; \
  ASSERT_TRUE(var.error.empty()) << var.error

/// Reports the differences of one compared case, with its input.
#define DIFF_EXPECT_SAME(d, input) \
  EXPECT_TRUE((d).empty()) << "input: " << (input) << "\n" << (d).str()
