// The differential suite's program: one interpreter for the whole run, then every test.
#include <Python.h>

#include "pybuffer/pybuffer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "compare.hpp"
#include "hand_views.hpp"
#include "python_env.hpp"
#include "python_start.hpp"
#include "real_api.hpp"
#include "tracer.hpp"

int main(int argc, char **argv) {
  testing::InitGoogleTest(&argc, argv);
  if (!pybuffer_test::start_python()) return 1;
  std::string error;
  if (!diff::init_tracer_type()) {
    error = "Tracer type: " + diff::take_error_text();
  } else if (diff::load_apis(&error) && !diff::init_python_helpers(&error)) {
    error = "helpers: " + error;
  }
  if (!error.empty()) {
    std::fprintf(stderr, "differential: setup failed: %s\n", error.c_str());
    Py_FinalizeEx();
    return 1;
  }
  std::printf("[differential] CPython %s\n[differential] real functions from %s\n", Py_GetVersion(),
              diff::libpython_path().c_str());
  std::printf("[differential] pybuffer %s (host version as it reads it: %#lx)\n",
              pybuffer_version(), pybuffer_host_version_hex());
  std::printf("[differential] hand-built layouts: seed %#llx (set PYBUFFER_DIFF_SEED to change)\n",
              static_cast<unsigned long long>(diff::hand_seed()));
  std::fflush(stdout);

  int result = RUN_ALL_TESTS();

  diff::print_case_counts();
  if (Py_FinalizeEx() < 0 && result == 0) result = 1;
  return result;
}
