// The runtime's writes under /proc (issue 12 item 1): every one goes through linux/procfs,
// so each is reached from a /proc verified to be procfs's root, by openat2 without
// symlinks, magic links or mount crossings, and lands on a procfs file. The recording
// double shows the walk for each writer and that a non-procfs /proc stops the write
// before any file is opened.
#include "linux/procfs.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/magic.h>

#include <string>
#include <vector>

#include "error_of.hpp"
#include "linux/namespaces.hpp"
#include "linux/process_attrs.hpp"
#include "linux/syscalls.hpp"
#include "recording_syscalls.hpp"
#include "util/error.hpp"

namespace wb::linux {
namespace {

using wb::testing::error_of;
using wb::testing::RecordingSyscalls;
using wb::testing::with_errno;

oci::IdMapping mapping(uint32_t container_id, uint32_t host_id, uint32_t size) {
    oci::IdMapping m;
    m.container_id = container_id;
    m.host_id = host_id;
    m.size = size;
    return m;
}

// The calls that reach /proc: open of its root, readlinkat of self links, openat2.
std::vector<std::string> proc_walk(const RecordingSyscalls& rec) {
    std::vector<std::string> out;
    for (const auto& c : rec.calls)
        if (c.starts_with("open(") || c.starts_with("readlinkat(") || c.starts_with("openat2(")) out.push_back(c);
    return out;
}

TEST(LinuxProcfs, OomScoreAdjIsOpenedThroughTheSelfLinkOfAVerifiedProc) {
    RecordingSyscalls rec;
    rec.statfs_type = PROC_SUPER_MAGIC;
    rec.links["self"] = "4321";
    ScopedSyscalls scoped(rec);
    write_oom_score_adj(-500);
    EXPECT_EQ(proc_walk(rec), (std::vector<std::string>{"open(/proc, 0x2b0000)", "readlinkat(fd, self)",
                                                         "openat2(fd, 4321/oom_score_adj)"}));
    EXPECT_GE(rec.index_of("fstatfs(fd)"), 0);
}

TEST(LinuxProcfs, IdMapsAreWrittenUnderTheChildsPid) {
    RecordingSyscalls rec;
    rec.statfs_type = PROC_SUPER_MAGIC;
    ScopedSyscalls scoped(rec);
    oci::Linux lx;
    lx.uid_mappings = {mapping(0, 100000, 65536)};
    lx.gid_mappings = {mapping(0, 100000, 65536)};
    write_id_maps(777, lx);
    EXPECT_EQ(proc_walk(rec), (std::vector<std::string>{"open(/proc, 0x2b0000)", "openat2(fd, 777/uid_map)",
                                                         "open(/proc, 0x2b0000)", "openat2(fd, 777/gid_map)"}));
}

TEST(LinuxProcfs, AppArmorProfileGoesToThreadSelfAttr) {
    RecordingSyscalls rec;
    rec.statfs_type = PROC_SUPER_MAGIC;
    rec.links["thread-self"] = "9/task/9";
    ScopedSyscalls scoped(rec);
    oci::Process p;
    p.apparmor_profile = "wb-profile";
    apply_security_labels(p);
    EXPECT_EQ(proc_walk(rec), (std::vector<std::string>{"open(/proc, 0x2b0000)", "readlinkat(fd, thread-self)",
                                                         "openat2(fd, 9/task/9/attr/apparmor/exec)"}));
}

// The defence, shown: a /proc that is not procfs (a bind mount of a rootfs directory, a
// tmpfs) stops every writer before anything under it is opened.
TEST(LinuxProcfs, EveryWriterRefusesAProcThatIsNotProcfs) {
    const std::string refused = "/proc is not the root of a procfs: refusing to write under it";
    RecordingSyscalls rec;
    rec.statfs_type = 0x01021994;  // TMPFS_MAGIC
    ScopedSyscalls scoped(rec);
    EXPECT_EQ(error_of([] { write_oom_score_adj(0); }), refused);
    oci::Linux lx;
    lx.uid_mappings = {mapping(0, 1000, 1)};
    EXPECT_EQ(error_of([&] { write_id_maps(1, lx); }), refused);
    oci::Process p;
    p.apparmor_profile = "x";
    EXPECT_EQ(error_of([&] { apply_security_labels(p); }), "apparmor failed to apply profile: " + refused);
    EXPECT_EQ(error_of([] { write_proc_file("sys/net/ipv4/ip_forward", "1"); }), refused);
    EXPECT_EQ(rec.index_of("openat2"), -1);
}

// A planted file bind-mounted over the target: openat2 says EXDEV, which is refused.
TEST(LinuxProcfs, AMountOrSymlinkOnTheWayIsRefused) {
    RecordingSyscalls rec;
    rec.statfs_type = PROC_SUPER_MAGIC;
    rec.fail("openat2", EXDEV);
    ScopedSyscalls scoped(rec);
    EXPECT_EQ(error_of([] { write_oom_score_adj(0); }),
              with_errno("open /proc/1/oom_score_adj (a symlink or a mount on the way is refused)", EXDEV));
}

TEST(LinuxProcfs, ASelfLinkThatIsNotAPidIsRefused) {
    RecordingSyscalls rec;
    rec.statfs_type = PROC_SUPER_MAGIC;
    rec.links["self"] = "../../etc";
    ScopedSyscalls scoped(rec);
    EXPECT_EQ(error_of([] { write_oom_score_adj(0); }),
              "/proc/self points at \"../../etc\": not a procfs link");
    EXPECT_EQ(rec.index_of("openat2"), -1);
}

TEST(LinuxProcfs, TimeOffsetsGoToSelf) {
    RecordingSyscalls rec;
    rec.statfs_type = PROC_SUPER_MAGIC;
    ScopedSyscalls scoped(rec);
    write_proc_self_file("timens_offsets", "monotonic 1 0\n");
    EXPECT_EQ(proc_walk(rec), (std::vector<std::string>{"open(/proc, 0x2b0000)", "readlinkat(fd, self)",
                                                         "openat2(fd, 1/timens_offsets)"}));
}

// The exec fifo's write end (the init, waiting for `start`): reopened through the
// thread's fd directory of a verified /proc, only the fd's own link followed.
TEST(LinuxProcfs, AnFdIsReopenedThroughTheThreadSelfFdDirectoryOfAVerifiedProc) {
    RecordingSyscalls rec;
    rec.statfs_type = PROC_SUPER_MAGIC;
    rec.links["thread-self"] = "7/task/8";
    ScopedSyscalls scoped(rec);
    UniqueFd fifo = reopen_fd(5, O_WRONLY);
    EXPECT_TRUE(fifo);
    EXPECT_EQ(proc_walk(rec), (std::vector<std::string>{"open(/proc, 0x2b0000)", "readlinkat(fd, thread-self)",
                                                         "openat2(fd, 7/task/8/fd)"}));
    EXPECT_EQ(rec.named("openat"), (std::vector<std::string>{"openat(fd, 5, 0x80001)"}));
}

TEST(LinuxProcfs, AReopenRefusesAProcThatIsNotProcfsAndAnotherFile) {
    RecordingSyscalls rec;
    rec.statfs_type = 0x01021994;  // TMPFS_MAGIC
    {
        ScopedSyscalls scoped(rec);
        EXPECT_EQ(error_of([] { reopen_fd(5, O_WRONLY); }),
                  "/proc is not the root of a procfs: refusing to write under it");
        EXPECT_EQ(rec.index_of("openat("), -1);
    }
    RecordingSyscalls other;
    other.statfs_type = PROC_SUPER_MAGIC;
    other.next_stat_inos = {1, 12, 13};  // /proc's root, then the fd and what its link reached
    ScopedSyscalls scoped(other);
    EXPECT_EQ(error_of([] { reopen_fd(5, O_WRONLY); }),
              "reopen fd 5 through /proc/thread-self/fd: reached another file, refusing to use it");
}

}  // namespace
}  // namespace wb::linux
