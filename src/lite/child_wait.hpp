// Waiting for the children and processes lite's commands and monitors watch.
#pragma once
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "util/unique_fd.hpp"

namespace wb::lite {

// A wait status as the shell's: the exit code, or 128 + the signal.
inline int status_code(int wstatus) {
    if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
    if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
    return 255;
}

inline int wait_child(pid_t pid) {
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return 255;
    return status_code(st);
}

inline UniqueFd pidfd_open(pid_t pid) { return UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))); }

// Waits until pred() is false or timeout_ms passes (forever when negative); true when it
// turned false.
template <typename F>
bool wait_until_not(F pred, int timeout_ms) {
    for (int waited = 0;; waited += 20) {
        if (!pred()) return true;
        if (timeout_ms >= 0 && waited >= timeout_ms) return false;
        ::usleep(20000);
    }
}

}  // namespace wb::lite
