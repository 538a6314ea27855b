// gtest main of the stress and malformed-input programs: the interpreter is started once,
// before the first test, by PythonEnvironment.
#include <gtest/gtest.h>

#include "embedded_python.hpp"

int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new pybuffer::stress::PythonEnvironment);
  return RUN_ALL_TESTS();
}
