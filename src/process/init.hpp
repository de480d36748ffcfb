// The container's init: runs in the cloned child, sets everything up, parks on the exec
// fifo, and execs the user process when `start` opens the fifo.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "cgroups/manager.hpp"
#include "linux/namespaces.hpp"
#include "linux/rootfs.hpp"
#include "oci/spec.hpp"
#include "process/sync.hpp"
#include "state/oci_state.hpp"

namespace wb::process {

struct InitConfig {
    const oci::Spec* spec = nullptr;
    std::string id;
    linux::RootfsConfig rootfs;
    const linux::NamespacePlan* namespaces = nullptr;
    bool no_new_keyring = false;
    int preserve_fds = 0;     // fds 3 .. 3+N-1 pass to the process
    int fifo_fd = -1;         // O_PATH fd of ROOT/ID/exec.fifo
    int console_socket = -1;  // connected --console-socket, or -1
    bool create_hooks = false;      // stop before pivot_root for the parent's hooks
    bool unshare_cgroupns = false;  // v1: the cgroup namespace comes after joining the cgroups
    // An unprivileged runtime writes our id maps itself: /proc/PID/uid_map is only its to
    // open while we are dumpable, so we turn non-dumpable after `go` (runc does the same).
    bool dumpable_until_go = false;
    // The init mounts its rootfs while the runtime finishes its cgroup join (what it did
    // not join itself, cgroup_join, or through the clone) and sets its rlimits, and waits
    // for `go` only before it takes the process's identity (docs/performance.md rounds 6
    // and 9). Only with no user namespace (the ids are mapped before `go`), no create
    // hooks (they see the init in its cgroups), no cgroup namespace to unshare after the
    // move and no systemd scope (its directory, which the init may mount, comes with the
    // move): launch_init decides.
    bool setup_before_go = false;
    // Written by the init first thing (v1's `tasks` files), or null / empty.
    cgroups::SelfJoin* cgroup_join = nullptr;
    std::vector<oci::Hook> create_container_hooks;
    state::OciState state;  // for the hooks run in the container (pid and status set then)
};

// Never returns: execs the process, or reports the failure on `sync` and _exits.
[[noreturn]] void container_init(const InitConfig& cfg, SyncChannel& sync) noexcept;

// Finds the executable for args[0] in PATH from env (as the container sees it).
// Throws Error("exec: \"foo\": executable file not found in $PATH").
std::string find_executable(const std::string& name, const std::vector<std::string>& env);

}  // namespace wb::process
