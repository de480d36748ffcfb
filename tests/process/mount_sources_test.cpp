// The bind sources the runtime opens before the clone (process/mount_sources.hpp), with the
// recording double: which mounts get a tree, and an idmapped mount's user namespace.
#include "process/mount_sources.hpp"

#include <gtest/gtest.h>
#include <linux/magic.h>

#include "../linux/recording_syscalls.hpp"
#include "util/error.hpp"

namespace wb::process {
namespace {

using linux::ScopedSyscalls;
using testing::RecordingSyscalls;

oci::Mount bind_of(const std::string& source, const std::string& dest, std::vector<std::string> options) {
    oci::Mount m;
    m.type = "bind";
    m.source = source;
    m.destination = dest;
    m.options = std::move(options);
    return m;
}

oci::Spec spec_with_mounts() {
    oci::Spec spec;
    oci::Mount tmpfs;
    tmpfs.type = "tmpfs";
    tmpfs.source = "tmpfs";
    tmpfs.destination = "/t";
    spec.mounts = {bind_of("/host/a", "/a", {"rbind"}), tmpfs, bind_of("/host/b", "/b", {"bind"})};
    return spec;
}

TEST(MountSources, WithoutAUserNamespaceNothingIsOpened) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    MountSources sources = open_mount_sources(spec_with_mounts(), false);
    EXPECT_EQ(sources.fds(), (std::vector<int>{-1, -1, -1}));
    EXPECT_TRUE(rec.calls.empty());
}

TEST(MountSources, InAUserNamespaceEveryBindSourceIsCloned) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    MountSources sources = open_mount_sources(spec_with_mounts(), true);
    auto fds = sources.fds();
    ASSERT_EQ(fds.size(), 3u);
    EXPECT_GE(fds[0], 0);
    EXPECT_EQ(fds[1], -1);
    EXPECT_GE(fds[2], 0);
    EXPECT_EQ(rec.calls, (std::vector<std::string>{"open_tree(AT_FDCWD, /host/a, 0x88001)",
                                                   "open_tree(AT_FDCWD, /host/b, 0x80001)"}));
}

TEST(MountSources, ASourceThatCannotBeClonedIsLeftToTheInit) {
    RecordingSyscalls rec;
    rec.fail("open_tree", ENOENT, "/host/a");
    ScopedSyscalls scoped(rec);
    MountSources sources = open_mount_sources(spec_with_mounts(), true);
    auto fds = sources.fds();
    EXPECT_EQ(fds[0], -1);
    EXPECT_GE(fds[2], 0);
}

TEST(MountSources, AnIdmappedMountGetsAUserNamespaceWithItsMaps) {
    RecordingSyscalls rec;
    rec.statfs_type = PROC_SUPER_MAGIC;  // the maps are written through a verified /proc
    oci::Spec spec;
    oci::Mount m = bind_of("/host/ids", "/ids", {"rbind"});
    m.uid_mappings = {{0, 100000, 65536}};
    m.gid_mappings = {{0, 200000, 65536}};
    spec.mounts = {m};
    ScopedSyscalls scoped(rec);
    MountSources sources = open_mount_sources(spec, false);  // idmapped even without a user namespace
    EXPECT_GE(sources.fds()[0], 0);
    int tree = rec.index_of("open_tree(AT_FDCWD, /host/ids, 0x88001)");
    int clone = rec.index_of("clone");
    int userns = rec.index_of("open(/proc/4242/ns/user");
    int idmap = rec.index_of("mount_setattr(fd, , 0x9000, 0x100000/0x0/0x0)");
    ASSERT_GE(tree, 0);
    EXPECT_GT(clone, tree);
    EXPECT_GT(userns, clone);
    EXPECT_GT(idmap, userns);
    EXPECT_NE(rec.index_of("clone3(0x10001000"), -1);  // CLONE_NEWUSER | CLONE_PIDFD
    EXPECT_LT(rec.index_of("4242/uid_map"), userns);
    EXPECT_LT(rec.index_of("4242/gid_map"), userns);
    EXPECT_GT(rec.index_of("waitpid(4242"), userns);  // the helper is gone once its namespace is held
}

TEST(MountSources, AnIdmappedMountThatCannotBeMadeIsAnError) {
    RecordingSyscalls rec;
    rec.fail("open_tree", EACCES);
    oci::Spec spec;
    oci::Mount m = bind_of("/host/ids", "/ids", {"rbind"});
    m.uid_mappings = {{0, 100000, 65536}};
    m.gid_mappings = {{0, 100000, 65536}};
    spec.mounts = {m};
    ScopedSyscalls scoped(rec);
    try {
        open_mount_sources(spec, true);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "mount /host/ids on /ids: open_tree: Permission denied");
    }
}

TEST(MountSources, TheIdmapOptionAloneTakesTheContainersMaps) {
    RecordingSyscalls rec;
    rec.statfs_type = PROC_SUPER_MAGIC;
    oci::Spec spec;
    spec.linux.emplace();
    spec.linux->uid_mappings = {{0, 100000, 65536}};
    spec.linux->gid_mappings = {{0, 100000, 65536}};
    spec.mounts = {bind_of("/host/ids", "/ids", {"rbind", "idmap"})};
    ScopedSyscalls scoped(rec);
    MountSources sources = open_mount_sources(spec, true);
    EXPECT_GE(sources.fds()[0], 0);
    EXPECT_NE(rec.index_of("clone3(0x10001000"), -1);
    EXPECT_NE(rec.index_of("mount_setattr(fd, , 0x1000, 0x100000/0x0/0x0)"), -1);  // "idmap": not recursive
}

TEST(MountSources, AnIdmapWithoutAnyMapsIsAnError) {
    RecordingSyscalls rec;
    oci::Spec spec;
    spec.mounts = {bind_of("/host/ids", "/ids", {"bind", "ridmap"})};
    ScopedSyscalls scoped(rec);
    try {
        open_mount_sources(spec, false);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("mount /host/ids on /ids: an idmapped mount needs uidMappings"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_EQ(rec.index_of("clone3"), -1);
}

}  // namespace
}  // namespace wb::process
