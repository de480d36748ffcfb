#include <fcntl.h>
#include <algorithm>
#include <gtest/gtest.h>
#include <signal.h>

#include "cgroups/manager.hpp"
#include "fake_cgroupfs.hpp"
#include "util/error.hpp"

using namespace wb::cgroups;
using wb::cgroups::testing::FakeCgroupfs;
using wb::cgroups::testing::Writes;

namespace {

// A v2 tree: root delegates nothing yet; /c is the container's leaf with its files.
struct CgroupV2 : ::testing::Test {
    FakeCgroupfs fs;
    std::unique_ptr<Manager> m;
    void SetUp() override {
        fs.dir("", {{"cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma\n"},
                    {"cgroup.subtree_control", ""}});
        fs.dir("c", {{"cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma\n"},
                     {"cgroup.procs", ""}, {"cgroup.freeze", "0\n"},
                     {"cgroup.events", "populated 0\nfrozen 0\n"},
                     {"memory.max", "max\n"}, {"memory.low", "0\n"}, {"memory.swap.max", "max\n"},
                     {"cpu.weight", "100\n"}, {"cpu.max", "max 100000\n"},
                     {"cpu.max.burst", "0\n"}, {"cpu.idle", "0\n"},
                     {"cpuset.cpus", ""}, {"cpuset.mems", ""}, {"pids.max", "max\n"},
                     {"io.weight", "default 100\n"}, {"io.max", ""},
                     {"hugetlb.2MB.max", "max\n"}, {"rdma.max", ""}});
        m = make_manager(Placement{"/c", "id"}, fs.options(Mode::unified));
        m->create();
        fs.clear_journal();
    }
    Writes apply(const wb::oci::Resources& r) {
        fs.clear_journal();
        m->apply(r);
        return fs.journal();
    }
};

wb::oci::Resources memory(std::optional<int64_t> limit, std::optional<int64_t> swap,
                          std::optional<int64_t> reservation = {}) {
    wb::oci::Resources r;
    r.memory = wb::oci::Memory{};
    r.memory->limit = limit;
    r.memory->swap = swap;
    r.memory->reservation = reservation;
    return r;
}

}  // namespace

TEST(CgroupV2Create, EnablesAvailableControllersInEachParent) {
    FakeCgroupfs fs;
    fs.dir("", {{"cgroup.controllers", "cpu memory pids\n"}, {"cgroup.subtree_control", "cpu\n"}});
    fs.dir("a", {{"cgroup.controllers", "cpu memory pids\n"}, {"cgroup.subtree_control", ""}});
    auto m = make_manager(Placement{"/a/b", "id"}, fs.options(Mode::unified));
    m->create();
    EXPECT_EQ(fs.journal(), (Writes{{"cgroup.subtree_control", "+memory +pids"},
                                    {"a/cgroup.subtree_control", "+cpu +memory +pids"}}));
    EXPECT_TRUE(wb::fs::exists(fs.at("a/b")));
    int fd = m->clone_into_fd();
    ASSERT_GE(fd, 0);
    EXPECT_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    EXPECT_EQ(fcntl(fd, F_GETFL) & O_PATH, O_PATH);
    m->destroy();  // removes b, and nothing it did not make
    EXPECT_FALSE(wb::fs::exists(fs.at("a/b")));
    EXPECT_TRUE(wb::fs::exists(fs.at("a")));
    EXPECT_EQ(m->clone_into_fd(), -1);
}

TEST(CgroupV2Create, DestroyRemovesTheParentsItMade) {
    FakeCgroupfs fs;
    auto m = make_manager(Placement{"/x/y/z", "id"}, fs.options(Mode::unified));
    m->create();
    m->create();  // idempotent
    EXPECT_TRUE(wb::fs::exists(fs.at("x/y/z")));
    m->destroy();
    EXPECT_FALSE(wb::fs::exists(fs.at("x")));
}

