// The rootfs plan is pure: these tests read it without a kernel and without root.
#include "linux/rootfs_plan.hpp"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <string>
#include <vector>

#include "oci/default_spec.hpp"
#include "util/error.hpp"

namespace {

using wb::linux::clean_path;
using wb::linux::MountOp;
using wb::linux::Phase;
using wb::linux::plan_rootfs;
using wb::linux::RootfsConfig;
using wb::linux::RootfsPlan;
using wb::linux::RootfsStep;

RootfsConfig v2_config() {
    RootfsConfig cfg;
    cfg.rootfs = "/bundle/rootfs";
    cfg.cgroup2_host = true;
    cfg.new_cgroup_namespace = true;
    return cfg;
}

std::vector<const MountOp*> steps(const RootfsPlan& plan, RootfsStep step) {
    std::vector<const MountOp*> out;
    for (const auto& op : plan.ops)
        if (op.step == step) out.push_back(&op);
    return out;
}

int index_of(const RootfsPlan& plan, RootfsStep step, const std::string& target = "") {
    for (size_t i = 0; i < plan.ops.size(); ++i)
        if (plan.ops[i].step == step && (target.empty() || plan.ops[i].target == target)) return static_cast<int>(i);
    return -1;
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

std::string plan_error(const wb::oci::Mount& m) {
    wb::oci::Spec spec;
    spec.mounts = {m};
    try {
        plan_rootfs(spec, v2_config());
    } catch (const wb::Error& e) {
        return e.what();
    }
    return "";
}

TEST(RootfsPlan, TheDefaultSpecMountsProcDevPtsShmMqueueSysAndCgroupInOrder) {
    RootfsPlan plan = plan_rootfs(wb::oci::default_spec(), v2_config());
    auto mounts = steps(plan, RootfsStep::mount);
    ASSERT_EQ(mounts.size(), 7u) << plan.describe();
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"/proc", "proc"},         {"/dev", "tmpfs"},  {"/dev/pts", "devpts"},         {"/dev/shm", "tmpfs"},
        {"/dev/mqueue", "mqueue"}, {"/sys", "sysfs"},  {"/sys/fs/cgroup", "cgroup2"},
    };
    for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(mounts[i]->target, expected[i].first);
        EXPECT_EQ(mounts[i]->fstype, expected[i].second);
    }
    EXPECT_EQ(mounts[1]->flags, static_cast<unsigned long>(MS_NOSUID | MS_STRICTATIME));
    EXPECT_EQ(mounts[1]->data, "mode=755,size=65536k");
    EXPECT_EQ(mounts[2]->fallback, wb::linux::Fallback::devpts_without_gid);
    EXPECT_EQ(mounts[3]->flags, static_cast<unsigned long>(MS_NOSUID | MS_NOEXEC | MS_NODEV));
    EXPECT_EQ(mounts[5]->flags, static_cast<unsigned long>(MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY));
    EXPECT_EQ(mounts[5]->fallback, wb::linux::Fallback::sysfs_bind_host);
    EXPECT_EQ(mounts[6]->flags, static_cast<unsigned long>(MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY));
    EXPECT_EQ(mounts[0]->describe(), "mount proc on /proc type proc");
}

TEST(RootfsPlan, TheRootGoesRslaveFirstAndPivotRootComesAfterEveryMountAndTheHooks) {
    RootfsPlan plan = plan_rootfs(wb::oci::default_spec(), v2_config());
    ASSERT_GE(plan.ops.size(), 3u);
    EXPECT_EQ(plan.ops[0].step, RootfsStep::propagation);
    EXPECT_EQ(plan.ops[0].target, "/");
    EXPECT_EQ(plan.ops[0].flags, static_cast<unsigned long>(MS_SLAVE | MS_REC));
    EXPECT_EQ(plan.ops[1].describe(), "bind-rootfs /bundle/rootfs on /bundle/rootfs flags bind|rec");
    int devices = index_of(plan, RootfsStep::devices);
    int hooks = index_of(plan, RootfsStep::create_hooks);
    int pivot = index_of(plan, RootfsStep::pivot_root);
    EXPECT_GT(devices, index_of(plan, RootfsStep::mount, "/sys/fs/cgroup"));
    EXPECT_GT(hooks, devices);
    EXPECT_EQ(pivot, hooks + 1);
    for (int i = 0; i < static_cast<int>(plan.ops.size()); ++i)
        EXPECT_EQ(plan.ops[static_cast<size_t>(i)].phase, i <= pivot ? Phase::prepare : Phase::finalize)
            << plan.ops[static_cast<size_t>(i)].describe();
    EXPECT_EQ(index_of(plan, RootfsStep::chroot), -1);

    RootfsConfig no_pivot = v2_config();
    no_pivot.no_pivot = true;
    RootfsPlan chroot = plan_rootfs(wb::oci::default_spec(), no_pivot);
    EXPECT_EQ(index_of(chroot, RootfsStep::pivot_root), -1);
    EXPECT_EQ(index_of(chroot, RootfsStep::chroot), index_of(chroot, RootfsStep::create_hooks) + 1);
}

