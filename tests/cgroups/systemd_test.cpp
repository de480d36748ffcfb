// The systemd cgroup driver against a fake systemd (fake_systemd_bus.hpp) and a fake
// cgroupfs: which D-Bus calls it makes, with which properties, and which files it writes.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "cgroups/manager.hpp"
#include "cgroups/systemd/properties.hpp"
#include "fake_cgroupfs.hpp"
#include "fake_systemd_bus.hpp"
#include "util/error.hpp"

using namespace wb::cgroups;
using wb::cgroups::systemd::DeviceAllowList;
using wb::cgroups::systemd::infinity;
using wb::cgroups::systemd::Property;
using wb::cgroups::testing::FakeCgroupfs;
using wb::cgroups::testing::FakeSystemdBus;
using wb::cgroups::testing::Writes;

namespace {

const char* proc_devices = "Character devices:\n  1 mem\n  5 /dev/tty\n136 pts\n\nBlock devices:\n  7 loop\n";

const Property* find(const std::vector<Property>& props, const std::string& name) {
    auto it = std::find_if(props.begin(), props.end(), [&](const Property& p) { return p.name == name; });
    return it == props.end() ? nullptr : &*it;
}

struct SystemdDriver : ::testing::Test {
    FakeCgroupfs fs;
    std::shared_ptr<FakeSystemdBus> bus = std::make_shared<FakeSystemdBus>(fs);
    Options options;
    void SetUp() override {
        fs.dir("run-systemd-system");
        fs.dir("", {{"cgroup.controllers", "cpu memory pids\n"}, {"cgroup.subtree_control", "cpu memory pids\n"}});
        fs.put("proc-devices", proc_devices);
        options = fs.options(Mode::unified);
        options.systemd_bus = bus;
        options.proc_devices = fs.at("proc-devices");
        bus->scope_dirs["whalebox-c1.scope"] = "system.slice/whalebox-c1.scope";
        bus->scope_dirs["p-n.scope"] = "a.slice/a-b.slice/p-n.scope";
    }
    std::unique_ptr<Manager> make(const std::string& path = "", const std::string& id = "c1") {
        return make_manager(Placement{path, id, true}, options);
    }
};

}  // namespace

TEST(SystemdProperties, MemoryCpuPidsIoAsRunc) {
    wb::oci::Resources r;
    r.memory = wb::oci::Memory{};
    r.memory->limit = 100 << 20;
    r.memory->swap = 150 << 20;
    r.memory->reservation = 50 << 20;
    r.cpu = wb::oci::Cpu{};
    r.cpu->shares = 1024;
    r.cpu->quota = 50001;
    r.cpu->period = 100000;
    r.cpu->cpus = "0-1,9";
    r.pids = wb::oci::Pids{};
    r.pids->limit = 42;
    r.block_io = wb::oci::BlockIo{};
    r.block_io->weight = 500;
    r.unified["memory.high"] = "max";
    auto props = systemd::resource_properties(r, proc_devices);
    EXPECT_EQ(*find(props, "MemoryMax"), (Property{"MemoryMax", uint64_t{100 << 20}}));
    EXPECT_EQ(*find(props, "MemoryLow"), (Property{"MemoryLow", uint64_t{50 << 20}}));
    EXPECT_EQ(*find(props, "MemorySwapMax"), (Property{"MemorySwapMax", uint64_t{50 << 20}}));
    EXPECT_EQ(*find(props, "CPUWeight"), (Property{"CPUWeight", cpu_shares_to_weight(1024)}));
    // 50001 us per 100 ms is 500010 us per second, rounded up to a whole percent.
    EXPECT_EQ(*find(props, "CPUQuotaPerSecUSec"), (Property{"CPUQuotaPerSecUSec", uint64_t{510000}}));
    EXPECT_EQ(*find(props, "CPUQuotaPeriodUSec"), (Property{"CPUQuotaPeriodUSec", uint64_t{100000}}));
    EXPECT_EQ(*find(props, "AllowedCPUs"), (Property{"AllowedCPUs", std::vector<uint8_t>{0x03, 0x02}}));
    EXPECT_EQ(*find(props, "TasksMax"), (Property{"TasksMax", uint64_t{42}}));
    EXPECT_EQ(*find(props, "IOWeight"), (Property{"IOWeight", blkio_weight_to_io_weight(500)}));
    EXPECT_EQ(*find(props, "MemoryHigh"), (Property{"MemoryHigh", infinity}));
    EXPECT_EQ(find(props, "DevicePolicy"), nullptr);  // no device rules: devices untouched
}