TEST(CgroupV2Create, AReopenedManagerRemovesTheParentsRecordedAtCreate) {
    FakeCgroupfs fs;
    auto made = make_manager(Placement{"/x/y/z", "id"}, fs.options(Mode::unified));
    made->create();
    EXPECT_EQ(made->created_dirs(),
              (std::vector<std::string>{fs.at("x"), fs.at("x/y"), fs.at("x/y/z")}));
    // A sibling in x keeps x alive; y, only this container's, goes.
    fs.dir("x/other");
    auto reopened = open_manager("/x/y/z", fs.options(Mode::unified));
    reopened->set_created_dirs(made->created_dirs());
    reopened->destroy();
    EXPECT_FALSE(wb::fs::exists(fs.at("x/y")));
    EXPECT_TRUE(wb::fs::exists(fs.at("x/other")));
    // Without the record, the parents stay (as runc leaves them).
    auto second = make_manager(Placement{"/x/y/z", "id"}, fs.options(Mode::unified));
    second->create();
    open_manager("/x/y/z", fs.options(Mode::unified))->destroy();
    EXPECT_TRUE(wb::fs::exists(fs.at("x/y")));
}

TEST(CgroupV2Create, FailureLeavesNothingBehind) {
    FakeCgroupfs fs;
    auto m = make_manager(Placement{"/made/" + std::string(300, 'x'), "id"},
                          fs.options(Mode::unified));
    EXPECT_THROW(m->create(), wb::Error);
    EXPECT_FALSE(wb::fs::exists(fs.at("made")));
}

TEST_F(CgroupV2, AddProcessWritesCgroupProcs) {
    m->add_process(4242);
    EXPECT_EQ(fs.journal(), (Writes{{"c/cgroup.procs", "4242"}}));
}

TEST_F(CgroupV2, MemoryLimitSwapAndReservation) {
    EXPECT_EQ(apply(memory(100 << 20, 300 << 20, 50 << 20)),
              (Writes{{"c/memory.swap.max", std::to_string(200 << 20)},
                      {"c/memory.max", std::to_string(100 << 20)},
                      {"c/memory.low", std::to_string(50 << 20)}}));
}

TEST_F(CgroupV2, MemoryMinusOneIsMaxForMemoryAndSwap) {
    EXPECT_EQ(apply(memory(-1, {})), (Writes{{"c/memory.swap.max", "max"}, {"c/memory.max", "max"}}));
    EXPECT_EQ(apply(memory(1000, -1)), (Writes{{"c/memory.swap.max", "max"}, {"c/memory.max", "1000"}}));
}

TEST_F(CgroupV2, MemorySwapEqualToLimitMeansNoSwap) {
    EXPECT_EQ(apply(memory(1000, 1000)), (Writes{{"c/memory.swap.max", "0"}, {"c/memory.max", "1000"}}));
    EXPECT_EQ(apply(memory(1000, {})), (Writes{{"c/memory.max", "1000"}}));
}

TEST_F(CgroupV2, MemorySwapErrorsAsRunc) {
    EXPECT_THROW(apply(memory(1000, 500)), wb::Error);   // swap < limit
    EXPECT_THROW(apply(memory({}, 5000)), wb::Error);    // swap without limit
}

TEST_F(CgroupV2, CpuWeightMaxBurstIdle) {
    wb::oci::Resources r;
    r.cpu = wb::oci::Cpu{};
    r.cpu->shares = 1024;
    r.cpu->quota = 50000;
    r.cpu->period = 100000;
    r.cpu->burst = 1000;
    r.cpu->idle = 0;
    EXPECT_EQ(apply(r), (Writes{{"c/cpu.idle", "0"}, {"c/cpu.weight", "39"},
                                {"c/cpu.max.burst", "1000"}, {"c/cpu.max", "50000 100000"}}));
}

TEST_F(CgroupV2, CpuMaxSpellsNoQuotaAsMax) {
    wb::oci::Resources r;
    r.cpu = wb::oci::Cpu{};
    r.cpu->quota = -1;
    EXPECT_EQ(apply(r), (Writes{{"c/cpu.max", "max"}}));
    r.cpu->quota.reset();
    r.cpu->period = 200000;
    EXPECT_EQ(apply(r), (Writes{{"c/cpu.max", "max 200000"}}));
    r.cpu->quota = 20000;
    r.cpu->period.reset();
    EXPECT_EQ(apply(r), (Writes{{"c/cpu.max", "20000"}}));  // the kernel keeps the period
}

