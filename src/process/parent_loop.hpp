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

// A child that sets itself up before `go` (the init, an exec'd process) may fail and exit
// while the runtime moves it into its cgroup, failing the move (or the prlimit, or `go`)
// too. Called when one of those fails: throws the child's own `error` report as wb::Error
// if one is waiting (its log records before it are logged); returns when there is none.
void rethrow_child_report(const SyncChannel& sync);

}  // namespace wb::process
