// devices: there is no devices controller on v2; an eBPF program does its job.
#include "cgroups/v2/controllers.hpp"
#include "cgroups/v2/device_filter.hpp"

namespace wb::cgroups::v2 {

void apply_devices(int dirfd, const std::vector<oci::DeviceRule>& rules, bool load) {
    if (rules.empty()) return;  // the runtime always sends its default list; none = untouched
    auto program = build_device_filter(rules);  // validates even when not loading
    if (load) attach_device_filter(dirfd, program);
}

}  // namespace wb::cgroups::v2
