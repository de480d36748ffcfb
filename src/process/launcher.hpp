// The runtime's side of creating a container's init: clone into the namespaces (and, on
// cgroup v2, straight into the cgroup), write id maps, join cgroups, run the create-time
// hooks, and wait until the init reports it is parked on the exec fifo.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>

#include "cgroups/manager.hpp"
#include "linux/namespaces.hpp"
#include "oci/spec.hpp"
#include "process/child.hpp"
#include "process/sync.hpp"
#include "state/oci_state.hpp"

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
    // Called with the init's pid while it finishes its setup: right after `go`, or once
    // it is ready when createRuntime/prestart/createContainer hooks run (they must still
    // see the container creating). create writes the container's record there; a throw
    // fails the launch.
    std::function<void(pid_t)> record;
    // The container's state for the hooks and the seccomp agent (status "creating"); the
    // pid is filled in: the init's host pid in the runtime, its own in the container.
    state::OciState state;
};

// Returns the init, alive and parked on the exec fifo. The Child kills it when dropped:
// release() it once the container is recorded. Throws wb::Error with the init's own
// message when setup fails; the init is then gone.
Child launch_init(const LaunchRequest& req);

// launch_init's second half, the runtime's side once the init exists (tests drive it with
// a fake init at the other end of `sync`): id maps, the rest of the cgroup join
// (Manager::finish_join), rlimits, `go`, then the init's requests until it is `ready`. On
// failure the init is killed and reaped and the error rethrown, saying so when the
// cgroup's OOM-kill count has grown past `ooms_before`.
void set_up_init(const LaunchRequest& req, const linux::NamespacePlan& plan, Child& init, cgroups::Joined joined,
                 uint64_t ooms_before, const SyncChannel& sync);

// The cgroup's OOM-kill count; 0 without a cgroup or when it cannot be read.
uint64_t oom_kill_count(const cgroups::Manager* cgroup);

}  // namespace wb::process
