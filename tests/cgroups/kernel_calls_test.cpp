// The kernel calls of cgroups/ with the recording double (the file writes are checked
// against FakeCgroupfs in the other tests): statfs for the host's mode, kill for the
// processes of a cgroup, bpf for the v2 device filter.
#include <gtest/gtest.h>
#include <linux/bpf.h>
#include <linux/magic.h>
#include <signal.h>

#include <string>
#include <vector>

#include "../linux/error_of.hpp"
#include "../linux/recording_syscalls.hpp"
#include "cgroups/manager.hpp"
#include "cgroups/v2/device_filter.hpp"
#include "fake_cgroupfs.hpp"
#include "linux/syscalls.hpp"

namespace {

using namespace wb::cgroups;
using wb::cgroups::testing::FakeCgroupfs;
using wb::linux::ScopedSyscalls;
using wb::testing::error_of;
using wb::testing::RecordingSyscalls;
using wb::testing::with_errno;

TEST(CgroupKernelCalls, ModeFromTheFilesystemType) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    rec.statfs_type = CGROUP2_SUPER_MAGIC;
    EXPECT_EQ(detect_mode("/sys/fs/cgroup"), Mode::unified);
    EXPECT_EQ(rec.calls, (std::vector<std::string>{"statfs(/sys/fs/cgroup)"}));

    rec.calls.clear();
    rec.statfs_type = TMPFS_MAGIC;
    EXPECT_EQ(detect_mode("/sys/fs/cgroup"), Mode::legacy);
    EXPECT_EQ(rec.calls, (std::vector<std::string>{"statfs(/sys/fs/cgroup)", "statfs(/sys/fs/cgroup/unified)"}));

    // A tmpfs at the mountpoint with cgroup2 at unified/: hybrid.
    rec.calls.clear();
    rec.statfs_type = CGROUP2_SUPER_MAGIC;
    rec.fail("statfs", ENOENT, "(/sys/fs/cgroup)");
    EXPECT_EQ(detect_mode("/sys/fs/cgroup"), Mode::hybrid);
}

struct CgroupV2Kill : ::testing::Test {
    FakeCgroupfs fs;
    std::unique_ptr<Manager> m;
    void SetUp() override {
        fs.dir("", {{"cgroup.controllers", "pids\n"}, {"cgroup.subtree_control", ""}});
        fs.dir("c", {{"cgroup.controllers", "pids\n"}, {"cgroup.procs", "101\n102\n"}});
        m = make_manager(Placement{"/c", "id"}, fs.options(Mode::unified));
        m->create();
    }
};

TEST_F(CgroupV2Kill, EveryProcessIsSignalled) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    m->kill_all(SIGTERM);
    EXPECT_EQ(rec.calls, (std::vector<std::string>{"kill(101, 15)", "kill(102, 15)"}));
}

TEST_F(CgroupV2Kill, AGoneProcessIsFineAnotherErrorIsNamed) {
    RecordingSyscalls rec;
    rec.fail("kill", ESRCH, "kill(101,");
    rec.fail("kill", EPERM, "kill(102,");
    ScopedSyscalls scoped(rec);
    EXPECT_EQ(error_of([&] { m->kill_all(SIGTERM); }), with_errno("kill 102", EPERM));
    EXPECT_EQ(rec.calls.size(), 2u);
}

TEST_F(CgroupV2Kill, CgroupKillFileMeansNoKillCalls) {
    fs.put("c/cgroup.kill", "");
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    m->kill_all(SIGKILL);
    EXPECT_TRUE(rec.calls.empty());
    EXPECT_EQ(fs.get("c/cgroup.kill"), "1");
}

const std::string kQuery = "bpf(" + std::to_string(BPF_PROG_QUERY) + ")";
const std::string kLoad = "bpf(" + std::to_string(BPF_PROG_LOAD) + ")";
const std::string kAttach = "bpf(" + std::to_string(BPF_PROG_ATTACH) + ")";
const std::string kGetFd = "bpf(" + std::to_string(BPF_PROG_GET_FD_BY_ID) + ")";
const std::string kDetach = "bpf(" + std::to_string(BPF_PROG_DETACH) + ")";

TEST(CgroupDeviceFilterAttach, TheNewProgramIsAttachedBeforeTheOldOnesGo) {
    RecordingSyscalls rec;
    rec.bpf_attached = {7, 9};
    ScopedSyscalls scoped(rec);
    v2::attach_device_filter(3, v2::build_device_filter({}));
    EXPECT_EQ(rec.calls, (std::vector<std::string>{kQuery, kLoad, kAttach, kGetFd, kDetach, kGetFd, kDetach}));
}

TEST(CgroupDeviceFilterAttach, LoadAndAttachFailuresAreNamed) {
    {
        RecordingSyscalls rec;
        rec.fail("bpf", EPERM, kLoad);
        ScopedSyscalls scoped(rec);
        EXPECT_EQ(error_of([] { v2::attach_device_filter(3, v2::build_device_filter({})); }),
                  with_errno("load the cgroup device program (bpf BPF_PROG_LOAD)", EPERM));
    }
    {
        RecordingSyscalls rec;
        rec.bpf_attached = {7};
        rec.fail("bpf", EINVAL, kAttach);
        ScopedSyscalls scoped(rec);
        EXPECT_EQ(error_of([] { v2::attach_device_filter(3, v2::build_device_filter({})); }),
                  with_errno("attach the cgroup device program (bpf BPF_PROG_ATTACH)", EINVAL));
        EXPECT_EQ(rec.index_of(kDetach), -1);  // the old program stays
    }
    {
        // An old program that is gone already, or will not detach, is not an error.
        RecordingSyscalls rec;
        rec.bpf_attached = {7, 9};
        rec.fail("bpf", ENOENT, kGetFd);
        rec.fail("bpf", EPERM, kDetach);
        ScopedSyscalls scoped(rec);
        EXPECT_EQ(error_of([] { v2::attach_device_filter(3, v2::build_device_filter({})); }), "");
        EXPECT_EQ(rec.calls, (std::vector<std::string>{kQuery, kLoad, kAttach, kGetFd, kGetFd, kDetach}));
    }
}

}  // namespace
