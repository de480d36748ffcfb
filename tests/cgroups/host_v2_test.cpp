// The v2 driver against a real cgroup2 hierarchy (run it in the VM: integration/vm/wb-vm).
// Skipped unless root on a unified host.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/manager.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

using namespace wb::cgroups;

TEST(CgroupHostV2, LimitsDevicesFreezeKillDestroy) {
    if (::geteuid() != 0 || detect_mode() != Mode::unified)
        GTEST_SKIP() << "needs root on a cgroup v2 host";
    std::string rel = "/whalebox-test/" + std::to_string(::getpid());
    auto m = make_manager(Placement{rel, "host-test"});
    m->create();
    struct Cleanup {
        Manager* m;
        pid_t child = -1;
        ~Cleanup() {
            if (child > 0) {
                ::kill(child, SIGKILL);
                try { m->thaw(); } catch (...) {}
                ::waitpid(child, nullptr, 0);
            }
            try { m->destroy(); } catch (...) {}
        }
    } cleanup{m.get()};
    std::string dir = "/sys/fs/cgroup" + rel;
    ASSERT_GE(m->clone_into_fd(), 0);

    wb::oci::Resources r;
    r.memory = wb::oci::Memory{};
    r.memory->limit = 64 << 20;
    r.memory->swap = 64 << 20;
    r.pids = wb::oci::Pids{10};
    r.cpu = wb::oci::Cpu{};
    r.cpu->shares = 1024;
    r.cpu->quota = 50000;
    r.cpu->period = 100000;
    // Everything but /dev/null.
    r.devices = {{true, "a", {}, {}, "rwm"}, {false, "c", 1, 3, "rwm"}};
    m->apply(r);
    EXPECT_EQ(wb::fs::read_file(dir + "/memory.max"), "67108864\n");
    EXPECT_EQ(wb::fs::read_file(dir + "/pids.max"), "10\n");
    EXPECT_EQ(wb::fs::read_file(dir + "/cpu.weight"), "39\n");
    EXPECT_EQ(wb::fs::read_file(dir + "/cpu.max"), "50000 100000\n");
    if (wb::fs::exists(dir + "/memory.swap.max")) {
        EXPECT_EQ(wb::fs::read_file(dir + "/memory.swap.max"), "0\n");
    }

    int go[2];
    ASSERT_EQ(::pipe2(go, O_CLOEXEC), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        char c;
        if (::read(go[0], &c, 1) != 1) ::_exit(3);
        int fd = ::open("/dev/null", O_RDONLY);  // the device program must refuse it
        int zero = ::open("/dev/zero", O_RDONLY);
        if (fd >= 0 || errno != EPERM) ::_exit(1);
        if (zero < 0) ::_exit(2);
        for (;;) ::pause();
    }
    cleanup.child = child;
    ::close(go[0]);
    m->add_process(child);
    ASSERT_EQ(::write(go[1], "x", 1), 1);
    ::close(go[1]);
    ::usleep(200 * 1000);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, WNOHANG), 0) << "child exited with " << WEXITSTATUS(status);
    EXPECT_EQ(m->pids(), std::vector<pid_t>{child});

    m->freeze();
    EXPECT_TRUE(m->frozen());
    m->thaw();
    EXPECT_FALSE(m->frozen());

    auto s = m->stats();
    EXPECT_EQ(s.memory.limit, 64u << 20);
    EXPECT_EQ(s.pids.current, 1u);
    EXPECT_EQ(s.pids.limit, 10u);

    // An update replaces the device program rather than stacking another one.
    r = {};
    r.devices = {{true, "a", {}, {}, "rwm"}};
    m->apply(r);

    m->kill_all(SIGKILL);
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    cleanup.child = -1;
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    wb::oci::Resources bad;
    bad.memory = wb::oci::Memory{};
    bad.memory->limit = -5;
    try {
        m->apply(bad);
        ADD_FAILURE() << "no error";
    } catch (const wb::Error& e) {
        EXPECT_STREQ(e.what(), "write memory.max \"-5\": Invalid argument");
    }

    m->destroy();
    EXPECT_FALSE(wb::fs::exists(dir));
    EXPECT_FALSE(wb::fs::exists("/sys/fs/cgroup/whalebox-test"));
}
