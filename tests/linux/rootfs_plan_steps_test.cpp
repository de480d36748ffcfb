// The rootfs plan's later steps (issue 11, the mount items): recursive attributes,
// read-only tmpfs and /dev made so at finalize, no mount namespace, unbindable, --no-pivot's
// host proc/sysfs list; applied through the recording double where the kernel is involved.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <string>
#include <vector>

#include "linux/rootfs_plan.hpp"
#include "linux/rootfs_steps.hpp"
#include "oci/default_spec.hpp"
#include "recording_syscalls.hpp"
#include "util/error.hpp"

namespace {

using wb::linux::MountOp;
using wb::linux::Phase;
using wb::linux::plan_rootfs;
using wb::linux::RootfsConfig;
using wb::linux::RootfsPlan;
using wb::linux::RootfsStep;
using wb::linux::Where;

RootfsConfig v2_config() {
    RootfsConfig cfg;
    cfg.rootfs = "/bundle/rootfs";
    cfg.cgroup2_host = true;
    cfg.new_cgroup_namespace = true;
    return cfg;
}

wb::oci::Mount mount_of(const std::string& dest, const std::string& type, const std::string& source,
                        std::vector<std::string> options) {
    wb::oci::Mount m;
    m.destination = dest;
    m.type = type;
    m.source = source;
    m.options = std::move(options);
    return m;
}

std::vector<const MountOp*> steps(const RootfsPlan& plan, RootfsStep step) {
    std::vector<const MountOp*> out;
    for (const auto& op : plan.ops)
        if (op.step == step) out.push_back(&op);
    return out;
}

TEST(RootfsPlanSteps, RecursiveOptionsComeAfterTheRemountAndBeforeThePropagation) {
    wb::oci::Spec spec;
    spec.mounts = {mount_of("/data", "bind", "/host", {"rbind", "ro", "rnosuid", "rnoexec", "rprivate"})};
    RootfsPlan plan = plan_rootfs(spec, v2_config());
    std::vector<RootfsStep> order;
    for (const auto& op : plan.ops)
        if (op.target == "/data") order.push_back(op.step);
    EXPECT_EQ(order, (std::vector<RootfsStep>{RootfsStep::bind, RootfsStep::remount_bind, RootfsStep::recursive_attrs,
                                               RootfsStep::propagation}));
    auto attrs = steps(plan, RootfsStep::recursive_attrs);
    ASSERT_EQ(attrs.size(), 1u);
    EXPECT_EQ(attrs[0]->attr_set, static_cast<uint64_t>(MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC));
    EXPECT_EQ(attrs[0]->attr_clr, 0u);
}

TEST(RootfsPlanSteps, AnUnknownBindOptionIsRefusedNamingTheMount) {
    wb::oci::Spec spec;
    spec.mounts = {mount_of("/data", "bind", "/host", {"rbind", "rfoo"})};
    try {
        plan_rootfs(spec, v2_config());
        FAIL() << "planned";
    } catch (const wb::Error& e) {
        EXPECT_STREQ(e.what(), "mount /host on /data: mount option \"rfoo\" is not known");
    }
}

TEST(RootfsPlanSteps, AReadOnlyDevAndTmpfsAreMountedWritableAndMadeReadOnlyAtFinalize) {
    wb::oci::Spec spec = wb::oci::default_spec();
    for (auto& m : spec.mounts)
        if (m.destination == "/dev") m.options.push_back("ro");
    spec.mounts.push_back(mount_of("/scratch", "tmpfs", "tmpfs", {"ro", "nosuid"}));
    RootfsPlan plan = plan_rootfs(spec, v2_config());
    for (const auto& op : plan.ops) {
        if (op.step == RootfsStep::mount && (op.target == "/dev" || op.target == "/scratch")) {
            EXPECT_FALSE(op.flags & MS_RDONLY) << op.describe();
        }
    }
    auto ro = steps(plan, RootfsStep::remount_readonly);
    ASSERT_EQ(ro.size(), 2u);
    EXPECT_EQ(ro[0]->target, "/dev");
    EXPECT_EQ(ro[1]->target, "/scratch");
    EXPECT_EQ(ro[1]->flags, static_cast<unsigned long>(MS_RDONLY | MS_NOSUID));
    EXPECT_EQ(ro[1]->phase, Phase::finalize);
    EXPECT_EQ(ro[1]->where, Where::container);
    // After the masked paths, before root.readonly.
    size_t last_mask = 0, first_ro = 0, root_ro = 0;
    for (size_t i = 0; i < plan.ops.size(); ++i) {
        if (plan.ops[i].step == RootfsStep::mask_path) last_mask = i;
        if (plan.ops[i].step == RootfsStep::remount_readonly && !first_ro) first_ro = i;
        if (plan.ops[i].step == RootfsStep::remount_root_readonly) root_ro = i;
    }
    EXPECT_LT(last_mask, first_ro);
    EXPECT_LT(first_ro, root_ro);
}

TEST(RootfsPlanSteps, WithoutAMountNamespaceTheCallersRootIsLeftAloneAndTheLastStepIsAChroot) {
    wb::oci::Spec spec = wb::oci::default_spec();
    spec.linux->masked_paths.clear();
    spec.linux->readonly_paths.clear();
    spec.root->readonly = true;
    RootfsConfig cfg = v2_config();
    cfg.mount_namespace = false;
    cfg.no_pivot = true;  // still no MS_MOVE, nothing unmounted
    RootfsPlan plan = plan_rootfs(spec, cfg);
    for (const auto& op : plan.ops) {
        EXPECT_FALSE(op.step == RootfsStep::propagation && op.target == "/") << op.describe();
        EXPECT_NE(op.step, RootfsStep::pivot_root);
        EXPECT_NE(op.step, RootfsStep::chroot);
        EXPECT_NE(op.step, RootfsStep::remount_root_readonly);  // runc skips finalizeRootfs
    }
    EXPECT_EQ(steps(plan, RootfsStep::chroot_in_place).size(), 1u);
}

TEST(RootfsPlanSteps, AnUnbindableRootfsIsRslaveUntilAfterPivotRoot) {
    wb::oci::Spec spec = wb::oci::default_spec();
    spec.linux->rootfs_propagation = "unbindable";
    RootfsPlan plan = plan_rootfs(spec, v2_config());
    auto props = steps(plan, RootfsStep::propagation);
    ASSERT_GE(props.size(), 2u);
    EXPECT_EQ(props.front()->flags, static_cast<unsigned long>(MS_SLAVE | MS_REC));
    EXPECT_EQ(props.back()->flags, static_cast<unsigned long>(MS_UNBINDABLE));
    EXPECT_EQ(props.back()->where, Where::container);
}

TEST(RootfsPlanSteps, NoPivotListsTheHostsFullProcAndSysfsOutsideTheRootfs) {
    std::string mountinfo =
        "21 26 0:20 / /proc rw,relatime - proc proc rw\n"
        "22 26 0:21 / /sys rw,relatime shared:2 - sysfs sysfs rw\n"
        "40 21 0:20 /sys /elsewhere/proc-sys rw - proc proc rw\n"  // not a full mount
        "41 26 0:40 / /bundle/rootfs/proc rw - proc proc rw\n"      // the container's own
        "42 26 0:41 / /a\\040b rw - sysfs sysfs rw\n"
        "43 26 0:42 / /tmp rw - tmpfs tmpfs rw\n";
    EXPECT_EQ(wb::linux::full_proc_and_sysfs_mounts(mountinfo, "/bundle/rootfs"),
              (std::vector<std::string>{"/proc", "/sys", "/a b"}));
}

TEST(RootfsPlanSteps, RecursiveAttrsAreOneMountSetattrWithAtRecursive) {
    wb::testing::RecordingSyscalls rec;
    wb::linux::ScopedSyscalls scoped(rec);
    wb::linux::set_recursive_attrs("/proc/self/fd/7", MOUNT_ATTR_RDONLY, MOUNT_ATTR__ATIME, "rro");
    auto calls = rec.named("mount_setattr");
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_NE(calls[0].find("/proc/self/fd/7"), std::string::npos) << calls[0];
    EXPECT_NE(calls[0].find("0x1/0x70/0x0"), std::string::npos) << calls[0];
}

}  // namespace
