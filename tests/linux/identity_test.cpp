#include "linux/identity.hpp"

#include <grp.h>
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "error_of.hpp"
#include "linux/syscalls.hpp"
#include "recording_syscalls.hpp"

namespace wb::linux {
namespace {

using wb::testing::error_of;
using wb::testing::RecordingSyscalls;
using wb::testing::run_in_child;
using wb::testing::with_errno;

uint64_t status_mask(const std::string& key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.starts_with(key + ":")) return std::stoull(line.substr(key.size() + 1), nullptr, 16);
    return ~uint64_t{0};
}

TEST(LinuxIdentity, SwitchUserInChild) {
    int code = run_in_child([] {
        oci::User user;
        user.uid = 1000;
        user.gid = 1000;
        user.additional_gids = {10, 20};
        user.umask = 027;
        const uint64_t permitted_before = status_mask("CapPrm");
        switch_user(user);
        uid_t r, e, s;
        if (getresuid(&r, &e, &s) != 0 || r != 1000 || e != 1000 || s != 1000) return 1;
        gid_t gr, ge, gs;
        if (getresgid(&gr, &ge, &gs) != 0 || gr != 1000 || ge != 1000 || gs != 1000) return 2;
        gid_t groups[8];
        int n = getgroups(8, groups);
        if (n != 2 || groups[0] != 10 || groups[1] != 20) return 3;
        if (umask(0) != 027) return 4;
        // Permitted capabilities survive the uid change (PR_SET_KEEPCAPS) ...
        if (status_mask("CapPrm") != permitted_before) return 5;
        // ... the effective set does not, and KEEPCAPS is cleared again.
        if (status_mask("CapEff") != 0) return 6;
        if (prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) != 0) return 7;
        return 0;
    });
    EXPECT_EQ(code, 0);
}

TEST(LinuxIdentity, NoAdditionalGidsClearsGroupsAndKeepsUmask) {
    int code = run_in_child([] {
        const gid_t extra[] = {5, 6};
        if (setgroups(2, extra) != 0) return 10;
        umask(022);
        oci::User user;  // root, no umask
        switch_user(user);
        if (getgroups(0, nullptr) != 0) return 1;
        if (umask(0) != 022) return 2;
        if (getuid() != 0 || getgid() != 0) return 3;
        return 0;
    });
    EXPECT_EQ(code, 0);
}

TEST(LinuxIdentity, SetgroupsNotDeniedOnHost) { EXPECT_FALSE(setgroups_denied()); }

// The steps of switch_user() as the kernel sees them (recording double, nothing changes).
oci::User user_1000() {
    oci::User user;
    user.uid = 1000;
    user.gid = 1001;
    user.additional_gids = {10, 20};
    user.umask = 027;
    return user;
}

std::string keepcaps(int on) { return "prctl(" + std::to_string(PR_SET_KEEPCAPS) + ", 0x" + std::to_string(on) + ", 0x0, 0x0, 0x0)"; }

TEST(LinuxIdentity, GroupsThenGidThenUidWithKeepCapsAround) {
    ASSERT_FALSE(setgroups_denied());
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    switch_user(user_1000());
    EXPECT_EQ(rec.calls, (std::vector<std::string>{"setgroups(10,20)", keepcaps(1), "setresgid(1001, 1001, 1001)",
                                                   "setresuid(1000, 1000, 1000)", keepcaps(0), "umask(027)"}));
}

TEST(LinuxIdentity, NoAdditionalGidsIsAnEmptySetgroupsAndNoUmask) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    switch_user(oci::User{});
    EXPECT_EQ(rec.calls, (std::vector<std::string>{"setgroups()", keepcaps(1), "setresgid(0, 0, 0)",
                                                   "setresuid(0, 0, 0)", keepcaps(0)}));
}

TEST(LinuxIdentity, AnInjectedErrorNamesTheStepAndStopsThere) {
    struct Case {
        const char* call;
        int err;
        std::string message;
        size_t calls_made;  // including the failing one
    };
    const Case cases[] = {
        {"setgroups", EPERM, with_errno("setgroups", EPERM), 1},
        {"prctl", EINVAL, with_errno("prctl(PR_SET_KEEPCAPS)", EINVAL), 2},
        {"setresgid", EPERM, with_errno("setresgid 1001", EPERM), 3},
        {"setresgid", EINVAL, "cannot setgid to unmapped gid 1001 in user namespace", 3},
        {"setresuid", EPERM, with_errno("setresuid 1000", EPERM), 4},
        {"setresuid", EINVAL, "cannot setuid to unmapped uid 1000 in user namespace", 4},
    };
    for (const auto& c : cases) {
        RecordingSyscalls rec;
        rec.fail(c.call, c.err);
        ScopedSyscalls scoped(rec);
        EXPECT_EQ(error_of([] { switch_user(user_1000()); }), c.message) << c.call;
        EXPECT_EQ(rec.calls.size(), c.calls_made) << c.call;
    }
    // The second prctl: clearing KEEPCAPS again.
    RecordingSyscalls rec;
    rec.fail("prctl", EPERM, keepcaps(0));
    ScopedSyscalls scoped(rec);
    EXPECT_EQ(error_of([] { switch_user(user_1000()); }), with_errno("prctl(PR_CLEAR_KEEPCAPS)", EPERM));
    EXPECT_TRUE(rec.named("umask").empty());
}

}  // namespace
}  // namespace wb::linux

namespace wb::linux {
namespace {

int count_calls(const wb::testing::RecordingSyscalls& rec, const std::string& name) {
    int n = 0;
    for (const auto& c : rec.calls) n += c.rfind(name + "(", 0) == 0;
    return n;
}

TEST(LinuxIdentity, StdioGoesToTheUserKeepingItsGroup) {
    wb::testing::RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    rec.stat_mode = S_IFCHR | 0620;
    rec.stat_rdev = 0x8801;  // what fstatat reports for every path: /dev/null too
    give_stdio_to(1000);
    EXPECT_EQ(count_calls(rec, "fchownat"), 0);  // all three "are" /dev/null

    wb::testing::RecordingSyscalls pipes;
    ScopedSyscalls scoped_pipes(pipes);
    pipes.stat_mode = S_IFIFO | 0600;
    pipes.fail("fchownat", EPERM);  // ignored, as runc
    give_stdio_to(1000);
    EXPECT_EQ(count_calls(pipes, "fchownat"), 3);
    EXPECT_NE(pipes.index_of(", 1000, 0, 0x1000)"), -1);
}

}  // namespace
}  // namespace wb::linux
