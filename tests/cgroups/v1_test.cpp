#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include "cgroups/manager.hpp"
#include "cgroups/v1/controllers.hpp"
#include "fake_cgroupfs.hpp"
#include "util/error.hpp"

using namespace wb::cgroups;
using wb::cgroups::testing::FakeCgroupfs;
using wb::cgroups::testing::Writes;

namespace {

// A legacy host: cpu,cpuacct co-mounted (with the usual symlinks), the rest alone, the
// container at /c in each hierarchy with the files the kernel would make.
struct CgroupV1 : ::testing::Test {
    FakeCgroupfs fs;
    std::unique_ptr<Manager> m;
    void SetUp() override {
        fs.dir("memory/c", {{"cgroup.procs", ""}, {"memory.limit_in_bytes", "9223372036854771712\n"},
                            {"memory.memsw.limit_in_bytes", "9223372036854771712\n"},
                            {"memory.soft_limit_in_bytes", ""}, {"memory.swappiness", "60\n"},
                            {"memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n"}});
        fs.dir("cpu,cpuacct/c", {{"cgroup.procs", ""}, {"cpu.shares", "1024\n"},
                                 {"cpu.cfs_quota_us", "-1\n"}, {"cpu.cfs_period_us", "100000\n"},
                                 {"cpu.rt_runtime_us", "0\n"}, {"cpu.rt_period_us", "1000000\n"}});
        ::symlink("cpu,cpuacct", fs.at("cpu").c_str());
        ::symlink("cpu,cpuacct", fs.at("cpuacct").c_str());
        fs.dir("cpuset", {{"cpuset.cpus", "0-3\n"}, {"cpuset.mems", "0\n"}});
        fs.dir("cpuset/c", {{"cgroup.procs", ""}, {"cpuset.cpus", ""}, {"cpuset.mems", ""}});
        fs.dir("pids/c", {{"cgroup.procs", ""}, {"pids.max", "max\n"}});
        fs.dir("blkio/c", {{"cgroup.procs", ""}, {"blkio.weight", "500\n"}});
        fs.dir("devices/c", {{"cgroup.procs", ""}, {"devices.allow", ""}, {"devices.deny", ""}});
        fs.dir("freezer/c", {{"cgroup.procs", ""}, {"freezer.state", "THAWED\n"}});
        fs.dir("hugetlb/c", {{"cgroup.procs", ""}});
        fs.dir("net_cls,net_prio/c", {{"cgroup.procs", ""}});
        fs.dir("systemd/c", {{"cgroup.procs", ""}});
        m = make_manager(Placement{"/c", "id"}, fs.options(Mode::legacy));
        EXPECT_TRUE(m->dirs_exist_before_join());  // made by create(): the init may mount them
        m->create();
        fs.clear_journal();
    }
    Writes apply(const wb::oci::Resources& r) {
        fs.clear_journal();
        m->apply(r);
        return fs.journal();
    }
    wb::oci::Resources memory(std::optional<int64_t> limit, std::optional<int64_t> swap) {
        wb::oci::Resources r;
        r.memory = wb::oci::Memory{};
        r.memory->limit = limit;
        r.memory->swap = swap;
        return r;
    }
};

}  // namespace

TEST(CgroupV1Discovery, FromDirectoriesWhenNotMounted) {
    FakeCgroupfs fs;
    fs.dir("cpu,cpuacct");
    ::symlink("cpu,cpuacct", fs.at("cpu").c_str());
    fs.dir("memory");
    fs.dir("systemd");
    fs.dir("unified");
    fs.dir("not-a-controller");
    auto mounts = v1::find_mounts(fs.options(Mode::legacy));
    std::vector<std::string> names;
    for (const auto& [c, mnt] : mounts) names.push_back(c);
    EXPECT_EQ(names, (std::vector<std::string>{"cpu", "cpuacct", "memory", "name=systemd"}));
    EXPECT_EQ(mounts.at("cpu").dir, fs.at("cpu,cpuacct"));
}

