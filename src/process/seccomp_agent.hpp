// linux.seccomp.listenerPath: the notify fd's way from the child that loaded the filter to
// the agent. As runc does, the child sends the fd to the runtime over the sync channel and
// the runtime connects: from the host's mount namespace (listenerPath is a host path; the
// child may have pivoted already) and knowing the host's pid of the process.
#pragma once
#include <sys/types.h>

#include <string>

#include "oci/spec.hpp"
#include "process/process_setup.hpp"
#include "process/sync.hpp"
#include "state/oci_state.hpp"

namespace wb::process {

// The message runc sends to a seccomp agent, a ContainerProcessState:
// {"ociVersion", "fds": ["seccompFd"], "pid", "metadata" (when not empty), "state"}, with
// `pid` the process that loaded the filter and ociVersion the state's.
std::string seccomp_agent_message(const state::OciState& state, pid_t pid, const std::string& metadata);

// In the child: a handler that sends the notify fd to the parent and waits for the
// parent's answer (an error from it is rethrown); empty when there is no listenerPath.
NotifyFdHandler notify_fd_to_parent(const oci::Spec& spec, const SyncChannel& sync);

// In the parent, on SyncType::seccomp_fd: sends the fd to the agent with the container's
// state (whose pid is the init's) and `pid`, the process that loaded the filter, then
// answers the child. Throws wb::Error when the agent cannot be reached.
void forward_to_seccomp_agent(const oci::Spec& spec, const SyncMessage& m, const state::OciState& state,
                              pid_t pid, const SyncChannel& sync);

}  // namespace wb::process
