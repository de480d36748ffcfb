// One error type for the whole runtime. Messages carry their context
// ("mount proc on /proc: Operation not permitted"); each command catches once.
#pragma once
#include <cerrno>
#include <stdexcept>
#include <string>

#ifdef linux
#error "build with -std=c++20 (CMAKE_CXX_EXTENSIONS OFF): `linux` must not be a macro"
#endif

namespace wb {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& msg, int err = 0) : std::runtime_error(msg), errno_(err) {}
    // The errno behind the failure, 0 when it did not come from a system call.
    int code() const noexcept { return errno_; }

private:
    int errno_;
};

// "what: strerror(err)".
std::string errno_message(const std::string& what, int err);

// Throws Error("what: strerror(err)", err).
[[noreturn]] void throw_errno(const std::string& what, int err = errno);

}  // namespace wb
