// The runtime's side of creating a container's init: clone into the namespaces (and, on
// cgroup v2, straight into the cgroup), write id maps, join cgroups, run the create-time
// hooks, and wait until the init reports it is parked on the exec fifo.
#pragma once
#include <sys/types.h>

#include <functional>
#include <string>

#include "cgroups/manager.hpp"
#include "oci/spec.hpp"
#include "util/unique_fd.hpp"

namespace wb::process {

struct LaunchRequest {
    const oci::Spec* spec = nullptr;
    std::string id;
    std::string rootfs;  // absolute
    bool no_pivot = false;
    bool no_new_keyring = false;
    int preserve_fds = 0;
    int fifo_fd = -1;
    int console_socket = -1;
    cgroups::Manager* cgroup = nullptr;
    // State JSON for hooks, given the init's pid (status "creating").
    std::function<std::string(pid_t)> hook_state;
};

// The init, alive and parked. Killing it is the caller's job on later failures.
struct Init {
    pid_t pid = -1;
    UniqueFd pidfd;
};

// Throws wb::Error with the init's own message when setup fails; the init is then gone.
Init launch_init(const LaunchRequest& req);

// Kills and reaps a child init (rollback).
void kill_and_reap(pid_t pid);

}  // namespace wb::process
