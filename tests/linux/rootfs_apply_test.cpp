// Applying the rootfs plan with the recording double: the order of the kernel calls, where
// a failure stops, and the /proc rules that need to look at what a path really is.
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <string>
#include <vector>

#include "linux/procfs.hpp"
#include "linux/rootfs_plan.hpp"
#include "oci/default_spec.hpp"
#include "recording_syscalls.hpp"
#include "util/error.hpp"

namespace {

using wb::linux::apply_rootfs;
using wb::linux::Phase;
using wb::linux::plan_rootfs;
using wb::linux::RootfsConfig;
using wb::linux::ScopedSyscalls;
using wb::testing::RecordingSyscalls;

RootfsConfig v2_config() {
    RootfsConfig cfg;
    cfg.rootfs = "/bundle/rootfs";
    cfg.cgroup2_host = true;
    cfg.new_cgroup_namespace = true;
    return cfg;
}

// Applies one phase of the spec's plan; returns the error message, "" on success.
std::string apply(RecordingSyscalls& rec, const wb::oci::Spec& spec, Phase phase,
                  const std::function<void()>& hook = {}) {
    ScopedSyscalls scoped(rec);
    RootfsConfig cfg = v2_config();
    try {
        apply_rootfs(plan_rootfs(spec, cfg), phase, cfg, hook);
    } catch (const wb::Error& e) {
        return e.what();
    }
    return "";
}

// The mount(2) calls' filesystem types, "-" for binds and remounts.
std::vector<std::string> mounted_types(const RecordingSyscalls& rec) {
    std::vector<std::string> out;
    for (const auto& line : rec.named("mount")) {
        // mount(source, target, fstype, flags, data)
        size_t a = line.find(", ");
        size_t b = line.find(", ", a + 2);
        size_t c = line.find(", ", b + 2);
        std::string type = line.substr(b + 2, c - b - 2);
        out.push_back(type == "null" ? "-" : type);
    }
    return out;
}

wb::oci::Mount bind_of(const std::string& source, const std::string& dest, std::vector<std::string> options) {
    wb::oci::Mount m;
    m.source = source;
    m.destination = dest;
    m.type = "bind";
    m.options = std::move(options);
    return m;
}

TEST(RootfsApply, TheDefaultSpecMountsInOrderThenRunsTheHooksThenPivots) {
    RecordingSyscalls rec;
    int hook_at = -1;
    EXPECT_EQ(apply(rec, wb::oci::default_spec(), Phase::prepare,
                    [&] { hook_at = static_cast<int>(rec.calls.size()); }),
              "");
    std::vector<std::string> expected = {"-",      "-",      "proc",   "tmpfs", "devpts", "tmpfs",
                                         "mqueue", "sysfs",  "cgroup2"};
    auto types = mounted_types(rec);
    ASSERT_GE(types.size(), expected.size());
    EXPECT_EQ(std::vector<std::string>(types.begin(), types.begin() + static_cast<long>(expected.size())), expected);
    EXPECT_EQ(rec.named("mount")[0], "mount(null, /, null, 0x84000, null)");
    EXPECT_EQ(rec.named("mount")[1], "mount(/bundle/rootfs, /bundle/rootfs, null, 0x5000, null)");
    EXPECT_NE(rec.index_of("mknodat(fd, null, 020666, " + std::to_string(makedev(1, 3)) + ")"), -1);
    EXPECT_NE(rec.index_of("symlinkat(pts/ptmx, fd, ptmx)"), -1);

    int pivot = rec.index_of("pivot_root(., .)");
    ASSERT_GT(pivot, 0);
    EXPECT_GT(hook_at, rec.index_of("symlinkat(pts/ptmx"));
    EXPECT_LE(hook_at, pivot);
    // After pivot_root only the old root is made rslave and detached.
    std::vector<std::string> after(rec.calls.begin() + pivot + 1, rec.calls.end());
    std::vector<std::string> kernel;
    for (const auto& c : after)
        if (c.rfind("mount(", 0) == 0 || c.rfind("umount2(", 0) == 0) kernel.push_back(c);
    EXPECT_EQ(kernel, (std::vector<std::string>{"mount(null, ., null, 0x84000, null)", "umount2(., 0x2)"}));
}

TEST(RootfsApply, AnInjectedEpermNamesTheMountAndStopsThere) {
    RecordingSyscalls rec;
    rec.fail("mount", EPERM, ", proc, ");
    bool hook_ran = false;
    EXPECT_EQ(apply(rec, wb::oci::default_spec(), Phase::prepare, [&] { hook_ran = true; }),
              "mount proc on /proc: Operation not permitted");
    EXPECT_EQ(rec.named("mount").back().find(", proc, ") != std::string::npos, true);
    EXPECT_EQ(rec.index_of("tmpfs"), -1);
    EXPECT_EQ(rec.index_of("pivot_root"), -1);
    EXPECT_FALSE(hook_ran);
}

TEST(RootfsApply, DevptsRetriesWithoutGidAndSysfsFallsBackToTheHostsSysReadOnly) {
    RecordingSyscalls rec;
    rec.fail("mount", EINVAL, ", devpts, ");
    rec.fail("mount", EPERM, ", sysfs, ");
    EXPECT_EQ(apply(rec, wb::oci::default_spec(), Phase::prepare), "");
    int first = rec.index_of(", devpts, ");
    ASSERT_GE(first, 0);
    EXPECT_NE(rec.calls[static_cast<size_t>(first)].find("gid=5"), std::string::npos);
    EXPECT_EQ(rec.calls[static_cast<size_t>(first + 1)].find("gid=5"), std::string::npos);
    EXPECT_NE(rec.calls[static_cast<size_t>(first + 1)].find("newinstance,ptmxmode=0666,mode=0620"),
              std::string::npos);
    EXPECT_NE(rec.index_of("mount(/sys, "), -1);
    EXPECT_GT(rec.index_of("mount(null, /proc/self/fd/"), rec.index_of("mount(/sys, "));
}

TEST(RootfsApply, ABindIsFollowedByItsRemountAndItsPropagation) {
    RecordingSyscalls rec;
    wb::oci::Spec spec;
    spec.mounts = {bind_of("/host/data", "/data", {"rbind", "ro", "nosuid", "rprivate"})};
    EXPECT_EQ(apply(rec, spec, Phase::prepare), "");
    auto mounts = rec.named("mount");
    ASSERT_GE(mounts.size(), 5u);
    EXPECT_NE(mounts[2].find(", null, 0x5000, null)"), std::string::npos) << mounts[2];                // bind|rec
    EXPECT_NE(mounts[3].find(", null, 0x1023, null)"), std::string::npos) << mounts[3];                // remount|bind|ro|nosuid
    EXPECT_EQ(mounts[4].substr(0, 11), "mount(null,");
    EXPECT_NE(mounts[4].find(", null, 0x44000, null)"), std::string::npos) << mounts[4];               // rprivate
}

TEST(RootfsApply, FinalizeRemountsReadonlyPathsThenMasksThenTheRoot) {
    RecordingSyscalls rec;
    rec.stat_mode = S_IFCHR | 0666;  // /dev/null (and every masked path) is the null device
    rec.stat_rdev = makedev(1, 3);
    rec.statfs_type = PROC_SUPER_MAGIC;
    wb::oci::Spec spec = wb::oci::default_spec();
    spec.linux->sysctl = {{"net.ipv4.ip_forward", "1"}};
    spec.root->readonly = true;
    EXPECT_EQ(apply(rec, spec, Phase::finalize), "");
    EXPECT_EQ(rec.index_of("pivot_root"), -1);  // the prepare phase is not applied
    int sysctl = rec.index_of("openat2(fd, sys/net/ipv4/ip_forward)");
    // A readonly path: its clone (recursive, the last component not followed), made
    // read-only (and nothing cleared) while detached, moved back over it.
    int readonly = rec.index_of("open_tree(AT_FDCWD, /proc/bus, 0x88101)");
    int masked = rec.index_of("open(/proc/acpi, ");
    int root = rec.index_of("mount(null, /, null, 0x1021, null)");  // remount|bind|ro
    ASSERT_GE(sysctl, 0);
    ASSERT_GT(readonly, sysctl);
    EXPECT_EQ(rec.calls[static_cast<size_t>(readonly + 1)], "mount_setattr(fd, , 0x1000, 0x1/0x0/0x0)");
    EXPECT_EQ(rec.calls[static_cast<size_t>(readonly + 2)], "move_mount(fd, , AT_FDCWD, /proc/bus, 0x4)");
    EXPECT_GT(masked, rec.index_of("open_tree(AT_FDCWD, /proc/sysrq-trigger, "));
    EXPECT_GT(root, masked);
    EXPECT_EQ(root, static_cast<int>(rec.calls.size()) - 1);
}

TEST(RootfsApply, ProcIsMountedOnlyOnAnOrdinaryDirectory) {
    RecordingSyscalls rec;
    rec.stat_mode = S_IFLNK | 0777;  // the rootfs's /proc is a symlink
    EXPECT_EQ(apply(rec, wb::oci::default_spec(), Phase::prepare),
              "mount proc on /proc: filesystem \"proc\" must be mounted on ordinary directory");
    EXPECT_EQ(rec.index_of("mount(proc"), -1);
}

TEST(RootfsApply, ABindWhoseDestinationResolvesOntoProcfsIsRefused) {
    // /data is a symlink to /proc/sys in the rootfs: the resolved target is on procfs.
    RecordingSyscalls rec;
    wb::oci::Spec spec;
    spec.mounts = {bind_of("/host/data", "/data", {"rbind"})};
    rec.statfs_type = PROC_SUPER_MAGIC;
    EXPECT_EQ(apply(rec, spec, Phase::prepare),
              "mount /host/data on /data: \"/data\" cannot be mounted because it is inside /proc");
    EXPECT_EQ(rec.named("mount").size(), 2u);  // only / rslave and the rootfs bind
}

TEST(RootfsApply, ABindOnProcNeedsAProcfsSource) {
    RecordingSyscalls rec;
    wb::oci::Spec spec;
    spec.mounts = {bind_of("/bundle/rootfs/tmp", "/proc", {"rbind"})};
    EXPECT_EQ(apply(rec, spec, Phase::prepare),
              "mount /bundle/rootfs/tmp on /proc: \"/proc\" cannot be mounted because it is not of type proc");
    RecordingSyscalls procfs;
    procfs.statfs_type = PROC_SUPER_MAGIC;
    EXPECT_EQ(apply(procfs, spec, Phase::prepare), "");
}

TEST(Procfs, AWriteGoesThroughAVerifiedProcfsWithoutSymlinks) {
    RecordingSyscalls rec;
    rec.statfs_type = PROC_SUPER_MAGIC;
    {
        ScopedSyscalls scoped(rec);
        wb::linux::write_proc_file("sys/kernel/domainname", "box");
    }
    EXPECT_NE(rec.index_of("open(/proc, "), -1);
    EXPECT_EQ(rec.named("fstatfs").size(), 2u);  // /proc itself and the file
    EXPECT_NE(rec.index_of("openat2(fd, sys/kernel/domainname)"), -1);
}

TEST(Procfs, ANonProcfsAtProcIsRefused) {
    RecordingSyscalls rec;  // statfs reports f_type 0: /proc is a bind of a rootfs directory
    ScopedSyscalls scoped(rec);
    try {
        wb::linux::write_proc_file("sys/kernel/domainname", "box");
        FAIL() << "no error";
    } catch (const wb::Error& e) {
        EXPECT_EQ(std::string(e.what()), "/proc is not the root of a procfs: refusing to write under it");
    }
    rec.statfs_type = PROC_SUPER_MAGIC;
    rec.stat_ino = 42;  // a directory inside some procfs, bound onto /proc
    EXPECT_THROW(wb::linux::open_proc_file("sys/kernel/domainname", O_WRONLY), wb::Error);
    rec.stat_ino = 1;
    rec.fail("openat2", ELOOP);  // a symlink on the way
    try {
        wb::linux::open_proc_file("self/attr/exec", O_WRONLY);
        FAIL() << "no error";
    } catch (const wb::Error& e) {
        EXPECT_NE(std::string(e.what()).find("open /proc/self/attr/exec (a symlink or a mount on the way is refused)"),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace

namespace {

// v1: each hierarchy is cloned, given its attributes while detached and moved into the
// cgroup tmpfs, which is resolved once; a hierarchy the host lacks is skipped.
TEST(RootfsApply, CgroupV1HierarchiesAreDetachedClonesMovedIntoTheTmpfs) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    RootfsConfig cfg;
    cfg.rootfs = "/bundle/rootfs";
    cfg.cgroup_binds = {{"cpu", "/sys/fs/cgroup/cpu/c1"}, {"net_cls", "/sys/fs/cgroup/net_cls/c1"},
                        {"memory", "/sys/fs/cgroup/memory/c1"}};
    wb::oci::Spec spec;
    wb::oci::Mount m;
    m.destination = "/sys/fs/cgroup";
    m.type = "cgroup";
    m.source = "cgroup";
    m.options = {"nosuid", "noexec", "nodev", "ro"};
    spec.mounts = {m};
    rec.fail("open_tree", ENOENT, "/sys/fs/cgroup/net_cls/c1");
    ASSERT_NO_THROW(apply_rootfs(plan_rootfs(spec, cfg), Phase::prepare, cfg));

    std::vector<std::string> cgroup_calls;
    for (const auto& c : rec.calls)
        if (c.rfind("open_tree(", 0) == 0 || c.rfind("mount_setattr(", 0) == 0 || c.rfind("mkdirat(", 0) == 0 ||
            c.rfind("move_mount(", 0) == 0 || c.find("sys/fs/cgroup") != std::string::npos)
            cgroup_calls.push_back(c);
    // (Before the hierarchies: the tmpfs's own destination is resolved and mounted on.)
    auto first = std::find(cgroup_calls.begin(), cgroup_calls.end(), "open_tree(AT_FDCWD, /sys/fs/cgroup/cpu/c1, 0x88001)");
    ASSERT_NE(first, cgroup_calls.end());
    ASSERT_GE(cgroup_calls.end() - first, 11);
    std::vector<std::string> hierarchies(first, first + 10);
    // RDONLY|NOSUID|NODEV|NOEXEC set, those and NOSYMFOLLOW cleared: "0xf/0x20000f".
    const std::string attrs = "mount_setattr(fd, , 0x1000, 0xf/0x20000f/0x0)";
    EXPECT_EQ(hierarchies, (std::vector<std::string>{
                               "open_tree(AT_FDCWD, /sys/fs/cgroup/cpu/c1, 0x88001)",
                               attrs,
                               "openat2(fd, sys/fs/cgroup)",
                               "mkdirat(fd, cpu, 0755)",
                               "move_mount(fd, , fd, cpu, 0x4)",
                               "open_tree(AT_FDCWD, /sys/fs/cgroup/net_cls/c1, 0x88001)",
                               "open_tree(AT_FDCWD, /sys/fs/cgroup/memory/c1, 0x88001)",
                               attrs,
                               "mkdirat(fd, memory, 0755)",
                               "move_mount(fd, , fd, memory, 0x4)",
                           }));
    // Then the tmpfs itself is made read-only, found again by path.
    EXPECT_EQ(first[10], "openat2(fd, sys/fs/cgroup)");
    int remount = rec.index_of("mount(null, /proc/self/fd/");
    ASSERT_GT(remount, rec.index_of("move_mount(fd, , fd, memory, 0x4)"));
    // MS_BIND|MS_REMOUNT with ro, nosuid, nodev and noexec.
    EXPECT_TRUE(rec.calls[static_cast<size_t>(remount)].ends_with(", null, 0x102f, null)"))
        << rec.calls[static_cast<size_t>(remount)];
}

}  // namespace