TEST(CgroupV1Discovery, FromMountinfo) {
    FakeCgroupfs fs;
    auto o = fs.options(Mode::legacy);
    fs.put("proc-self-mountinfo",
           "31 23 0:28 / " + fs.root() + " rw - tmpfs tmpfs rw\n"
           "32 31 0:29 / " + fs.at("cpu,cpuacct") + " rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
           "35 31 0:32 /docker/x " + fs.at("memory") + " rw - cgroup cgroup rw,memory\n"
           "40 31 0:37 / " + fs.at("systemd") + " rw - cgroup cgroup rw,xattr,name=systemd\n"
           "41 31 0:38 / " + fs.at("unified") + " rw - cgroup2 cgroup2 rw\n"
           "50 23 0:40 / /elsewhere/memory rw - cgroup cgroup rw,memory\n");
    auto mounts = v1::find_mounts(o);
    EXPECT_EQ(mounts.size(), 4u);
    EXPECT_EQ(mounts.at("cpuacct").dir, fs.at("cpu,cpuacct"));
    EXPECT_EQ(mounts.at("memory").dir, fs.at("memory"));
    EXPECT_EQ(mounts.at("memory").root, "/docker/x");
    EXPECT_EQ(mounts.count("name=systemd"), 1u);
}

TEST_F(CgroupV1, CreateCopiesCpusetFromTheParent) {
    FakeCgroupfs f2;
    f2.dir("cpuset", {{"cpuset.cpus", "0-3\n"}, {"cpuset.mems", "0\n"}});
    f2.dir("cpuset/a", {{"cpuset.cpus", "\n"}, {"cpuset.mems", "\n"}});
    f2.dir("cpuset/a/b", {{"cpuset.cpus", ""}, {"cpuset.mems", "0\n"}});
    auto mm = make_manager(Placement{"/a/b", "id"}, f2.options(Mode::legacy));
    mm->create();
    EXPECT_EQ(f2.journal(), (Writes{{"cpuset/a/cpuset.cpus", "0-3"}, {"cpuset/a/cpuset.mems", "0"},
                                    {"cpuset/a/b/cpuset.cpus", "0-3"}}));
}

TEST_F(CgroupV1, PathsAndAddProcessJoinEveryHierarchyOnce) {
    auto paths = m->controller_paths();
    EXPECT_EQ(paths.at("cpu"), fs.at("cpu,cpuacct/c"));
    EXPECT_EQ(paths.at("net_prio"), fs.at("net_cls,net_prio/c"));
    EXPECT_EQ(paths.count(""), 0u);  // legacy: no cgroup2 directory
    EXPECT_EQ(m->path(), "/c");
    EXPECT_EQ(m->clone_into_fd(), -1);
    m->add_process(77);
    auto j = fs.journal();
    EXPECT_EQ(j.size(), 10u);  // 10 hierarchies, cpu,cpuacct and net_cls,net_prio once each
    for (const auto& [p, v] : j) EXPECT_EQ(v, "77") << p;
}

TEST_F(CgroupV1, ANewProcessJoinsThroughEachHierarchysTasksFile) {
    auto files = m->self_join_files();
    ASSERT_EQ(files.size(), 10u);  // as add_process: each hierarchy once
    std::set<std::string> dirs;
    for (const auto& f : files) {
        EXPECT_EQ(f.substr(f.rfind('/')), "/tasks") << f;
        dirs.insert(f.substr(0, f.rfind('/')));
        std::ofstream(f) << "";  // the kernel's file
    }
    EXPECT_EQ(dirs.size(), 10u);
    EXPECT_TRUE(dirs.count(fs.at("cpu,cpuacct/c")));

    SelfJoin join(m.get());
    EXPECT_FALSE(join.empty());
    join.join();  // (in the new process)
    EXPECT_TRUE(join.empty());
    for (const auto& f : files) EXPECT_EQ(wb::fs::read_file(f), "0") << f;

    // What is left for the runtime: nothing on a legacy host, every hierarchy by pid when
    // the process did not join itself.
    m->finish_join(77, {.self = true});
    EXPECT_EQ(fs.journal(), Writes{});
    m->finish_join(77, {});
    EXPECT_EQ(fs.journal().size(), 10u);
}

