#include "linux/seccomp_enosys.hpp"

#include <gtest/gtest.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "child_process.hpp"

namespace wb::linux {
namespace {

TEST(SeccompEnosys, OnlyADenyingDefaultGetsTheStub) {
    EXPECT_FALSE(enosys_stub_applies(SCMP_ACT_ALLOW));
    EXPECT_FALSE(enosys_stub_applies(SCMP_ACT_LOG));
    EXPECT_FALSE(enosys_stub_applies(SCMP_ACT_TRACE(1)));
    EXPECT_FALSE(enosys_stub_applies(SCMP_ACT_ERRNO(ENOSYS)));
    EXPECT_TRUE(enosys_stub_applies(SCMP_ACT_ERRNO(EPERM)));
    EXPECT_TRUE(enosys_stub_applies(SCMP_ACT_KILL));
    EXPECT_TRUE(enosys_stub_applies(SCMP_ACT_KILL_PROCESS));
}

#if defined(__x86_64__)
TEST(SeccompEnosys, BoundsAreTheHighestKnownNumberPerArchitecture) {
    auto bounds = syscall_bounds({SCMP_ARCH_X86_64, SCMP_ARCH_X32}, {"read", "prlimit64", "write", "no_such_call"});
    ASSERT_EQ(bounds.size(), 1U);  // x32 is x86_64 with bit 30; native is x86_64 too
    EXPECT_EQ(bounds[0].audit_arch, AUDIT_ARCH_X86_64);
    EXPECT_EQ(bounds[0].highest, 302U);
    ASSERT_TRUE(bounds[0].highest_x32);
    EXPECT_EQ(*bounds[0].highest_x32 & 0x40000000U, 0x40000000U);
}

TEST(SeccompEnosys, ANewerSyscallGetsEnosysAnOlderOneTheFilter) {
    // The stub before a filter that allows everything: gettid (186) is below exit_group
    // (231) and passes; setns (308) is newer and gets ENOSYS.
    std::vector<sock_filter> prog =
        enosys_stub(syscall_bounds({SCMP_ARCH_X86_64}, {"exit_group", "read", "write"}));
    ASSERT_FALSE(prog.empty());
    EXPECT_EQ(prog.back().code, BPF_RET | BPF_K);
    EXPECT_EQ(prog.back().k, SCMP_ACT_ERRNO(ENOSYS));
    prog.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    int code = wb::testing::run_in_child([&] {
        if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return 10;
        sock_fprog fprog{static_cast<unsigned short>(prog.size()), prog.data()};
        if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0) return 11;
        if (::syscall(SYS_gettid) <= 0) return 12;
        errno = 0;
        if (::syscall(SYS_setns, -1, 0) != -1 || errno != ENOSYS) return 13;
        return 0;
    });
    EXPECT_EQ(code, 0);
}
#endif

TEST(SeccompEnosys, NoNamesNoStub) { EXPECT_TRUE(enosys_stub(syscall_bounds({}, {})).empty()); }

}  // namespace
}  // namespace wb::linux
