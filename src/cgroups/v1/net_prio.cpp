// net_prio: one "ifname prio" write per interface to net_prio.ifpriomap.
#include "cgroups/v1/controllers.hpp"

namespace wb::cgroups::v1 {

void apply_net_prio(const Files& f, const std::string& dir, const oci::Network& n) {
    for (const auto& p : n.priorities)
        f.write(dir, "net_prio.ifpriomap", p.name + " " + std::to_string(p.priority));
}

}  // namespace wb::cgroups::v1
