// Bind sources as detached mount trees (linux/mount_trees.hpp): the plan carries the tree
// the runtime opened for a mount, and applying it moves the tree into place instead of
// binding the source by path.
#include "linux/mount_trees.hpp"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <string>
#include <vector>

#include "linux/rootfs_plan.hpp"
#include "recording_syscalls.hpp"
#include "util/error.hpp"

namespace {

using wb::linux::apply_rootfs;
using wb::linux::Phase;
using wb::linux::plan_rootfs;
using wb::linux::RootfsConfig;
using wb::linux::RootfsStep;
using wb::linux::ScopedSyscalls;
using wb::testing::RecordingSyscalls;

wb::oci::Mount mount_of(const std::string& type, const std::string& source, const std::string& dest,
                        std::vector<std::string> options) {
    wb::oci::Mount m;
    m.type = type;
    m.source = source;
    m.destination = dest;
    m.options = std::move(options);
    return m;
}

RootfsConfig userns_config(std::vector<int> trees) {
    RootfsConfig cfg;
    cfg.rootfs = "/bundle/rootfs";
    cfg.in_user_namespace = true;
    cfg.mount_trees = std::move(trees);
    return cfg;
}

const wb::linux::MountOp* op_on(const wb::linux::RootfsPlan& plan, RootfsStep step, const std::string& target) {
    for (const auto& op : plan.ops)
        if (op.step == step && op.target == target) return &op;
    return nullptr;
}

TEST(MountTrees, BindMountsAreTheBindOptionsOrTypeButNeverCgroups) {
    EXPECT_TRUE(wb::linux::is_bind_mount(mount_of("bind", "/a", "/a", {})));
    EXPECT_TRUE(wb::linux::is_bind_mount(mount_of("none", "/a", "/a", {"rbind", "ro"})));
    EXPECT_FALSE(wb::linux::is_bind_mount(mount_of("tmpfs", "tmpfs", "/a", {"ro"})));
    EXPECT_FALSE(wb::linux::is_bind_mount(mount_of("cgroup", "cgroup", "/sys/fs/cgroup", {"ro"})));
    EXPECT_TRUE(wb::linux::is_recursive_bind(mount_of("bind", "/a", "/a", {"rbind"})));
    EXPECT_FALSE(wb::linux::is_recursive_bind(mount_of("bind", "/a", "/a", {"bind"})));
}

TEST(MountTrees, AnIdmappedBindIsMappingsOrTheIdmapOptions) {
    wb::oci::Mount mapped = mount_of("bind", "/a", "/a", {"rbind"});
    mapped.uid_mappings = {{0, 100000, 10}};
    mapped.gid_mappings = {{0, 100000, 10}};
    EXPECT_TRUE(wb::linux::is_idmapped_bind(mapped));
    EXPECT_TRUE(wb::linux::is_recursive_idmap(mapped));  // rbind with mappings alone
    mapped.options = {"rbind", "idmap"};
    EXPECT_FALSE(wb::linux::is_recursive_idmap(mapped));
    EXPECT_TRUE(wb::linux::is_idmapped_bind(mount_of("bind", "/a", "/a", {"bind", "ridmap"})));
    EXPECT_TRUE(wb::linux::is_recursive_idmap(mount_of("bind", "/a", "/a", {"bind", "ridmap"})));
    EXPECT_FALSE(wb::linux::is_idmapped_bind(mount_of("bind", "/a", "/a", {"rbind"})));
    wb::oci::Mount tmpfs = mount_of("tmpfs", "tmpfs", "/t", {});
    tmpfs.uid_mappings = mapped.uid_mappings;
    EXPECT_FALSE(wb::linux::is_idmapped_bind(tmpfs));  // only binds are idmapped
}

TEST(MountTrees, ThePlanGivesEachBindTheTreeOfItsIndex) {
    wb::oci::Spec spec;
    spec.mounts = {mount_of("bind", "/host/a", "/a", {"rbind"}), mount_of("tmpfs", "tmpfs", "/t", {}),
                   mount_of("bind", "/host/b", "/b", {"bind", "ro"}), mount_of("bind", "/host/c", "/c", {"bind"})};
    RootfsConfig cfg = userns_config({-1, -1, 7});  // /c has no entry at all
    auto plan = plan_rootfs(spec, cfg);
    ASSERT_NE(op_on(plan, RootfsStep::bind, "/a"), nullptr);
    EXPECT_EQ(op_on(plan, RootfsStep::bind, "/a")->tree_fd, -1);
    EXPECT_EQ(op_on(plan, RootfsStep::bind, "/b")->tree_fd, 7);
    EXPECT_EQ(op_on(plan, RootfsStep::bind, "/c")->tree_fd, -1);
    EXPECT_EQ(op_on(plan, RootfsStep::bind, "/b")->describe(), "bind /host/b on /b flags bind (tree fd 7)");
    // The remount for "ro" still follows the bind.
    EXPECT_NE(op_on(plan, RootfsStep::remount_bind, "/b"), nullptr);
}

TEST(MountTrees, ATreeIsMovedOntoTheResolvedDestinationThenRemounted) {
    RecordingSyscalls rec;
    wb::oci::Spec spec;
    spec.mounts = {mount_of("bind", "/host/private", "/data", {"rbind", "ro"})};
    int tree = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    RootfsConfig cfg = userns_config({tree});
    {
        ScopedSyscalls scoped(rec);
        apply_rootfs(plan_rootfs(spec, cfg), Phase::prepare, cfg);
    }
    ::close(tree);
    EXPECT_EQ(rec.index_of("open(/host/private"), -1);  // the init never looks at the source
    int moved = rec.index_of("move_mount(fd, , fd, , 0x44)");  // F_EMPTY_PATH | T_EMPTY_PATH
    ASSERT_GE(moved, 0);
    int remount = rec.index_of("null, 0x1021, null)");  // remount|bind|ro
    EXPECT_GT(remount, moved);
    EXPECT_EQ(rec.index_of("0x5000"), rec.index_of("mount(/bundle/rootfs, /bundle/rootfs"));  // no bind by path
}

TEST(MountTrees, AFailingMoveNamesTheMount) {
    RecordingSyscalls rec;
    rec.fail("move_mount", EPERM);
    wb::oci::Spec spec;
    spec.mounts = {mount_of("bind", "/host/private", "/data", {"rbind"})};
    int tree = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    RootfsConfig cfg = userns_config({tree});
    std::string error;
    {
        ScopedSyscalls scoped(rec);
        try {
            apply_rootfs(plan_rootfs(spec, cfg), Phase::prepare, cfg);
        } catch (const wb::Error& e) {
            error = e.what();
        }
    }
    ::close(tree);
    EXPECT_EQ(error, "mount /host/private on /data: Operation not permitted");
}

TEST(MountTrees, CloneAndIdmapCallTheKernelWithTheRecursiveFlagOfTheBind) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    auto tree = wb::linux::clone_mount_tree("/src", true);
    EXPECT_TRUE(tree);
    auto flat = wb::linux::clone_mount_tree("/src", false);
    wb::linux::idmap_mount_tree(tree.get(), 9, true, "mount /src on /dst");
    wb::linux::idmap_mount_tree(flat.get(), 9, false, "mount /src on /dst");
    ASSERT_EQ(rec.calls.size(), 4u);
    EXPECT_EQ(rec.calls[0], "open_tree(AT_FDCWD, /src, 0x88001)");  // CLONE | CLOEXEC | AT_RECURSIVE
    EXPECT_EQ(rec.calls[1], "open_tree(AT_FDCWD, /src, 0x80001)");
    EXPECT_EQ(rec.calls[2], "mount_setattr(fd, , 0x9000, 0x100000/0x0/0x0)");  // AT_EMPTY_PATH | AT_RECURSIVE, IDMAP
    EXPECT_EQ(rec.calls[3], "mount_setattr(fd, , 0x1000, 0x100000/0x0/0x0)");
}

TEST(MountTrees, ARefusedIdmapNamesTheMount) {
    RecordingSyscalls rec;
    rec.fail("mount_setattr", EINVAL);
    ScopedSyscalls scoped(rec);
    try {
        wb::linux::idmap_mount_tree(3, 9, false, "mount /src on /dst");
        FAIL() << "no error";
    } catch (const wb::Error& e) {
        EXPECT_EQ(std::string(e.what()), "mount /src on /dst: idmapped mount: Invalid argument");
    }
}

}  // namespace