TEST_F(CgroupV1, SelfJoinNamesTheFileItCannotOpenOrTheCgroupItCannotJoin) {
    // No tasks files in this tree: the first is named.
    try {
        SelfJoin join(m.get());
        FAIL() << "opened a missing tasks file";
    } catch (const wb::Error& e) {
        EXPECT_NE(std::string(e.what()).find("open " + fs.at("blkio/c/tasks")), std::string::npos) << e.what();
    }
    // A write the kernel refuses (here ENOSPC).
    struct FullTasks final : public Manager {
        std::vector<std::string> self_join_files() const override { return {"/dev/full"}; }
        void create() override {}
        void add_process(pid_t) override {}
        void apply(const wb::oci::Resources&) override {}
        void freeze() override {}
        void thaw() override {}
        bool frozen() const override { return false; }
        std::vector<pid_t> pids() const override { return {}; }
        Stats stats() const override { return {}; }
        uint64_t oom_kill_count() const override { return 0; }
        void kill_all(int) override {}
        void destroy() override {}
        int clone_into_fd() const override { return -1; }
        std::string path() const override { return "/"; }
    } full;
    SelfJoin join(&full);
    try {
        join.join();
        FAIL() << "a refused write went unnoticed";
    } catch (const wb::Error& e) {
        EXPECT_EQ(std::string(e.what()), "join cgroup /dev: No space left on device");
    }
}

TEST_F(CgroupV1, MemoryRaisingWritesSwapFirst) {
    fs.put("memory/c/memory.limit_in_bytes", "100\n");
    EXPECT_EQ(apply(memory(200, 400)), (Writes{{"memory/c/memory.memsw.limit_in_bytes", "400"},
                                               {"memory/c/memory.limit_in_bytes", "200"}}));
}

TEST_F(CgroupV1, MemoryLoweringWritesMemoryFirst) {
    fs.put("memory/c/memory.limit_in_bytes", "1000\n");
    EXPECT_EQ(apply(memory(100, 200)), (Writes{{"memory/c/memory.limit_in_bytes", "100"},
                                               {"memory/c/memory.memsw.limit_in_bytes", "200"}}));
}

TEST_F(CgroupV1, MemoryUnlimitedTakesSwapAlong) {
    EXPECT_EQ(apply(memory(-1, {})), (Writes{{"memory/c/memory.memsw.limit_in_bytes", "-1"},
                                             {"memory/c/memory.limit_in_bytes", "-1"}}));
}

TEST_F(CgroupV1, MemoryReservationSwappinessOomControl) {
    wb::oci::Resources r;
    r.memory = wb::oci::Memory{};
    r.memory->reservation = 1000;
    r.memory->swappiness = 0;
    r.memory->disable_oom_killer = true;
    r.memory->kernel = 1 << 20;  // ignored with a warning
    EXPECT_EQ(apply(r), (Writes{{"memory/c/memory.soft_limit_in_bytes", "1000"},
                                {"memory/c/memory.oom_control", "1"},
                                {"memory/c/memory.swappiness", "0"}}));
    r.memory->swappiness = 101;
    try {
        apply(r);
        FAIL() << "no error";
    } catch (const wb::Error& e) {
        EXPECT_STREQ(e.what(), "invalid value:101. valid memory swappiness range is 0-100");
    }
}

TEST_F(CgroupV1, CpuSharesQuotaPeriodRealtime) {
    wb::oci::Resources r;
    r.cpu = wb::oci::Cpu{};
    r.cpu->shares = 512;
    r.cpu->quota = 50000;
    r.cpu->period = 100000;
    r.cpu->realtime_period = 1000000;
    r.cpu->realtime_runtime = 950000;
    r.cpu->cpus = "1";
    EXPECT_EQ(apply(r), (Writes{{"cpu,cpuacct/c/cpu.shares", "512"},
                                {"cpu,cpuacct/c/cpu.cfs_period_us", "100000"},
                                {"cpu,cpuacct/c/cpu.cfs_quota_us", "50000"},
                                {"cpu,cpuacct/c/cpu.rt_period_us", "1000000"},
                                {"cpu,cpuacct/c/cpu.rt_runtime_us", "950000"},
                                {"cpuset/c/cpuset.cpus", "1"}}));
    r.cpu->idle = 1;  // no cpu.idle on this "kernel": ignored with a warning
    EXPECT_NO_THROW(apply(r));
}

