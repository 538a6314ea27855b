// The hand-written struct formats: one or more cases for every rule of struct.calcsize
// (see struct_cases.cpp). Expectations are never written here: the differential test asks
// the host's struct module.
#pragma once

#include <string>
#include <vector>

namespace format_test {

struct StructCase {
  const char *rule;    // what the case exercises, printed on a difference
  std::string format;  // any bytes but NUL
};

std::vector<StructCase> struct_cases();

}  // namespace format_test
