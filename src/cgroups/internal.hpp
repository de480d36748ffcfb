// Shared between the drivers and manager.cpp; not part of the runtime's interface.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "cgroups/manager.hpp"

namespace wb::cgroups {

// systemd's slice expansion: "a-b.slice" -> "/a.slice/a-b.slice", "-" -> "".
std::string expand_slice(const std::string& slice);

// Parses /proc/self/cgroup: controller (or "name=systemd", or "" for the 0:: line) -> path.
std::map<std::string, std::string> parse_proc_cgroup(const std::string& text);

// Drivers. `inner` is resolve_cgroups_path()'s result (absolute or relative).
std::unique_ptr<Manager> make_v2_manager(const std::string& inner, const Options& options);
std::unique_ptr<Manager> make_v1_manager(const std::string& inner, const Options& options,
                                         bool hybrid);
std::unique_ptr<Manager> open_v1_manager(const std::map<std::string, std::string>& paths,
                                         const Options& options, bool hybrid);

}  // namespace wb::cgroups