TEST_F(CgroupV1, PidsBlkioHugetlbNetwork) {
    wb::oci::Resources r;
    r.pids = wb::oci::Pids{-1};
    r.block_io = wb::oci::BlockIo{};
    r.block_io->weight = 300;
    r.block_io->weight_device = {{8, 0, 200, {}}};
    r.block_io->throttle_read_bps_device = {{8, 0, 1048576}};
    r.block_io->throttle_write_iops_device = {{8, 0, 50}};
    r.hugepage_limits = {{"2MB", 2097152}};
    r.network = wb::oci::Network{};
    r.network->class_id = 0x100001;
    r.network->priorities = {{"eth0", 5}, {"lo", 1}};
    fs.put("blkio/c/blkio.weight_device", "");
    fs.put("blkio/c/blkio.throttle.read_bps_device", "");
    fs.put("blkio/c/blkio.throttle.write_iops_device", "");
    fs.put("hugetlb/c/hugetlb.2MB.limit_in_bytes", "");
    fs.put("net_cls,net_prio/c/net_cls.classid", "");
    fs.put("net_cls,net_prio/c/net_prio.ifpriomap", "");
    EXPECT_EQ(apply(r), (Writes{{"pids/c/pids.max", "max"},
                                {"blkio/c/blkio.weight", "300"},
                                {"blkio/c/blkio.weight_device", "8:0 200"},
                                {"blkio/c/blkio.throttle.read_bps_device", "8:0 1048576"},
                                {"blkio/c/blkio.throttle.write_iops_device", "8:0 50"},
                                {"hugetlb/c/hugetlb.2MB.limit_in_bytes", "2097152"},
                                {"net_cls,net_prio/c/net_cls.classid", "1048577"},
                                {"net_cls,net_prio/c/net_prio.ifpriomap", "eth0 5"},
                                {"net_cls,net_prio/c/net_prio.ifpriomap", "lo 1"}}));
}

TEST_F(CgroupV1, DevicesDenyAllThenRulesInOrder) {
    wb::oci::Resources r;
    r.devices = {{false, "a", {}, {}, "rwm"},
                 {true, "c", 1, 3, "rwm"},
                 {true, "c", 136, {}, "rwm"},
                 {false, "c", 5, 1, "w"},
                 {true, "b", {}, {}, "m"}};
    EXPECT_EQ(apply(r), (Writes{{"devices/c/devices.deny", "a"},
                                {"devices/c/devices.deny", "a *:* rwm"},
                                {"devices/c/devices.allow", "c 1:3 rwm"},
                                {"devices/c/devices.allow", "c 136:* rwm"},
                                {"devices/c/devices.deny", "c 5:1 w"},
                                {"devices/c/devices.allow", "b *:* m"}}));
    r.devices = {{true, "c", 1, 3, "rwx"}};
    EXPECT_THROW(apply(r), wb::Error);
    EXPECT_EQ(fs.journal(), Writes{});  // validated before "deny a"
}

// The kernel takes one rule a write(2); a file opened once for all of them. Here the files
// are plain ones, so each holds every rule written to it since its one O_TRUNC open.
TEST_F(CgroupV1, DeviceRulesOpenEachFileOnce) {
    wb::oci::Resources r;
    r.devices = {{false, "a", {}, {}, "rwm"}, {true, "c", 1, 3, "rwm"}, {true, "c", 1, 5, "rwm"}};
    apply(r);
    EXPECT_EQ(fs.get("devices/c/devices.deny"), "aa *:* rwm");
    EXPECT_EQ(fs.get("devices/c/devices.allow"), "c 1:3 rwmc 1:5 rwm");
    ::unlink(fs.at("devices/c/devices.allow").c_str());
    try {
        apply(r);
        FAIL() << "no error";
    } catch (const wb::Error& e) {
        EXPECT_STREQ(e.what(), "write devices.allow \"c 1:3 rwm\": No such file or directory");
    }
}

TEST_F(CgroupV1, UnifiedIsRefusedBeforeAnyWrite) {
    auto r = memory(1000, {});
    r.unified = {{"memory.high", "1"}};
    try {
        apply(r);
        FAIL() << "no error";
    } catch (const wb::Error& e) {
        EXPECT_STREQ(e.what(), "invalid configuration: cannot use unified on cgroup v1");
    }
    EXPECT_EQ(fs.journal(), Writes{});
}

TEST_F(CgroupV1, FreezeAndThawThroughFreezerState) {
    m->freeze();
    EXPECT_TRUE(m->frozen());
    m->thaw();
    EXPECT_FALSE(m->frozen());
    EXPECT_EQ(fs.journal(), (Writes{{"freezer/c/freezer.state", "FROZEN"},
                                    {"freezer/c/freezer.state", "THAWED"}}));
}

