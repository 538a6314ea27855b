// Shared helpers of the test files.
#include "suite.hpp"

#include <cctype>

namespace diff {

std::string test_name(std::string s) {
  for (char &c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return s;
}

}  // namespace diff
