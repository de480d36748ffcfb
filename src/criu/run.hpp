// Running criu: finding the binary and checking its version, and executing a command
// line built by src/criu/args.hpp (fork + execve, no shell).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "criu/notify.hpp"

namespace wb::criu {

// The criu binary `name` names (a path, or a name looked up in PATH), checked to run and
// to be new enough; throws wb::Error with one clear line when it is missing or too old.
std::string find_criu(const std::string& name);

// What the child does between fork and execve (join a cgroup, a mount namespace); it
// may add to criu's arguments what only the child can know (its cgroups). Throwing
// makes it exit 127 with the message on stderr.
using ChildSetup = std::function<void(std::vector<std::string>& args)>;

// Runs `criu ARGS...` with our stdio and the fds in keep_fds (made inheritable), waits
// for it and returns its wait status. With `notifications`, the reports of criu's
// action script go to `on_report` while criu runs (a throw there is rethrown once criu
// has exited).
int run(const std::string& criu, const std::vector<std::string>& args, const std::vector<int>& keep_fds,
        const ChildSetup& setup = {}, Notifications* notifications = nullptr, const NotifyHandler& on_report = {});

// "criu dump failed (exit status 1): Error (criu/...): ...; log: WORK/dump.log": the
// wait status and the last error line of the log.
std::string failure_message(const char* what, int wait_status, const std::string& log_path);

}  // namespace wb::criu
