// Human memory sizes as runc (and docker) accept them: "1024", "64m", "1g", "-1".
#pragma once
#include <cstdint>
#include <string>

namespace wb::cli {

// Binary units (k = 1024). Throws wb::Error naming the flag.
int64_t parse_memory_size(const std::string& text, const std::string& flag);

}  // namespace wb::cli