TEST(SystemdProperties, UnlimitedValuesAreInfinity) {
    wb::oci::Resources r;
    r.memory = wb::oci::Memory{};
    r.memory->limit = -1;
    r.pids = wb::oci::Pids{};
    r.pids->limit = -1;
    r.cpu = wb::oci::Cpu{};
    r.cpu->quota = -1;
    auto props = systemd::resource_properties(r, proc_devices);
    EXPECT_EQ(*find(props, "MemoryMax"), (Property{"MemoryMax", infinity}));
    EXPECT_EQ(*find(props, "MemorySwapMax"), (Property{"MemorySwapMax", infinity}));
    EXPECT_EQ(*find(props, "TasksMax"), (Property{"TasksMax", infinity}));
    EXPECT_EQ(*find(props, "CPUQuotaPerSecUSec"), (Property{"CPUQuotaPerSecUSec", infinity}));
}

TEST(SystemdProperties, SwapBelowTheLimitFailsAsInV2) {
    wb::oci::Resources r;
    r.memory = wb::oci::Memory{};
    r.memory->limit = 200;
    r.memory->swap = 100;
    EXPECT_THROW(systemd::resource_properties(r, proc_devices), wb::Error);
}

TEST(SystemdProperties, DeviceRulesBecomeAStrictAllowList) {
    std::vector<wb::oci::DeviceRule> rules = {
        {false, "a", std::nullopt, std::nullopt, "rwm"},
        {true, "c", 1, 3, "rwm"},
        {true, "c", 136, std::nullopt, "rwm"},
        {true, "c", std::nullopt, std::nullopt, "m"},
        {true, "b", 7, std::nullopt, "r"},
        {true, "c", 240, std::nullopt, "rw"},  // a major /proc/devices does not name
        {false, "c", 1, 3, "w"},               // left to the eBPF program
    };
    auto props = systemd::device_properties(rules, proc_devices);
    ASSERT_EQ(props.size(), 2u);
    EXPECT_EQ(props[0], (Property{"DevicePolicy", std::string("strict")}));
    EXPECT_EQ(props[1], (Property{"DeviceAllow", DeviceAllowList{{"/dev/char/1:3", "rwm"},
                                                                 {"char-pts", "rwm"},
                                                                 {"char-*", "m"},
                                                                 {"block-loop", "r"},
                                                                 {"char-*", "rw"}}}));
}

TEST(SystemdProperties, AllowAllIsTheAutoPolicy) {
    std::vector<wb::oci::DeviceRule> rules = {{true, "c", 1, 3, "rwm"}, {true, "a", std::nullopt, std::nullopt, ""}};
    auto props = systemd::device_properties(rules, proc_devices);
    EXPECT_EQ(props[0], (Property{"DevicePolicy", std::string("auto")}));
    EXPECT_EQ(props[1], (Property{"DeviceAllow", DeviceAllowList{}}));
}

TEST(SystemdProperties, CpuListsToBits) {
    EXPECT_EQ(systemd::list_to_bits("0"), (std::vector<uint8_t>{0x01}));
    EXPECT_EQ(systemd::list_to_bits("1-3, 8 ,15"), (std::vector<uint8_t>{0x0e, 0x81}));
    EXPECT_THROW(systemd::list_to_bits("3-1"), wb::Error);
    EXPECT_THROW(systemd::list_to_bits("x"), wb::Error);
}

TEST_F(SystemdDriver, WithoutSystemdOneClearError) {
    wb::fs::remove_all(fs.at("run-systemd-system"));
    try {
        make();
        FAIL() << "no error";
    } catch (const wb::Error& e) {
        EXPECT_STREQ(e.what(),
                     "systemd cgroup flag passed, but systemd support for managing cgroups is not available");
    }
    EXPECT_TRUE(bus->calls.empty());
}

TEST_F(SystemdDriver, OnlyOnCgroupV2) {
    options.mode = Mode::hybrid;
    EXPECT_THROW(make(), wb::Error);
}

