// rdma: rdma.max "<device> hca_handle=N hca_object=M" (same file format as v2).
#include "cgroups/v1/controllers.hpp"

namespace wb::cgroups::v1 {

void apply_rdma(const Files& f, const std::string& dir,
                const std::map<std::string, oci::Rdma>& rdma) {
    for (const auto& [device, r] : rdma) {
        std::string line = device;
        if (r.hca_handles) line += " hca_handle=" + std::to_string(*r.hca_handles);
        if (r.hca_objects) line += " hca_object=" + std::to_string(*r.hca_objects);
        if (line != device) f.write(dir, "rdma.max", line);
    }
}

}  // namespace wb::cgroups::v1
