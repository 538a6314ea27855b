// libpybuffer-py27's buffer objects against libpython2.7's, in one embedded 2.7 process: the
// five constructors of 2.7's bufferobject.c and everything their objects do. Each case makes a
// buffer once with libpython2.7's functions (dlsym) and once with pybuffer's twins, each over a
// fresh base made by the same Python expression, and records what the object does through
// 2.7's own C API (type, repr with addresses named, str, len, hash, items, slices, extended
// slices, concatenation, repetition, the old slots, the new protocol, assignment, comparison,
// reference counts of the base): the two records must be equal. The type objects themselves
// and calls of them (`buffer(...)`) are compared too. Where 2.7 is unsafe only pybuffer is
// called, and the test checks that it refuses (README, "CPython 2.7", deliberate differences).
//
// Files: sides (the two implementations), bases (the Python expressions bases are made by),
// records (what is recorded of a buffer), cases (the case table), differences (the
// deliberate differences, where only pybuffer is called).
#include <string>

#include "../support.hpp"
#include "bases.hpp"
#include "sides.hpp"

int main(int argc, char **argv) {
  using namespace py27::buffer_objects;
  return py27::run_suite(argc, argv, "py27.buffer_objects", [](std::string *why) {
    if (!load_real(why)) return false;
    make_globals();
    return true;
  });
}
