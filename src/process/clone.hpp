// The one way process/ starts a child that will become a container process (the init,
// an exec'd process): clone3 used as fork(2), with a pidfd, and on cgroup v2 straight
// into the container's cgroup.
#pragma once
#include <cstdint>

#include "process/child.hpp"

namespace wb::process {

struct Cloned {
    Child child;                 // in the new process: empty (pid -1)
    bool in_child = false;       // true in the new process
    bool joined_cgroup = false;  // CLONE_INTO_CGROUP took: no join by pid needed
};

// clone3(flags | CLONE_PIDFD, exit signal SIGCHLD), with CLONE_INTO_CGROUP when
// `cgroup_fd` >= 0. Returns in both processes, as fork(2). A kernel without clone3 (ENOSYS,
// E2BIG) or without CLONE_INTO_CGROUP (EINVAL with a cgroup fd) gets clone(2) instead,
// without the cgroup: joined_cgroup is false and the caller joins the child by pid. Other
// errors throw wb::Error("clone: ...").
Cloned clone_child(uint64_t flags, int cgroup_fd);

}  // namespace wb::process