TEST_F(CgroupV1, Stats) {
    fs.put("memory/c/memory.usage_in_bytes", "4096\n");
    fs.put("memory/c/memory.max_usage_in_bytes", "8192\n");
    fs.put("memory/c/memory.failcnt", "2\n");
    fs.put("memory/c/memory.stat", "cache 1\nrss 2\n");
    fs.put("memory/c/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 4\n");
    fs.put("cpu,cpuacct/c/cpuacct.usage", "123456\n");
    fs.put("cpu,cpuacct/c/cpuacct.usage_percpu", "100000 23456 \n");
    fs.put("cpu,cpuacct/c/cpuacct.stat", "user 3\nsystem 1\n");
    fs.put("cpu,cpuacct/c/cpu.stat", "nr_periods 5\nnr_throttled 2\nthrottled_time 777\n");
    fs.put("pids/c/pids.current", "2\n");
    fs.put("pids/c/pids.max", "10\n");
    fs.put("blkio/c/blkio.throttle.io_service_bytes", "8:0 Read 512\n8:0 Write 1024\nTotal 1536\n");
    fs.put("hugetlb/c/hugetlb.2MB.usage_in_bytes", "0\n");
    auto s = m->stats();
    long hz = sysconf(_SC_CLK_TCK);
    EXPECT_EQ(s.memory.usage, 4096u);
    EXPECT_EQ(s.memory.max_usage, 8192u);
    EXPECT_EQ(s.memory.failcnt, 2u);
    EXPECT_EQ(s.memory.raw.at("rss"), 2u);
    EXPECT_EQ(s.cpu.total, 123456u);
    EXPECT_EQ(s.cpu.percpu, (std::vector<uint64_t>{100000, 23456}));
    EXPECT_EQ(s.cpu.user, 3u * (1000000000u / static_cast<uint64_t>(hz)));
    EXPECT_EQ(s.cpu.kernel, 1u * (1000000000u / static_cast<uint64_t>(hz)));
    EXPECT_EQ(s.cpu.throttled_time, 777u);
    EXPECT_EQ(s.pids.current, 2u);
    EXPECT_EQ(s.pids.limit, 10u);
    ASSERT_EQ(s.io_service_bytes.size(), 2u);
    EXPECT_EQ(s.io_service_bytes[0].op, "Read");
    EXPECT_EQ(s.io_service_bytes[0].value, 512u);
    EXPECT_EQ(s.hugetlb_usage.count("2MB"), 1u);
    EXPECT_EQ(m->oom_kill_count(), 4u);
}

TEST(CgroupV1Hybrid, AlsoMakesADirectoryInTheUnifiedHierarchy) {
    FakeCgroupfs fs;
    fs.dir("memory");
    fs.dir("unified");
    fs.put("proc-self-cgroup", "1:memory:/m\n0::/u\n");
    auto m = make_manager(Placement{"", "id"}, fs.options(Mode::hybrid));
    m->create();
    EXPECT_EQ(m->controller_paths().at(""), fs.at("unified/u/id"));
    EXPECT_TRUE(wb::fs::exists(fs.at("unified/u/id")));
    EXPECT_EQ(m->path(), "/m/id");
    // A new process is cloned into the cgroup2 directory and writes itself into the v1
    // ones: nothing left by pid. Without the clone, the cgroup2 directory by pid.
    EXPECT_GE(m->clone_into_fd(), 0);
    fs.clear_journal();
    m->finish_join(77, {.self = true, .cloned_into = true});
    EXPECT_EQ(fs.journal(), Writes{});
    m->finish_join(77, {.self = true});
    EXPECT_EQ(fs.journal(), (Writes{{"unified/u/id/cgroup.procs", "77"}}));
    m->destroy();
    EXPECT_FALSE(wb::fs::exists(fs.at("unified/u")));
    EXPECT_FALSE(wb::fs::exists(fs.at("memory/m")));
}

TEST(CgroupV1Hybrid, ReopensFromRecordedControllerPaths) {
    FakeCgroupfs fs;
    fs.dir("memory/m/id", {{"memory.oom_control", "oom_kill 1\n"}});
    fs.dir("pids/id");
    auto o = fs.options(Mode::legacy);
    auto m = open_manager(std::map<std::string, std::string>{{"memory", fs.at("memory/m/id")},
                                                             {"pids", fs.at("pids/id")}},
                          o);
    EXPECT_EQ(m->oom_kill_count(), 1u);
    EXPECT_EQ(m->controller_paths().at("pids"), fs.at("pids/id"));
}

