// Timestamps as runc and docker write them.
#pragma once
#include <cstdint>
#include <string>

namespace wb {

// RFC 3339 UTC with nanoseconds: "2026-11-22T21:38:39.123456789Z".
std::string now_rfc3339();
// The same for a given time (seconds since the epoch and nanoseconds).
std::string format_rfc3339(int64_t sec, long nsec);
// Seconds since the epoch of an RFC 3339 UTC time (fractions ignored); 0 on failure.
int64_t parse_rfc3339(const std::string& text);

}  // namespace wb