TEST_F(SystemdDriver, StartsTheScopeWithTheInitAndItsLimitsThenWritesTheFiles) {
    auto m = make();
    EXPECT_EQ(m->path(), "/system.slice/whalebox-c1.scope");
    m->create();
    EXPECT_EQ(m->clone_into_fd(), -1);  // no cgroup before the unit exists: add_process joins
    EXPECT_FALSE(m->dirs_exist_before_join());  // so the init waits for the move to mount it
    wb::oci::Resources r;
    r.memory = wb::oci::Memory{};
    r.memory->limit = 1 << 20;
    m->apply(r);
    EXPECT_EQ(bus->methods(), (std::vector<std::string>{"GetUnit whalebox-c1.scope"}));
    EXPECT_TRUE(fs.journal().empty());

    m->add_process(1234);
    ASSERT_EQ(bus->calls.size(), 2u);
    const auto& start = bus->calls[1];
    EXPECT_EQ(start.method, "StartTransientUnit");
    EXPECT_EQ(*find(start.properties, "Slice"), (Property{"Slice", std::string("system.slice")}));
    EXPECT_EQ(*find(start.properties, "Delegate"), (Property{"Delegate", true}));
    EXPECT_EQ(*find(start.properties, "PIDs"), (Property{"PIDs", std::vector<uint32_t>{1234}}));
    EXPECT_EQ(*find(start.properties, "MemoryMax"), (Property{"MemoryMax", uint64_t{1 << 20}}));
    EXPECT_EQ(fs.journal(), (Writes{{"system.slice/whalebox-c1.scope/memory.max", "1048576"}}));
    EXPECT_GE(m->clone_into_fd(), 0);
}

TEST_F(SystemdDriver, UpdateSetsTheUnitPropertiesAndTheFiles) {
    auto m = make();
    m->create();
    m->add_process(1);
    fs.clear_journal();
    wb::oci::Resources r;
    r.pids = wb::oci::Pids{};
    r.pids->limit = 7;
    m->apply(r);
    EXPECT_EQ(bus->calls.back().method, "SetUnitProperties");
    EXPECT_EQ(bus->calls.back().properties, (std::vector<Property>{{"TasksMax", uint64_t{7}}}));
    EXPECT_EQ(fs.journal(), (Writes{{"system.slice/whalebox-c1.scope/pids.max", "7"}}));
}

TEST_F(SystemdDriver, AnExistingScopeIsRefusedAndLeftAlone) {
    bus->states["whalebox-c1.scope"] = "active";
    auto m = make();
    try {
        m->create();
        FAIL() << "no error";
    } catch (const wb::Error& e) {
        EXPECT_NE(std::string(e.what()).find("systemd unit whalebox-c1.scope already exists"), std::string::npos)
            << e.what();
    }
    m->destroy();  // a failing create's rollback
    EXPECT_EQ(bus->methods(), (std::vector<std::string>{"GetUnit whalebox-c1.scope"}));
}

TEST_F(SystemdDriver, AFailedLeftoverIsResetAndReplaced) {
    bus->states["whalebox-c1.scope"] = "failed";
    auto m = make();
    m->create();
    m->add_process(1);
    EXPECT_EQ(bus->methods(), (std::vector<std::string>{"GetUnit whalebox-c1.scope", "ResetFailedUnit whalebox-c1.scope",
                                                        "GetUnit whalebox-c1.scope",
                                                        "StartTransientUnit whalebox-c1.scope"}));
}

TEST_F(SystemdDriver, DestroyStopsTheUnitAndLeavesNothing) {
    auto m = make();
    m->create();
    m->add_process(1);
    m->destroy();
    EXPECT_EQ(bus->calls[bus->calls.size() - 2].method, "StopUnit");
    EXPECT_EQ(bus->calls.back().method, "ResetFailedUnit");
    EXPECT_FALSE(wb::fs::exists(fs.at("system.slice/whalebox-c1.scope")));
}

TEST_F(SystemdDriver, AReopenedManagerKnowsItsUnitFromThePath) {
    {
        auto m = make("a-b.slice:p:n");
        EXPECT_EQ(m->path(), "/a.slice/a-b.slice/p-n.scope");
        m->create();
        m->add_process(1);
        EXPECT_EQ(*find(bus->calls.back().properties, "Slice"), (Property{"Slice", std::string("a-b.slice")}));
    }
    auto again = open_systemd_manager("/a.slice/a-b.slice/p-n.scope", options);
    wb::oci::Resources r;
    r.pids = wb::oci::Pids{};
    r.pids->limit = 3;
    again->apply(r);
    EXPECT_EQ(bus->calls.back().method + " " + bus->calls.back().unit, "SetUnitProperties p-n.scope");
    again->destroy();
    EXPECT_EQ(bus->calls[bus->calls.size() - 2].method + " " + bus->calls[bus->calls.size() - 2].unit,
              "StopUnit p-n.scope");
}

TEST_F(SystemdDriver, ASliceAsTheUnitIsRefused) {
    EXPECT_THROW(make("system.slice::x.slice"), wb::Error);
}