TEST_F(CgroupV2, CpusetCpusAndMems) {
    wb::oci::Resources r;
    r.cpu = wb::oci::Cpu{};
    r.cpu->cpus = "0-1";
    r.cpu->mems = "0";
    EXPECT_EQ(apply(r), (Writes{{"c/cpuset.cpus", "0-1"}, {"c/cpuset.mems", "0"}}));
}

TEST_F(CgroupV2, PidsNegativeIsMaxAndZeroIsALimit) {
    wb::oci::Resources r;
    r.pids = wb::oci::Pids{-1};
    EXPECT_EQ(apply(r), (Writes{{"c/pids.max", "max"}}));
    r.pids = wb::oci::Pids{0};
    EXPECT_EQ(apply(r), (Writes{{"c/pids.max", "0"}}));
    r.pids = wb::oci::Pids{100};
    EXPECT_EQ(apply(r), (Writes{{"c/pids.max", "100"}}));
    r.pids = wb::oci::Pids{};
    EXPECT_EQ(apply(r), Writes{});
}

TEST_F(CgroupV2, IoWeightConvertedAndIoMaxPerDevice) {
    wb::oci::Resources r;
    r.block_io = wb::oci::BlockIo{};
    r.block_io->weight = 500;
    r.block_io->throttle_read_bps_device = {{8, 0, 1048576}};
    r.block_io->throttle_write_iops_device = {{8, 0, 100}, {8, 16, 0}};
    EXPECT_EQ(apply(r), (Writes{{"c/io.weight", "4950"},
                                {"c/io.max", "8:0 rbps=1048576 wiops=100"},
                                {"c/io.max", "8:16 wiops=max"}}));
}

TEST_F(CgroupV2, IoUsesBfqWeightWhenPresent) {
    fs.put("c/io.bfq.weight", "default 100\n");
    wb::oci::Resources r;
    r.block_io = wb::oci::BlockIo{};
    r.block_io->weight = 500;
    r.block_io->weight_device = {{8, 0, 300, {}}};
    EXPECT_EQ(apply(r), (Writes{{"c/io.bfq.weight", "500"}, {"c/io.bfq.weight", "8:0 300"}}));
}

TEST_F(CgroupV2, HugetlbAndRdma) {
    wb::oci::Resources r;
    r.hugepage_limits = {{"2MB", 4 << 20}};
    r.rdma["mlx5_1"] = wb::oci::Rdma{3, 10};
    EXPECT_EQ(apply(r), (Writes{{"c/hugetlb.2MB.max", std::to_string(4 << 20)},
                                {"c/rdma.max", "mlx5_1 hca_handle=3 hca_object=10"}}));
}

TEST_F(CgroupV2, UnifiedWritesFilesAndRejectsBadKeys) {
    wb::oci::Resources r;
    r.unified = {{"memory.high", "5000"}, {"cgroup.max.descendants", "10"}};
    fs.put("c/memory.high", "max");
    fs.put("c/cgroup.max.descendants", "max");
    EXPECT_EQ(apply(r), (Writes{{"c/cgroup.max.descendants", "10"}, {"c/memory.high", "5000"}}));
    r.unified = {{"../memory.max", "1"}};
    EXPECT_THROW(apply(r), wb::Error);
    r.unified = {{"misc.max", "1"}};  // controller not available to the cgroup
    try {
        apply(r);
        FAIL() << "no error";
    } catch (const wb::Error& e) {
        EXPECT_STREQ(e.what(), "unified resource \"misc.max\" can't be set: controller \"misc\" not available");
    }
}

TEST_F(CgroupV2, KernelRefusalNamesTheFileAndValue) {
    wb::fs::remove_all(fs.at("c/memory.max"));
    wb::fs::mkdir_all(fs.at("c/memory.max"));  // opening it for writing fails: EISDIR
    try {
        apply(memory(100, {}));
        FAIL() << "no error";
    } catch (const wb::Error& e) {
        EXPECT_STREQ(e.what(), "write memory.max \"100\": Is a directory");
        EXPECT_EQ(e.code(), EISDIR);
    }
}

