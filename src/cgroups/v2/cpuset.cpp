// cpuset: cpuset.cpus / cpuset.mems.
#include "cgroups/v2/controllers.hpp"

namespace wb::cgroups::v2 {

void apply_cpuset(const Files& f, const std::string& dir, const oci::Cpu& c) {
    if (!c.cpus.empty()) f.write(dir, "cpuset.cpus", c.cpus);
    if (!c.mems.empty()) f.write(dir, "cpuset.mems", c.mems);
}

}  // namespace wb::cgroups::v2
