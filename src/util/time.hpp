// Timestamps as runc writes them.
#pragma once
#include <string>

namespace wb {

// RFC 3339 UTC with nanoseconds: "2026-11-22T21:38:39.123456789Z".
std::string now_rfc3339();

}  // namespace wb
