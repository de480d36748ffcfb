// prepare_rootfs and finalize_rootfs: the plan of linux/rootfs_plan.hpp, applied one
// phase at a time (the init sets up the console between the two).
#include "linux/rootfs.hpp"

#include "linux/rootfs_plan.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace wb::linux {

void prepare_rootfs(const oci::Spec& spec, const RootfsConfig& cfg, const std::function<void()>& before_pivot) {
    RootfsPlan plan = plan_rootfs(spec, cfg);
    apply_rootfs(plan, Phase::prepare, cfg, before_pivot);
}

void finalize_rootfs(const oci::Spec& spec, bool in_user_namespace, bool mount_namespace) {
    RootfsConfig cfg;
    cfg.rootfs = "/";
    cfg.in_user_namespace = in_user_namespace;
    cfg.mount_namespace = mount_namespace;
    apply_rootfs(plan_rootfs(spec, cfg), Phase::finalize, cfg);
}

void apply_sysctl(const std::map<std::string, std::string>& sysctl) {
    oci::Spec spec;
    spec.linux.emplace();
    spec.linux->sysctl = sysctl;
    RootfsConfig cfg;
    cfg.rootfs = "/";
    RootfsPlan plan = plan_rootfs(spec, cfg);
    RootfsPlan only_sysctl;
    for (const auto& op : plan.ops)
        if (op.step == RootfsStep::sysctl) only_sysctl.ops.push_back(op);
    apply_rootfs(only_sysctl, Phase::finalize, cfg);
}

}  // namespace wb::linux