namespace {
wb::oci::DeviceRule rule(bool allow, std::string type, std::optional<int64_t> major,
                         std::optional<int64_t> minor, std::string access) {
    return {allow, std::move(type), major, minor, std::move(access)};
}
}  // namespace

TEST(CgroupV1Devices, ListFromRulesFollowsTheKernelsSemantics) {
    using v1::DeviceList;
    auto list = DeviceList::from_rules({rule(false, "a", {}, {}, "rwm"), rule(true, "c", 1, 3, "rwm"),
                                        rule(true, "c", 136, {}, "rw"), rule(false, "c", 1, 3, "w"),
                                        rule(true, "c", 136, {}, "m"), rule(false, "c", 5, 1, "rwm")});
    EXPECT_FALSE(list.default_allow);
    EXPECT_EQ(list.exceptions, (std::map<DeviceList::Key, unsigned>{{{'c', 1, 3}, 1 | 4},
                                                                    {{'c', 136, -1}, 1 | 2 | 4}}));
    // "a" resets the list; a rule the same as the default removes bits from an exception.
    auto allow = DeviceList::from_rules({rule(false, "c", 1, 3, "rwm"), rule(true, "a", {}, {}, ""),
                                         rule(false, "b", 8, {}, "w")});
    EXPECT_TRUE(allow.default_allow);
    EXPECT_EQ(allow.exceptions, (std::map<DeviceList::Key, unsigned>{{{'b', 8, -1}, 2}}));
    EXPECT_THROW(DeviceList::from_rules({rule(true, "x", 1, 1, "r")}), wb::Error);
}

TEST(CgroupV1Devices, ParseDevicesList) {
    using v1::DeviceList;
    auto list = DeviceList::parse("c 1:3 rwm\nc 136:* rw\nb *:* m\n");
    ASSERT_TRUE(list);
    EXPECT_FALSE(list->default_allow);
    EXPECT_EQ(list->exceptions, (std::map<DeviceList::Key, unsigned>{
                                    {{'c', 1, 3}, 7}, {{'c', 136, -1}, 3}, {{'b', -1, -1}, 4}}));
    EXPECT_TRUE(DeviceList::parse(""));  // deny all, no exceptions
    EXPECT_FALSE(DeviceList::parse("a *:* rwm\n"));  // allow all: exceptions are hidden
    EXPECT_FALSE(DeviceList::parse("c x:3 rwm\n"));
}

TEST(CgroupV1Devices, TransitionWritesOnlyTheDifference) {
    using v1::DeviceList;
    auto current = DeviceList::parse("c 1:3 rwm\nc 1:5 rwm\nc 136:* rw\n");
    auto target = DeviceList::from_rules({rule(false, "a", {}, {}, "rwm"), rule(true, "c", 1, 3, "rwm"),
                                          rule(true, "c", 136, {}, "rwm"), rule(true, "c", 10, 200, "rw")});
    EXPECT_EQ(DeviceList::transition(current, target),
              (std::vector<std::pair<std::string, std::string>>{{"devices.allow", "c 10:200 rw"},
                                                                {"devices.allow", "c 136:* m"},
                                                                {"devices.deny", "c 1:5 rwm"}}));
    EXPECT_TRUE(DeviceList::transition(target, target).empty());
    // Another default, or an unknown list: the default first, then every exception.
    auto allow = DeviceList::from_rules({rule(true, "a", {}, {}, "rwm"), rule(false, "c", 1, 3, "w")});
    EXPECT_EQ(DeviceList::transition(current, allow),
              (std::vector<std::pair<std::string, std::string>>{{"devices.allow", "a"},
                                                                {"devices.deny", "c 1:3 w"}}));
    EXPECT_EQ(DeviceList::transition(std::nullopt, target).front(),
              (std::pair<std::string, std::string>{"devices.deny", "a"}));
}

TEST_F(CgroupV1, DevicesUpdateOfARunningContainerNeverDeniesAll) {
    // The kernel's current list for a container that allows /dev/null and /dev/zero.
    fs.put("devices/c/devices.list", "c 1:3 rwm\nc 1:5 rwm\n");
    wb::oci::Resources r;
    r.devices = {rule(false, "a", {}, {}, "rwm"), rule(true, "c", 1, 3, "rwm"), rule(true, "c", 1, 9, "rwm")};
    EXPECT_EQ(apply(r), (Writes{{"devices/c/devices.allow", "c 1:9 rwm"},
                                {"devices/c/devices.deny", "c 1:5 rwm"}}));
}
