// The v1 driver against the real host, inside /sys/fs/cgroup/<ctrl>/whalebox-test/<unique>
// only. Skipped unless root on a v1 (legacy or hybrid) host.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "cgroups/manager.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

using namespace wb::cgroups;

namespace {

// Kills and reaps the child, and removes the cgroups, whatever the test did.
struct HostCleanup {
    pid_t child = -1;
    Manager* manager = nullptr;
    ~HostCleanup() {
        if (child > 0) {
            ::kill(child, SIGKILL);
            if (manager) {
                try {
                    manager->thaw();
                } catch (...) {
                }
            }
            ::waitpid(child, nullptr, 0);
        }
        if (manager) {
            try {
                manager->destroy();
            } catch (...) {
            }
        }
    }
};

}  // namespace

TEST(CgroupHostV1, LimitsFreezeStatsKillDestroy) {
    if (::geteuid() != 0 || !wb::fs::exists("/sys/fs/cgroup/memory/memory.limit_in_bytes") ||
        detect_mode() == Mode::unified)
        GTEST_SKIP() << "needs root on a cgroup v1 host";

    std::string unique = std::to_string(::getpid()) + "-" +
                         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    std::string rel = "/whalebox-test/" + unique;
    bool parent_existed = wb::fs::exists("/sys/fs/cgroup/memory/whalebox-test");
    auto m = make_manager(Placement{rel, "host-test"});
    HostCleanup cleanup;
    cleanup.manager = m.get();
    m->create();
    EXPECT_EQ(m->path(), rel);
    auto paths = m->controller_paths();
    ASSERT_EQ(paths.at("memory"), "/sys/fs/cgroup/memory" + rel);
    for (const auto& [c, dir] : paths) EXPECT_TRUE(wb::fs::exists(dir)) << c << " " << dir;

    wb::oci::Resources r;
    r.memory = wb::oci::Memory{};
    r.memory->limit = 64 << 20;
    r.pids = wb::oci::Pids{10};
    m->apply(r);
    EXPECT_EQ(wb::fs::read_file(paths.at("memory") + "/memory.limit_in_bytes"), "67108864\n");
    EXPECT_EQ(wb::fs::read_file(paths.at("pids") + "/pids.max"), "10\n");

    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        for (;;) ::pause();
    }
    cleanup.child = child;
    m->add_process(child);
    EXPECT_EQ(m->pids(), std::vector<pid_t>{child});

    m->freeze();
    EXPECT_TRUE(m->frozen());
    m->thaw();
    EXPECT_FALSE(m->frozen());

    auto s = m->stats();
    EXPECT_EQ(s.memory.limit, 64u << 20);
    EXPECT_EQ(s.pids.current, 1u);
    EXPECT_EQ(s.pids.limit, 10u);
    EXPECT_EQ(m->oom_kill_count(), 0u);

    m->kill_all(SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    cleanup.child = -1;
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    EXPECT_FALSE(m->frozen());

    m->destroy();
    cleanup.manager = nullptr;
    for (const auto& [c, dir] : paths) EXPECT_FALSE(wb::fs::exists(dir)) << c << " " << dir;
    if (!parent_existed) {
        EXPECT_FALSE(wb::fs::exists("/sys/fs/cgroup/memory/whalebox-test"));
    }
}

TEST(CgroupHostV1, KernelRefusalNamesFileAndValue) {
    if (::geteuid() != 0 || !wb::fs::exists("/sys/fs/cgroup/cpu/cpu.shares") ||
        detect_mode() == Mode::unified)
        GTEST_SKIP() << "needs root on a cgroup v1 host";
    std::string rel = "/whalebox-test/refuse-" + std::to_string(::getpid());
    auto m = make_manager(Placement{rel, "host-test"});
    HostCleanup cleanup;
    cleanup.manager = m.get();
    m->create();
    wb::oci::Resources r;
    r.cpu = wb::oci::Cpu{};
    r.cpu->quota = 500;  // below the kernel's 1ms minimum
    r.cpu->period = 100000;
    try {
        m->apply(r);
        FAIL() << "no error";
    } catch (const wb::Error& e) {
        EXPECT_STREQ(e.what(), "write cpu.cfs_quota_us \"500\": Invalid argument");
    }
}
