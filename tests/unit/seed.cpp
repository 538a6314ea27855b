#include "seed.hpp"

#include <cstdio>
#include <cstdlib>

#include <gtest/gtest.h>

namespace pybuffer::unit {
namespace {

constexpr std::uint64_t default_seed = 20240611;

std::uint64_t read_seed() {
  const char *text = std::getenv("PYBUFFER_UNIT_SEED");
  if (text == nullptr || *text == '\0') return default_seed;
  return std::strtoull(text, nullptr, 0);
}

// FNV-1a: a stable mix of the stream name, so streams do not depend on the standard library.
std::uint64_t mix(std::uint64_t seed, const char *stream) {
  std::uint64_t h = 1469598103934665603ull ^ seed;
  for (const char *p = stream; *p != '\0'; ++p) {
    h ^= static_cast<unsigned char>(*p);
    h *= 1099511628211ull;
  }
  return h;
}

// Printed from an environment, not at static initialisation: gtest_discover_tests parses the
// output of --gtest_list_tests, which must stay clean.
class SeedBanner : public ::testing::Environment {
 public:
  void SetUp() override {
    std::printf("pybuffer unit tests: seed %llu (set PYBUFFER_UNIT_SEED to replay another)\n",
                static_cast<unsigned long long>(suite_seed()));
    std::fflush(stdout);
  }
};

[[maybe_unused]] ::testing::Environment *const banner =
    ::testing::AddGlobalTestEnvironment(new SeedBanner);

}  // namespace

std::uint64_t suite_seed() {
  static const std::uint64_t seed = read_seed();
  return seed;
}

Rng rng_for(const char *stream) {
  return Rng(mix(suite_seed(), stream));
}

long long uniform(Rng &rng, long long low, long long high) {
  return std::uniform_int_distribution<long long>(low, high)(rng);
}

bool chance(Rng &rng, int numerator, int denominator) {
  return uniform(rng, 0, denominator - 1) < numerator;
}

}  // namespace pybuffer::unit
