// Shared between the drivers and manager.cpp; not part of the runtime's interface.
#pragma once
#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cgroups/manager.hpp"

namespace wb::cgroups {

// systemd's slice expansion: "a-b.slice" -> "/a.slice/a-b.slice", "-" -> "".
std::string expand_slice(const std::string& slice);

// A systemd placement ("slice:prefix:name"): the unit ("prefix-name.scope"), the slice
// as systemd names it ("a-b.slice"; "-.slice" for the root) and the cgroup path
// ("/a.slice/a-b.slice/prefix-name.scope"). Throws wb::Error as runc (and without systemd).
struct SystemdUnit {
    std::string unit, slice, path;
};
SystemdUnit systemd_unit_of(const Placement& placement, const Options& options);

// Parses /proc/self/cgroup: controller (or "name=systemd", or "" for the 0:: line) -> path.
std::map<std::string, std::string> parse_proc_cgroup(const std::string& text);

// kill_all's common part, for both drivers: with SIGKILL the cgroup is frozen first
// (freeze; a failure only warns) so nothing forks between reading the pids and signalling
// them, then every pid is signalled (ESRCH ignored) and the cgroup thawed. On another kill
// error the freeze is undone (unfreeze, best effort) and "kill PID: ..." is thrown.
void signal_all(int signal, const std::function<std::vector<pid_t>()>& pids, const std::function<void()>& freeze,
                const std::function<void()>& thaw, const std::function<void()>& unfreeze);

// Drivers. `inner` is resolve_cgroups_path()'s result (absolute or relative).
std::unique_ptr<Manager> make_v2_manager(const std::string& inner, const Options& options);
std::unique_ptr<Manager> make_v1_manager(const std::string& inner, const Options& options,
                                         bool hybrid);
// The systemd driver (systemd/manager.cpp): a new scope, or one recorded at create.
std::unique_ptr<Manager> make_systemd_manager(const SystemdUnit& unit, const Options& options);
std::unique_ptr<Manager> open_systemd_manager_at(const std::string& path, const Options& options);
std::unique_ptr<Manager> open_v1_manager(const std::map<std::string, std::string>& paths,
                                         const Options& options, bool hybrid);

}  // namespace wb::cgroups
