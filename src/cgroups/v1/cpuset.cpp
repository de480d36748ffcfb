// cpuset: cpus/mems, and the v1 rule that a new cpuset cgroup starts empty.
#include "cgroups/v1/controllers.hpp"

namespace wb::cgroups::v1 {

void apply_cpuset(const Files& f, const std::string& dir, const oci::Cpu& c) {
    if (!c.cpus.empty()) f.write(dir, "cpuset.cpus", c.cpus);
    if (!c.mems.empty()) f.write(dir, "cpuset.mems", c.mems);
}

void inherit_cpuset(const Files& f, const std::vector<std::string>& made_top_down) {
    for (const auto& dir : made_top_down) {
        std::string parent = parent_path(dir);
        for (const char* name : {"cpuset.cpus", "cpuset.mems"}) {
            auto mine = read_opt(dir, name);
            if (mine && !mine->empty()) continue;
            auto theirs = read_opt(parent, name);
            if (theirs && !theirs->empty()) f.write(dir, name, *theirs);
        }
    }
}

}  // namespace wb::cgroups::v1