TEST_F(CgroupV2, DeviceRulesAreValidatedEvenWhenNotLoaded) {
    wb::oci::Resources r;
    r.devices = {{false, "a", {}, {}, "rwm"}, {true, "c", 1, 3, "rwm"}};
    EXPECT_NO_THROW(apply(r));
    r.devices = {{true, "c", 1, 3, "rwx"}};
    EXPECT_THROW(apply(r), wb::Error);
}

TEST_F(CgroupV2, FreezeWaitsForFrozenEventAndThaw) {
    fs.put("c/cgroup.events", "populated 1\nfrozen 1\n");
    m->freeze();
    EXPECT_TRUE(m->frozen());
    fs.put("c/cgroup.events", "populated 1\nfrozen 0\n");
    m->thaw();
    EXPECT_FALSE(m->frozen());
    EXPECT_EQ(fs.journal(), (Writes{{"c/cgroup.freeze", "1"}, {"c/cgroup.freeze", "0"}}));
}

TEST_F(CgroupV2, KillAllUsesCgroupKillForSigkill) {
    fs.put("c/cgroup.kill", "");
    m->kill_all(SIGKILL);
    EXPECT_EQ(fs.journal(), (Writes{{"c/cgroup.kill", "1"}}));
}

TEST_F(CgroupV2, PidsIncludeSubCgroups) {
    fs.put("c/cgroup.procs", "10\n11\n");
    fs.dir("c/sub", {{"cgroup.procs", "12\n"}});
    auto p = m->pids();
    std::sort(p.begin(), p.end());
    EXPECT_EQ(p, (std::vector<pid_t>{10, 11, 12}));
}

TEST_F(CgroupV2, Stats) {
    fs.put("c/memory.current", "4096\n");
    fs.put("c/memory.max", "max\n");
    fs.put("c/memory.swap.current", "100\n");
    fs.put("c/memory.stat", "anon 10\nfile 20\n");
    fs.put("c/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 2\n");
    fs.put("c/cpu.stat", "usage_usec 7\nuser_usec 5\nsystem_usec 2\nnr_periods 4\nnr_throttled 1\nthrottled_usec 9\n");
    fs.put("c/pids.current", "3\n");
    fs.put("c/pids.max", "max\n");
    fs.put("c/io.stat", "8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n");
    fs.put("c/hugetlb.2MB.current", "2097152\n");
    fs.put("c/hugetlb.2MB.rsvd.current", "0\n");
    auto s = m->stats();
    EXPECT_EQ(s.memory.usage, 4096u);
    EXPECT_EQ(s.memory.limit, UINT64_MAX);
    EXPECT_EQ(s.memory.swap_usage, 4196u);
    EXPECT_EQ(s.memory.failcnt, 3u);
    EXPECT_EQ(s.memory.raw.at("file"), 20u);
    EXPECT_EQ(s.cpu.total, 7000u);
    EXPECT_EQ(s.cpu.user, 5000u);
    EXPECT_EQ(s.cpu.kernel, 2000u);
    EXPECT_EQ(s.cpu.throttled_periods, 1u);
    EXPECT_EQ(s.cpu.throttled_time, 9000u);
    EXPECT_EQ(s.pids.current, 3u);
    EXPECT_EQ(s.pids.limit, 0u);
    ASSERT_EQ(s.io_service_bytes.size(), 2u);
    EXPECT_EQ(s.io_service_bytes[1].op, "Write");
    EXPECT_EQ(s.io_service_bytes[1].value, 200u);
    ASSERT_EQ(s.io_serviced.size(), 2u);
    EXPECT_EQ(s.io_serviced[0].value, 1u);
    EXPECT_EQ(s.hugetlb_usage.size(), 1u);
    EXPECT_EQ(s.hugetlb_usage.at("2MB"), 2097152u);
    EXPECT_EQ(m->oom_kill_count(), 2u);
}

TEST_F(CgroupV2, OpenManagerFindsTheRecordedCgroup) {
    auto o = fs.options(Mode::unified);
    auto again = open_manager("/c", o);
    EXPECT_EQ(again->path(), "/c");
    EXPECT_GE(again->clone_into_fd(), 0);
    auto by_paths = open_manager(m->controller_paths(), o);
    EXPECT_EQ(by_paths->path(), "/c");
}
