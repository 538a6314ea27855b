// The requests of the buffer-protocol documentation's request tables: the four structure
// requests and the three contiguity requests, each with and without PyBUF_WRITABLE and
// PyBUF_FORMAT. The compound names (PyBUF_FULL, _RECORDS, _STRIDED, _CONTIG and their _RO
// twins) are aliases of eight of these 28 flag values.
#pragma once

#include <string>
#include <vector>

namespace pybuffer::check {

struct Request {
  int flags;
  std::string name;   // "STRIDES|FORMAT": the flags that compose it, PyBUF_ prefix dropped
  std::string alias;  // "RECORDS_RO" when a compound name denotes exactly these flags, else ""
};

/// Every request, ordered by structure (SIMPLE, ND, STRIDES, INDIRECT, C/F/ANY contiguous),
/// then without and with WRITABLE and FORMAT.
const std::vector<Request> &requests();

/// The entry of requests() with these flags (every Answer's flags come from that table).
const Request &request_with_flags(int flags);

/// The request a user names: "FULL_RO", "STRIDES|FORMAT", with or without the PyBUF_
/// prefix on each part, in any order of the parts; nullptr when none has those flags.
const Request *find_request(const std::string &name);

// What a request asks for, as the documentation's tables read it.
bool wants_writable(int flags);
bool wants_format(int flags);
bool wants_shape(int flags);       // PyBUF_ND
bool wants_strides(int flags);     // PyBUF_STRIDES
bool wants_suboffsets(int flags);  // PyBUF_INDIRECT
/// 'C', 'F' or 'A' for a contiguity request, '\0' otherwise.
char contiguity_of(int flags);

}  // namespace pybuffer::check
