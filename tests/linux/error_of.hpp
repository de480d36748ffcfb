// The message of the wb::Error a call throws, for tests of error wording.
#pragma once
#include <cstring>
#include <string>

#include "util/error.hpp"

namespace wb::testing {

// What fn() throws as wb::Error; "" when it throws nothing.
template <typename Fn>
std::string error_of(Fn fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

// "what: strerror(err)", as throw_errno words it.
inline std::string with_errno(const std::string& what, int err) { return what + ": " + std::strerror(err); }

}  // namespace wb::testing
