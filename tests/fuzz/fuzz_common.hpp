// Shared pieces of the libFuzzer targets. A target may reject its input only by throwing
// wb::Error (the project's one error type); any other exception escapes, terminates the
// process, and libFuzzer reports it as a finding, as it does a sanitizer report or a
// failed invariant (FUZZ_CHECK).
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "util/error.hpp"

#define FUZZ_CHECK(cond, what)                                                   \
    do {                                                                         \
        if (!(cond)) {                                                           \
            std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s)\n", #cond, (what)); \
            std::abort();                                                        \
        }                                                                        \
    } while (0)

namespace wb::fuzz {

inline std::string as_string(const uint8_t* data, size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

// Runs f; a wb::Error is the expected way to refuse an input.
template <class F>
bool accepted(F&& f) {
    try {
        f();
        return true;
    } catch (const wb::Error&) {
        return false;
    }
}

// Serialising a parsed document and parsing it again must give the same document
// (compared by serialising once more): parse(serialize(x)) == x.
template <class Parse, class Serialize>
void check_round_trip(const std::string& first, Parse parse, Serialize serialize) {
    std::string second;
    try {
        second = serialize(parse(first));
    } catch (const wb::Error& e) {
        std::fprintf(stderr, "serialized document refused: %s\n%s\n", e.what(), first.c_str());
        std::abort();
    }
    FUZZ_CHECK(first == second, "parse(serialize(x)) != x");
}

}  // namespace wb::fuzz
