// rdma: rdma.max "<device> hca_handle=N hca_object=M", the same file format as v2's.
#include "cgroups/v1/controllers.hpp"
#include "cgroups/v2/controllers.hpp"

namespace wb::cgroups::v1 {

void apply_rdma(const Files& f, const std::string& dir, const std::map<std::string, oci::Rdma>& rdma) {
    v2::apply_rdma(f, dir, rdma);
}

}  // namespace wb::cgroups::v1
