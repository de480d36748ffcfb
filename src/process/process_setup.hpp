// The last steps before execve, shared by the container's init and by exec: process
// attributes, identity (user, capabilities, no_new_privs, seccomp) and the execve itself.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "linux/seccomp.hpp"
#include "oci/spec.hpp"

namespace wb::process {

// Memory policy, scheduler, I/O priority, personality, security labels. (rlimits are set by the parent
// with prlimit: inside a new user namespace a hard limit could no longer be raised.)
void apply_process_attributes(const oci::Process& proc, const oci::Linux* linux);

// Called with the seccomp notify fd (SCMP_ACT_NOTIFY) right after the filter is loaded.
using NotifyFdHandler = std::function<void(int notify_fd)>;

// Closes every fd from 3+preserve_fds up except `keep`, and makes 3..3+preserve_fds-1
// inheritable: only those reach the process (no runtime fd, CVE-2024-21626).
void close_runtime_fds(int preserve_fds, std::vector<int> keep);

// no_new_privileges, seccomp (now when NNP is off: it needs CAP_SYS_ADMIN), the bounding
// set, the user switch, the working directory (checked to be inside the root) and the
// capability sets, in runc's order.
void enter_identity(const oci::Process& proc, linux::SeccompFilter& seccomp, const NotifyFdHandler& on_notify);

// Loads the filter (it is no longer pending) and hands a notify fd to on_notify.
void load_seccomp_filter(linux::SeccompFilter& seccomp, const NotifyFdHandler& on_notify);

// process.env as the process gets it: a key given twice keeps its first place and takes
// its last value (as runc, which setenv()s each entry in turn).
std::vector<std::string> process_environment(const std::vector<std::string>& env);

// The environment the process is exec'd with: process_environment() plus HOME from the
// container's /etc/passwd when process.env has none ("/" for an unknown uid), as runc.
std::vector<std::string> exec_environment(const oci::Process& proc);

// Loads seccomp if it is still pending (NNP on: as late as possible) and execs; throws
// wb::Error when it cannot. With a `trampoline` fd (linux/exec_trampoline.hpp) the execve
// is made by the trampoline: this process execveat's it with {exe, args...}.
[[noreturn]] void exec_user_process(const std::string& exe, const oci::Process& proc,
                                    linux::SeccompFilter& seccomp, const NotifyFdHandler& on_notify,
                                    int trampoline = -1);

}  // namespace wb::process
