#include "linux/syscalls.hpp"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include "recording_syscalls.hpp"

namespace {

using wb::linux::ScopedSyscalls;
using wb::linux::sys;
using wb::testing::RecordingSyscalls;

TEST(Syscalls, TheDoubleRecordsCallsInOrderAndTheRealOneComesBack) {
    RecordingSyscalls rec;
    {
        ScopedSyscalls scoped(rec);
        EXPECT_EQ(&sys(), &rec);
        EXPECT_EQ(sys().mount("proc", "/r/proc", "proc", MS_NOSUID | MS_NODEV, nullptr), 0);
        EXPECT_EQ(sys().sethostname("box", 3), 0);
        EXPECT_EQ(sys().pivot_root(".", "."), 0);
    }
    EXPECT_EQ(&sys(), &wb::linux::real_syscalls());
    ASSERT_EQ(rec.calls.size(), 3u);
    EXPECT_EQ(rec.calls[0], "mount(proc, /r/proc, proc, 0x6, null)");
    EXPECT_EQ(rec.calls[1], "sethostname(box)");
    EXPECT_EQ(rec.calls[2], "pivot_root(., .)");
    EXPECT_EQ(rec.index_of("sethostname"), 1);
    EXPECT_EQ(rec.named("mount").size(), 1u);
}

TEST(Syscalls, TheDoubleInjectsAnErrnoIntoTheMatchingCallOnly) {
    RecordingSyscalls rec;
    rec.fail("mount", EPERM, "/r/sys");
    ScopedSyscalls scoped(rec);
    EXPECT_EQ(sys().mount("proc", "/r/proc", "proc", 0, nullptr), 0);
    errno = 0;
    EXPECT_EQ(sys().mount("sysfs", "/r/sys", "sysfs", 0, nullptr), -1);
    EXPECT_EQ(errno, EPERM);
    // Once only, unless asked for more.
    EXPECT_EQ(sys().mount("sysfs", "/r/sys", "sysfs", 0, nullptr), 0);
    EXPECT_EQ(rec.calls.size(), 3u);
}

}  // namespace
