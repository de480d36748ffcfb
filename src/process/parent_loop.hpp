// The runtime's side of the sync channel while a child (the init, an exec'd process) sets
// itself up: one loop for both. Log records are logged here, the rest goes to handlers.
#pragma once
#include <functional>
#include <string>

#include "process/sync.hpp"

namespace wb::process {

struct ChildRequests {
    // SyncType::seccomp_fd: the notify fd for the agent. Empty: an unexpected message.
    std::function<void(const SyncMessage&)> seccomp_fd;
    // SyncType::run_hooks: the init's mounts are done. Empty: an unexpected message.
    std::function<void()> run_hooks;
};

enum class SetupEnd {
    ready,    // the init: `ready` ends the setup
    execve,   // an exec'd process: its execve closes the channel, which ends the setup
};

// Serves the child's messages until the setup ends. The child's `error` message is thrown
// as wb::Error with its text; any other message is thrown as Error(unexpected).
void serve_child_messages(const SyncChannel& sync, SetupEnd end, const ChildRequests& requests,
                          const std::string& unexpected);

// Runs `before_go` (the runtime's part: id maps, the cgroup move, the rlimits), then sends
// `go`. A child that sets itself up before `go` (the init, an exec'd process) may fail and
// exit meanwhile, failing one of those too: when its own `error` report is waiting, that
// is thrown as wb::Error instead (its log records before it are logged).
void send_go(const SyncChannel& sync, const std::function<void()>& before_go);

}  // namespace wb::process
