// One fixed seed for every randomised unit test, printed when the suite starts so a failure
// can be replayed: PYBUFFER_UNIT_SEED=<n> overrides it. Each test draws from its own stream
// (seed mixed with the test's name), so running one test alone reproduces the same cases.
#pragma once

#include <cstdint>
#include <random>

namespace pybuffer::unit {

using Rng = std::mt19937_64;

/// The suite's seed: PYBUFFER_UNIT_SEED when set, else the fixed default.
std::uint64_t suite_seed();

/// A generator for one test, independent of the order in which tests run.
Rng rng_for(const char *stream);

/// Uniform integer in [low, high].
long long uniform(Rng &rng, long long low, long long high);

/// True with probability numerator / denominator.
bool chance(Rng &rng, int numerator, int denominator);

}  // namespace pybuffer::unit
