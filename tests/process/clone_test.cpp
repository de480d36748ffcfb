#include "process/clone.hpp"

#include <gtest/gtest.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>

#include <cstdio>

#include "../linux/recording_syscalls.hpp"
#include "util/error.hpp"

namespace wb::process {
namespace {

using linux::ScopedSyscalls;
using testing::RecordingSyscalls;

constexpr uint64_t kIntoCgroup = 0x200000000ULL;  // CLONE_INTO_CGROUP

std::string hex(uint64_t v) {
    char b[32];
    std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
    return b;
}

TEST(CloneChild, Clone3WithPidfdAndIntoTheCgroup) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    Cloned c = clone_child(CLONE_NEWNS | CLONE_NEWPID, 7);
    ASSERT_EQ(rec.calls.size(), 1u);
    EXPECT_EQ(rec.calls[0], "clone3(" + hex(CLONE_NEWNS | CLONE_NEWPID | CLONE_PIDFD | kIntoCgroup) + ", 7)");
    EXPECT_FALSE(c.in_child);
    EXPECT_TRUE(c.joined_cgroup);
    EXPECT_EQ(c.child.pid(), 4242);
    EXPECT_GE(c.child.pidfd(), 0);
    c.child.release();
}

TEST(CloneChild, WithoutACgroupFdNothingIsJoined) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    Cloned c = clone_child(0, -1);
    EXPECT_EQ(rec.calls[0], "clone3(" + hex(CLONE_PIDFD) + ", 0)");
    EXPECT_FALSE(c.joined_cgroup);
    c.child.release();
}

TEST(CloneChild, TheNewProcessGetsNoChild) {
    RecordingSyscalls rec;
    rec.next_pid = 0;
    ScopedSyscalls scoped(rec);
    Cloned c = clone_child(CLONE_NEWNS, 7);
    EXPECT_TRUE(c.in_child);
    EXPECT_FALSE(c.child);
    EXPECT_EQ(c.child.pidfd(), -1);
}

class CloneFallback : public ::testing::TestWithParam<int> {};

TEST_P(CloneFallback, OldKernelsGetCloneWithoutTheCgroup) {
    RecordingSyscalls rec;
    rec.fail("clone3", GetParam());
    ScopedSyscalls scoped(rec);
    Cloned c = clone_child(CLONE_NEWNS, 7);
    ASSERT_EQ(rec.calls.size(), 2u);
    EXPECT_EQ(rec.calls[1], "clone(" + hex(CLONE_NEWNS | CLONE_PIDFD | SIGCHLD) + ")");
    EXPECT_FALSE(c.joined_cgroup);  // the caller joins by pid
    EXPECT_EQ(c.child.pid(), 4242);
    EXPECT_GE(c.child.pidfd(), 0);
    c.child.release();
}

INSTANTIATE_TEST_SUITE_P(Errnos, CloneFallback, ::testing::Values(ENOSYS, E2BIG, EINVAL));

TEST(CloneChild, EinvalWithoutACgroupFdIsAnError) {
    RecordingSyscalls rec;
    rec.fail("clone3", EINVAL);
    ScopedSyscalls scoped(rec);
    try {
        clone_child(CLONE_NEWNS, -1);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "clone: Invalid argument");
    }
    EXPECT_TRUE(rec.named("clone").empty());
}

TEST(CloneChild, OtherErrorsThrowWithoutFallback) {
    RecordingSyscalls rec;
    rec.fail("clone3", ENOMEM);
    ScopedSyscalls scoped(rec);
    try {
        clone_child(CLONE_NEWNS, 7);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "clone: Cannot allocate memory");
    }
    EXPECT_EQ(rec.calls.size(), 1u);
}

TEST(CloneChild, FailingFallbackThrows) {
    RecordingSyscalls rec;
    rec.fail("clone3", ENOSYS);
    rec.fail("clone", EPERM);
    ScopedSyscalls scoped(rec);
    EXPECT_THROW(clone_child(CLONE_NEWUSER, -1), Error);
}

}  // namespace
}  // namespace wb::process