TEST(RootfsPlan, BindOptionsBecomeABindARemountForTheRestAndAPropagation) {
    wb::oci::Spec spec;
    spec.mounts = {mount_of("/data", "bind", "/host/data", {"rbind", "ro", "nosuid", "rprivate"}),
                   mount_of("/etc/hosts", "none", "/host/hosts", {"bind"})};
    RootfsPlan plan = plan_rootfs(spec, v2_config());
    auto binds = steps(plan, RootfsStep::bind);
    ASSERT_EQ(binds.size(), 2u);
    EXPECT_EQ(binds[0]->flags, static_cast<unsigned long>(MS_BIND | MS_REC));
    EXPECT_EQ(binds[0]->source, "/host/data");
    EXPECT_EQ(binds[1]->flags, static_cast<unsigned long>(MS_BIND));  // "bind" is not recursive
    auto remounts = steps(plan, RootfsStep::remount_bind);
    ASSERT_EQ(remounts.size(), 1u);  // a plain bind needs no remount
    EXPECT_EQ(remounts[0]->target, "/data");
    EXPECT_EQ(remounts[0]->flags, static_cast<unsigned long>(MS_RDONLY | MS_NOSUID));
    int bind = index_of(plan, RootfsStep::bind, "/data");
    EXPECT_EQ(plan.ops[static_cast<size_t>(bind + 1)].step, RootfsStep::remount_bind);
    EXPECT_EQ(plan.ops[static_cast<size_t>(bind + 2)].describe(), "propagation /data flags rec|private");
}

TEST(RootfsPlan, RecursiveAndClearingOptionsAndTmpcopyup) {
    wb::oci::Spec spec;
    spec.mounts = {mount_of("/run", "tmpfs", "tmpfs", {"nosuid", "ro", "rw", "tmpcopyup", "size=1m"}),
                   mount_of("/x/../data/", "bind", "/h", {"bind", "noexec", "exec", "nodev", "rshared"})};
    RootfsPlan plan = plan_rootfs(spec, v2_config());
    auto copy_up = steps(plan, RootfsStep::tmpfs_copy_up);
    ASSERT_EQ(copy_up.size(), 1u);
    EXPECT_EQ(copy_up[0]->flags, static_cast<unsigned long>(MS_NOSUID));  // "rw" clears "ro"
    EXPECT_EQ(copy_up[0]->data, "size=1m");
    auto remounts = steps(plan, RootfsStep::remount_bind);
    ASSERT_EQ(remounts.size(), 1u);
    EXPECT_EQ(remounts[0]->target, "/data");  // the destination is cleaned
    EXPECT_EQ(remounts[0]->flags, static_cast<unsigned long>(MS_NODEV));
    auto propagation = steps(plan, RootfsStep::propagation);
    ASSERT_EQ(propagation.back()->target, "/data");
    EXPECT_EQ(propagation.back()->flags, static_cast<unsigned long>(MS_SHARED | MS_REC));
}

