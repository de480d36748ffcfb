// exec: a new process inside a running container, joining its init's namespaces.
#pragma once
#include <sys/types.h>

#include <string>

#include "cgroups/manager.hpp"
#include "oci/spec.hpp"
#include "process/child.hpp"
#include "state/oci_state.hpp"

namespace wb::process {

struct ExecRequest {
    pid_t init_pid = -1;
    const oci::Process* process = nullptr;
    const oci::Spec* spec = nullptr;  // the container's config (namespaces, seccomp, ...)
    cgroups::Manager* cgroup = nullptr;
    int preserve_fds = 0;
    int console_socket = -1;
    state::OciState state;  // the container's, for the seccomp agent
    // A sealed exec trampoline (linux/exec_trampoline.hpp) the process's execve goes
    // through, or -1 for a direct execve (the runtime then runs from a sealed copy).
    int exec_trampoline = -1;
};

// Starts the process; returns once it has called execve (errors before that throw with the
// child's own message, the child killed and reaped). The Child kills the process when
// dropped: release() it to leave it running.
Child launch_exec(const ExecRequest& req);

}  // namespace wb::process
