// cpuset: cpus/mems, and the v1 rule that a new cpuset cgroup starts empty.
#include "cgroups/v1/controllers.hpp"

namespace wb::cgroups::v1 {

void apply_cpuset(const Files& f, const std::string& dir, const oci::Cpu& c) {
    if (!c.cpus.empty()) f.write(dir, "cpuset.cpus", c.cpus);
    if (!c.mems.empty()) f.write(dir, "cpuset.mems", c.mems);
}

void inherit_cpuset(const Files& f, const std::string& mount, const std::string& leaf) {
    // Top-down from the first level below the mount: an existing-but-empty file means the
    // cgroup cannot take tasks yet (runc fills such parents too); a missing file is left be.
    std::string cur = mount;
    for (const auto& part : split(leaf.substr(mount.size()), "/")) {
        std::string parent = cur;
        cur = cur + "/" + part;
        for (const char* name : {"cpuset.cpus", "cpuset.mems"}) {
            auto mine = read_opt(cur, name);
            if (!mine || !mine->empty()) continue;
            auto theirs = read_opt(parent, name);
            if (theirs && !theirs->empty()) f.write(cur, name, *theirs);
        }
    }
}

}  // namespace wb::cgroups::v1
