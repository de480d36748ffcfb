// Runs a test body in a forked child so that process-wide changes (capabilities, uid,
// seccomp, rlimits, personality ...) never touch the test runner.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <string>

namespace wb::testing {

constexpr int kChildThrew = 200;
constexpr int kChildCrashed = 201;

// Forks, runs body() in the child and _exits with its return value (kChildThrew when it
// throws, after printing the message). Returns the child's exit code, or kChildCrashed
// plus the signal number in *signal when it was killed.
template <typename Body>
int run_in_child(Body body, int* signal = nullptr) {
    std::fflush(nullptr);
    pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int code = kChildThrew;
        try {
            code = body();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "child: %s\n", e.what());
        } catch (...) {
            std::fprintf(stderr, "child: unknown exception\n");
        }
        std::fflush(nullptr);
        ::_exit(code);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (signal) *signal = WTERMSIG(status);
    return kChildCrashed;
}

}  // namespace wb::testing
