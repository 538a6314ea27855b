#include "requests.hpp"

#include <Python.h>

namespace pybuffer::check {
namespace {

struct Named {
  int flags;
  const char *name;
};

// The structure and contiguity requests of the documentation's tables, in the order the
// report lists them: each later one asks for at least as much structure as the earlier.
constexpr Named kBases[] = {
    {PyBUF_SIMPLE, "SIMPLE"},
    {PyBUF_ND, "ND"},
    {PyBUF_STRIDES, "STRIDES"},
    {PyBUF_INDIRECT, "INDIRECT"},
    {PyBUF_C_CONTIGUOUS, "C_CONTIGUOUS"},
    {PyBUF_F_CONTIGUOUS, "F_CONTIGUOUS"},
    {PyBUF_ANY_CONTIGUOUS, "ANY_CONTIGUOUS"},
};

constexpr Named kAliases[] = {
    {PyBUF_FULL, "FULL"},       {PyBUF_FULL_RO, "FULL_RO"},
    {PyBUF_RECORDS, "RECORDS"}, {PyBUF_RECORDS_RO, "RECORDS_RO"},
    {PyBUF_STRIDED, "STRIDED"}, {PyBUF_STRIDED_RO, "STRIDED_RO"},
    {PyBUF_CONTIG, "CONTIG"},   {PyBUF_CONTIG_RO, "CONTIG_RO"},
};

std::vector<Request> build_requests() {
  std::vector<Request> table;
  for (const Named &base : kBases) {
    for (const int extra : {0, PyBUF_WRITABLE, PyBUF_FORMAT, PyBUF_WRITABLE | PyBUF_FORMAT}) {
      Request request{base.flags | extra, base.name, ""};
      if (extra & PyBUF_WRITABLE) request.name += "|WRITABLE";
      if (extra & PyBUF_FORMAT) request.name += "|FORMAT";
      for (const Named &alias : kAliases) {
        if (alias.flags == request.flags) request.alias = alias.name;
      }
      table.push_back(request);
    }
  }
  return table;
}

// The flags a name denotes: a compound alias, or base and modifier names joined by '|'.
// Returns -1 for a part no table knows.
int flags_of(const std::string &name) {
  int flags = 0;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('|', start);
    if (end == std::string::npos) end = name.size();
    std::string part = name.substr(start, end - start);
    if (part.rfind("PyBUF_", 0) == 0) part.erase(0, 6);
    int found = -1;
    for (const Named &named : kBases) found = part == named.name ? named.flags : found;
    for (const Named &named : kAliases) found = part == named.name ? named.flags : found;
    if (part == "WRITABLE") found = PyBUF_WRITABLE;
    if (part == "FORMAT") found = PyBUF_FORMAT;
    if (found < 0) return -1;
    flags |= found;
    start = end + 1;
  }
  return flags;
}

}  // namespace

const std::vector<Request> &requests() {
  static const std::vector<Request> table = build_requests();
  return table;
}

const Request &request_with_flags(int flags) {
  for (const Request &request : requests()) {
    if (request.flags == flags) return request;
  }
  return requests().front();  // unreachable: answers are made from the table's flags only
}

const Request *find_request(const std::string &name) {
  const int flags = flags_of(name);
  for (const Request &request : requests()) {
    if (request.flags == flags) return &request;
  }
  return nullptr;
}

bool wants_writable(int flags) {
  return (flags & PyBUF_WRITABLE) == PyBUF_WRITABLE;
}
bool wants_format(int flags) {
  return (flags & PyBUF_FORMAT) == PyBUF_FORMAT;
}
bool wants_shape(int flags) {
  return (flags & PyBUF_ND) == PyBUF_ND;
}
bool wants_strides(int flags) {
  return (flags & PyBUF_STRIDES) == PyBUF_STRIDES;
}
bool wants_suboffsets(int flags) {
  return (flags & PyBUF_INDIRECT) == PyBUF_INDIRECT;
}

char contiguity_of(int flags) {
  // Each contiguity flag includes PyBUF_STRIDES, so the test must match the whole value.
  if ((flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS) return 'C';
  if ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS) return 'F';
  if ((flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS) return 'A';
  return '\0';
}

}  // namespace pybuffer::check
