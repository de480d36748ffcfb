#include "process/child.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "../linux/recording_syscalls.hpp"

namespace wb::process {
namespace {

using linux::ScopedSyscalls;
using testing::RecordingSyscalls;

UniqueFd fake_pidfd() { return UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC)); }

TEST(Child, DestructorKillsThroughThePidfdAndReaps) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    { Child child(4242, fake_pidfd()); }
    ASSERT_EQ(rec.calls.size(), 2u);
    EXPECT_EQ(rec.calls[0], "pidfd_send_signal(fd, 9)");
    EXPECT_EQ(rec.calls[1], "waitpid(4242, 0x0)");
}

TEST(Child, DestructorKillsByPidWithoutAPidfd) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    { Child child(4242, UniqueFd()); }
    ASSERT_EQ(rec.calls.size(), 2u);
    EXPECT_EQ(rec.calls[0], "kill(4242, 9)");
    EXPECT_EQ(rec.calls[1], "waitpid(4242, 0x0)");
}

TEST(Child, ReapsEvenWhenTheKillFails) {
    RecordingSyscalls rec;
    rec.fail("pidfd_send_signal", ESRCH);
    rec.fail("waitpid", EINTR);  // interrupted once: waits again
    ScopedSyscalls scoped(rec);
    { Child child(4242, fake_pidfd()); }
    EXPECT_EQ(rec.named("waitpid").size(), 2u);
}

TEST(Child, ReleasedChildLivesOn) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    {
        Child child(4242, fake_pidfd());
        EXPECT_EQ(child.release(), 4242);
        EXPECT_FALSE(child);
        EXPECT_EQ(child.pidfd(), -1);
    }
    EXPECT_TRUE(rec.calls.empty());
}

TEST(Child, WaitReapsOnceAndReturnsTheStatus) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    {
        Child child(4242, fake_pidfd());
        EXPECT_EQ(child.wait(), 0);
        EXPECT_FALSE(child);
        EXPECT_EQ(child.wait(), 0);  // nothing left to wait for
    }
    EXPECT_EQ(rec.calls, std::vector<std::string>{"waitpid(4242, 0x0)"});
}

TEST(Child, MovedFromChildOwnsNothing) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    {
        Child a(4242, fake_pidfd());
        Child b(std::move(a));
        EXPECT_FALSE(a);
        EXPECT_EQ(b.pid(), 4242);
        Child c;
        c = std::move(b);  // c owned nothing: nothing is killed
        EXPECT_TRUE(rec.calls.empty());
    }
    EXPECT_EQ(rec.named("waitpid").size(), 1u);
}

TEST(Child, SignalGoesThroughThePidfd) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    Child child(4242, fake_pidfd());
    EXPECT_EQ(child.signal(SIGTERM), 0);
    EXPECT_EQ(rec.calls[0], "pidfd_send_signal(fd, 15)");
    child.release();
    errno = 0;
    EXPECT_EQ(child.signal(SIGTERM), -1);
    EXPECT_EQ(errno, ESRCH);
}

// The real kernel: a sleeping child is gone, reaped, once its Child is dropped.
TEST(Child, RealChildIsKilledAndReaped) {
    std::fflush(nullptr);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::pause();
        ::_exit(0);
    }
    {
        Child child(pid, UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))));
        ASSERT_GE(child.pidfd(), 0);
    }
    errno = 0;
    EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);
    EXPECT_EQ(errno, ECHILD);
}

}  // namespace
}  // namespace wb::process
