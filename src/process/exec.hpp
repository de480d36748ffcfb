// exec: a new process inside a running container, joining its init's namespaces.
#pragma once
#include <sys/types.h>

#include <string>

#include "cgroups/manager.hpp"
#include "oci/spec.hpp"
#include "util/unique_fd.hpp"

namespace wb::process {

struct ExecRequest {
    pid_t init_pid = -1;
    const oci::Process* process = nullptr;
    const oci::Spec* spec = nullptr;  // the container's config (namespaces, seccomp, ...)
    cgroups::Manager* cgroup = nullptr;
    int preserve_fds = 0;
    int console_socket = -1;
    std::string state_json;  // for the seccomp agent
};

struct ExecChild {
    pid_t pid = -1;
    UniqueFd pidfd;
};

// Starts the process; returns once it has called execve (errors before that throw with the
// child's own message).
ExecChild launch_exec(const ExecRequest& req);

}  // namespace wb::process
