// net_cls: net_cls.classid.
#include "cgroups/v1/controllers.hpp"

namespace wb::cgroups::v1 {

void apply_net_cls(const Files& f, const std::string& dir, const oci::Network& n) {
    if (n.class_id) f.write(dir, "net_cls.classid", std::to_string(*n.class_id));
}

}  // namespace wb::cgroups::v1
