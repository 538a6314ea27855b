// The unit tests call the shared first-principles model (tests/common/reference_model.hpp) by
// its plain names.
#pragma once

#include "reference_model.hpp"

namespace pybuffer::unit {

using namespace pybuffer_test;  // NOLINT(google-build-using-namespace): the model's vocabulary

}  // namespace pybuffer::unit
