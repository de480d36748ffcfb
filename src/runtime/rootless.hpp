// Rootless containers (docs/rootless.md): the runtime's side of linux/rootless.hpp. What
// runc's rootless mode decides for a user who is not root: the state directory, the
// checks create makes before it makes anything, the cgroup it may do without, and how the
// container's processes are found when it has no cgroup.
#pragma once
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "cgroups/manager.hpp"
#include "oci/spec.hpp"
#include "runtime/runtime.hpp"

namespace wb::runtime {

// Sets ctx.rootless from --rootless (auto|true|false) and, when --root was not given,
// ctx.root to $XDG_RUNTIME_DIR/whalebox as runc does (made 0700 with the sticky bit, so
// the XDG cleaner leaves it alone).
void apply_rootless_defaults(Context& ctx, const std::string& rootless_flag, bool root_given);

// create's checks for a caller that is not root, each one line: a user namespace, mappings
// within the caller's own ids (its uid/gid and /etc/subuid, /etc/subgid), and mount
// uid=/gid= options naming mapped ids (runc's rootless validation).
void check_rootless_spec(const oci::Spec& spec);

// Whether a cgroup error is one rootless mode may do without (EPERM, EACCES, EROFS).
bool cgroup_error_is_ignorable(int err);
// Whether the resources ask for a limit (devices aside: a rootless container has no
// device cgroup).
bool resources_need_cgroup(const oci::Resources& r);

// The processes of a container that has no cgroup: those in the init's pid namespace when
// it has its own, else the init alone.
std::vector<pid_t> pids_without_cgroup(pid_t init_pid);

}  // namespace wb::runtime
