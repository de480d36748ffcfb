#include "process/child.hpp"

#include <signal.h>

#include <cerrno>
#include <utility>

#include "linux/syscalls.hpp"

namespace wb::process {

Child::Child(Child&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), pidfd_(std::move(other.pidfd_)) {}

Child& Child::operator=(Child&& other) noexcept {
    if (this != &other) {
        kill_and_reap();
        pid_ = std::exchange(other.pid_, -1);
        pidfd_ = std::move(other.pidfd_);
    }
    return *this;
}

int Child::signal(int sig) const {
    if (pid_ <= 0) {
        errno = ESRCH;
        return -1;
    }
    if (pidfd_) return linux::sys().pidfd_send_signal(pidfd_.get(), sig, nullptr, 0);
    return linux::sys().kill(pid_, sig);
}

int Child::wait() {
    int status = 0;
    if (pid_ <= 0) return status;
    while (linux::sys().waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    pidfd_.reset();
    return status;
}

void Child::kill_and_reap() noexcept {
    if (pid_ <= 0) return;
    int saved = errno;
    signal(SIGKILL);
    wait();
    errno = saved;
}

pid_t Child::release() noexcept {
    pidfd_.reset();
    return std::exchange(pid_, -1);
}

}  // namespace wb::process