TEST(RootfsPlan, CgroupV1IsATmpfsWithOneOptionalHierarchyStepEach) {
    RootfsConfig cfg;
    cfg.rootfs = "/r";
    cfg.cgroup_binds = {{"memory", "/sys/fs/cgroup/memory/c1"}, {"systemd", "/sys/fs/cgroup/systemd/c1"}};
    wb::oci::Spec spec;
    spec.mounts = {mount_of("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "ro"})};
    RootfsPlan plan = plan_rootfs(spec, cfg);
    // The remount's ro, nosuid, nodev and noexec as attributes (0xf), all four cleared
    // first along with nosymfollow (0x20000f); no atime option, so that is left alone.
    std::string expected =
        "propagation / flags rec|slave\n"
        "bind-rootfs /r on /r flags bind|rec\n"
        "mount tmpfs on /sys/fs/cgroup type tmpfs flags nosuid data mode=755\n"
        "cgroup-hierarchy /sys/fs/cgroup/memory/c1 on /sys/fs/cgroup/memory attrs +0xf -0x20000f (if present)\n"
        "cgroup-hierarchy /sys/fs/cgroup/systemd/c1 on /sys/fs/cgroup/systemd attrs +0xf -0x20000f (if present)\n"
        "remount-bind /sys/fs/cgroup flags rdonly|nosuid\n";
    EXPECT_EQ(plan.describe().substr(0, expected.size()), expected);
}

TEST(RootfsPlan, CgroupV1InAUserNamespaceBindsAndRemountsEachHierarchy) {
    RootfsConfig cfg;
    cfg.rootfs = "/r";
    cfg.in_user_namespace = true;  // locked flags: the remount keeps them
    cfg.cgroup_binds = {{"memory", "/sys/fs/cgroup/memory/c1"}, {"systemd", "/sys/fs/cgroup/systemd/c1"}};
    wb::oci::Spec spec;
    spec.mounts = {mount_of("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "ro"})};
    RootfsPlan plan = plan_rootfs(spec, cfg);
    std::string expected =
        "propagation / flags rec|slave\n"
        "bind-rootfs /r on /r flags bind|rec\n"
        "mount tmpfs on /sys/fs/cgroup type tmpfs flags nosuid data mode=755\n"
        "bind /sys/fs/cgroup/memory/c1 on /sys/fs/cgroup/memory flags bind|rec (if present)\n"
        "remount-bind /sys/fs/cgroup/memory flags rdonly|nosuid|nodev|noexec (if present)\n";
    EXPECT_EQ(plan.describe().substr(0, expected.size()), expected);
    EXPECT_TRUE(steps(plan, RootfsStep::cgroup_hierarchy).empty());
    auto remounts = steps(plan, RootfsStep::remount_bind);
    ASSERT_EQ(remounts.size(), 3u);
    EXPECT_EQ(remounts[2]->target, "/sys/fs/cgroup");
    EXPECT_FALSE(remounts[2]->optional);
}

TEST(RootfsPlan, SharedRootfsPropagationMakesTheParentPrivateBeforePivotAndSharedAfter) {
    wb::oci::Spec spec;
    spec.linux.emplace();
    spec.linux->rootfs_propagation = "rshared";
    RootfsPlan plan = plan_rootfs(spec, v2_config());
    int parent = index_of(plan, RootfsStep::make_parent_private);
    int pivot = index_of(plan, RootfsStep::pivot_root);
    ASSERT_GT(parent, 0);
    EXPECT_EQ(plan.ops[static_cast<size_t>(parent + 1)].describe(), "propagation /bundle/rootfs flags private");
    EXPECT_EQ(plan.ops[static_cast<size_t>(parent + 2)].describe(), "propagation / flags private");
    EXPECT_EQ(pivot, parent + 3);
    const MountOp& after = plan.ops[static_cast<size_t>(pivot + 1)];
    EXPECT_EQ(after.describe(), "propagation / flags rec|shared");
    EXPECT_EQ(after.where, wb::linux::Where::container);
}

TEST(RootfsPlan, FinalizeWritesSysctlThenReadonlyThenMaskedPathsThenRootReadonly) {
    wb::oci::Spec spec = wb::oci::default_spec();
    spec.linux->sysctl = {{"net.ipv4.ip_forward", "1"}};
    spec.root->readonly = true;
    RootfsPlan plan = plan_rootfs(spec, v2_config());
    int sysctl = index_of(plan, RootfsStep::sysctl);
    int readonly = index_of(plan, RootfsStep::readonly_path, "/proc/bus");
    int masked = index_of(plan, RootfsStep::mask_path, "/proc/acpi");
    int root = index_of(plan, RootfsStep::remount_root_readonly);
    EXPECT_GT(sysctl, index_of(plan, RootfsStep::pivot_root));
    EXPECT_GT(readonly, sysctl);
    EXPECT_GT(masked, index_of(plan, RootfsStep::readonly_path, "/proc/sysrq-trigger"));
    EXPECT_EQ(root, static_cast<int>(plan.ops.size()) - 1);
    EXPECT_EQ(plan.ops[static_cast<size_t>(sysctl)].describe(), "sysctl net.ipv4.ip_forward = 1");
    EXPECT_EQ(steps(plan, RootfsStep::mask_path).size(), spec.linux->masked_paths.size());
}

TEST(RootfsPlan, OnlyProcIsMountedOnProc) {
    EXPECT_EQ(plan_error(mount_of("/proc", "tmpfs", "tmpfs", {})),
              "mount tmpfs on /proc: \"/proc\" cannot be mounted because it is not of type proc");
    EXPECT_EQ(plan_error(mount_of("/proc/", "sysfs", "sysfs", {})),
              "mount sysfs on /proc: \"/proc\" cannot be mounted because it is not of type proc");
    EXPECT_EQ(plan_error(mount_of("/proc", "proc", "proc", {})), "");
    // A bind of a procfs is allowed (runc): its source is checked when applied.
    wb::oci::Spec spec;
    spec.mounts = {mount_of("/proc", "bind", "/host/rootfs-dir", {"rbind"})};
    RootfsPlan plan = plan_rootfs(spec, v2_config());
    ASSERT_EQ(steps(plan, RootfsStep::bind).size(), 1u);
    EXPECT_TRUE(steps(plan, RootfsStep::bind)[0]->source_must_be_procfs);
}

TEST(RootfsPlan, NothingIsMountedInsideProcButTheLxcfsFiles) {
    EXPECT_EQ(plan_error(mount_of("/proc/sys/kernel", "bind", "/host/x", {"rbind"})),
              "mount /host/x on /proc/sys/kernel: \"/proc/sys/kernel\" cannot be mounted because it is inside /proc");
    EXPECT_NE(plan_error(mount_of("/proc/self/attr", "bind", "/host/x", {"bind"})), "");
    EXPECT_NE(plan_error(mount_of("/proc/sys", "tmpfs", "tmpfs", {})), "");
    EXPECT_NE(plan_error(mount_of("/dev/../proc/sysrq-trigger", "bind", "/dev/null", {"bind"})), "");
    EXPECT_NE(plan_error(mount_of("/proc/cpuinfo/x", "bind", "/h", {"bind"})), "");
    for (const char* lxcfs : {"/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps",
                              "/proc/uptime", "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev",
                              "/proc/sys/kernel/ns_last_pid"})
        EXPECT_EQ(plan_error(mount_of(lxcfs, "bind", "/var/lib/lxcfs/x", {"bind"})), "") << lxcfs;
    // Outside /proc, a name that only starts with "proc" is fine.
    EXPECT_EQ(plan_error(mount_of("/procfoo", "tmpfs", "tmpfs", {})), "");
    wb::oci::Spec spec;
    spec.mounts = {mount_of("/proc/meminfo", "bind", "/var/lib/lxcfs/proc/meminfo", {"bind", "ro"})};
    RootfsPlan plan = plan_rootfs(spec, v2_config());
    for (const auto* op : steps(plan, RootfsStep::bind)) EXPECT_TRUE(op->allowed_in_proc);
    for (const auto* op : steps(plan, RootfsStep::remount_bind)) EXPECT_TRUE(op->allowed_in_proc);
}

TEST(RootfsPlan, CleanPathIsLexicalAndStopsAtTheRoot) {
    EXPECT_EQ(clean_path("/a//b/./c/"), "/a/b/c");
    EXPECT_EQ(clean_path("/../../proc"), "/proc");
    EXPECT_EQ(clean_path("proc/sys/.."), "/proc");
    EXPECT_EQ(clean_path(""), "/");
}

}  // namespace
