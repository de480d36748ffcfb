// The last steps before execve, shared by the container's init and by exec: process
// attributes, identity (user, capabilities, no_new_privs, seccomp) and the execve itself.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "linux/seccomp.hpp"
#include "oci/spec.hpp"

namespace wb::process {

// Scheduler, I/O priority, personality, security labels. (rlimits are set by the parent
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

// Loads seccomp if it is still pending (NNP on: as late as possible) and execs; throws
// wb::Error when it cannot.
[[noreturn]] void exec_user_process(const std::string& exe, const oci::Process& proc,
                                    linux::SeccompFilter& seccomp, const NotifyFdHandler& on_notify);

}  // namespace wb::process
