// One owner per child process: a Child holds a child's pid and (when the clone gave one)
// its pidfd. Unless released, its destructor kills the child and reaps it, so a failing
// create or exec never leaves a half set-up process behind.
#pragma once
#include <sys/types.h>

#include "util/unique_fd.hpp"

namespace wb::process {

class Child {
public:
    Child() = default;
    Child(pid_t pid, UniqueFd pidfd) noexcept : pid_(pid), pidfd_(std::move(pidfd)) {}
    ~Child() { kill_and_reap(); }
    Child(Child&& other) noexcept;
    Child& operator=(Child&& other) noexcept;
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    // -1 once reaped or released (and in a default-constructed Child).
    pid_t pid() const noexcept { return pid_; }
    // -1 when the child came without one.
    int pidfd() const noexcept { return pidfd_.get(); }
    explicit operator bool() const noexcept { return pid_ > 0; }

    // Sends `sig` through the pidfd (by pid without one); the call's own result (-1 with
    // errno on failure).
    int signal(int sig) const;
    // Waits until the child has exited and reaps it; returns its wait status (0 when
    // there was nothing to wait for). The Child owns nothing afterwards.
    int wait();
    // SIGKILL and reap; nothing when the Child owns no process.
    void kill_and_reap() noexcept;
    // Stops owning the child, which lives on (a created container's init, a detached
    // exec); returns its pid. The pidfd is closed.
    pid_t release() noexcept;

private:
    pid_t pid_ = -1;
    UniqueFd pidfd_;
};

}  // namespace wb::process
