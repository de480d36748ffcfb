#include "process/clone.hpp"

#include <linux/sched.h>
#include <sched.h>
#include <signal.h>

#include <cerrno>

#include "linux/syscalls.hpp"
#include "util/error.hpp"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

namespace wb::process {
namespace {

Cloned in_parent_or_child(long pid, int pidfd, bool joined_cgroup) {
    Cloned c;
    if (pid == 0) {
        // The pidfd number was written into the parent's memory only.
        c.in_child = true;
        return c;
    }
    c.child = Child(static_cast<pid_t>(pid), UniqueFd(pidfd));
    c.joined_cgroup = joined_cgroup;
    return c;
}

}  // namespace

Cloned clone_child(uint64_t flags, int cgroup_fd) {
    int pidfd = -1;
    struct clone_args args {};
    args.flags = flags | CLONE_PIDFD;
    args.pidfd = reinterpret_cast<uint64_t>(&pidfd);
    args.exit_signal = SIGCHLD;
    if (cgroup_fd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = static_cast<uint64_t>(cgroup_fd);
    }
    long pid = linux::sys().clone3(&args, sizeof args);
    if (pid >= 0) return in_parent_or_child(pid, pidfd, cgroup_fd >= 0);
    if (errno != ENOSYS && errno != E2BIG && !(cgroup_fd >= 0 && errno == EINVAL)) throw_errno("clone");
    // Old kernel: plain clone, fork-like (no stack); the cgroup is joined afterwards.
    pidfd = -1;
    pid = linux::sys().clone_fork(static_cast<unsigned long>(flags | CLONE_PIDFD | SIGCHLD), &pidfd);
    if (pid < 0) throw_errno("clone");
    return in_parent_or_child(pid, pidfd, false);
}

}  // namespace wb::process
