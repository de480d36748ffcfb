#include "cli/sizes.hpp"

#include <cctype>
#include <cstdlib>

#include "util/error.hpp"

namespace wb::cli {

int64_t parse_memory_size(const std::string& text, const std::string& flag) {
    if (text == "-1") return -1;
    char* end = nullptr;
    double value = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || value < 0) throw Error("invalid value for --" + flag + ": \"" + text + "\"");
    std::string unit;
    for (; *end; ++end) unit += static_cast<char>(std::tolower(static_cast<unsigned char>(*end)));
    if (!unit.empty() && unit.back() == 'b') unit.pop_back();
    if (unit.size() == 2 && unit[1] == 'i') unit.pop_back();  // "MiB"
    double mult = 1;
    if (unit.empty()) mult = 1;
    else if (unit == "k") mult = 1024.0;
    else if (unit == "m") mult = 1024.0 * 1024;
    else if (unit == "g") mult = 1024.0 * 1024 * 1024;
    else if (unit == "t") mult = 1024.0 * 1024 * 1024 * 1024;
    else if (unit == "p") mult = 1024.0 * 1024 * 1024 * 1024 * 1024;
    else throw Error("invalid value for --" + flag + ": \"" + text + "\"");
    // Rounded half away from zero, as std::llround, without it: llround is the only libm
    // function whalebox calls, and libm.so mapped costs every command about 0.3 MB of
    // resident pages (docs/performance.md). value * mult is not negative here, and its
    // fraction (value * mult - whole) is exact.
    double scaled = value * mult;
    auto whole = static_cast<int64_t>(scaled);
    if (scaled - static_cast<double>(whole) >= 0.5) ++whole;
    return whole;
}

}  // namespace wb::cli
