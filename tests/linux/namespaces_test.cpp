// linux/namespaces with the recording double: which namespaces are made at clone time,
// in which order joined ones are entered, and what the pid/time guard restores.
#include "linux/namespaces.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "linux/syscalls.hpp"
#include "error_of.hpp"
#include "recording_syscalls.hpp"
#include "util/error.hpp"

namespace wb::linux {
namespace {

using wb::testing::error_of;
using wb::testing::RecordingSyscalls;
using wb::testing::with_errno;

oci::Linux with_namespaces(std::vector<oci::Namespace> namespaces) {
    oci::Linux lx;
    lx.namespaces = std::move(namespaces);
    return lx;
}

std::string hex(int flag) {
    char b[16];
    std::snprintf(b, sizeof b, "0x%x", static_cast<unsigned>(flag));
    return b;
}

TEST(LinuxNamespaces, NewNamespacesBecomeCloneFlags) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    auto plan = plan_namespaces(with_namespaces(
        {{"pid", ""}, {"network", ""}, {"ipc", ""}, {"uts", ""}, {"mount", ""}, {"cgroup", ""}, {"user", ""}, {"time", ""}}));
    EXPECT_EQ(plan.clone_flags, CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS |
                                    CLONE_NEWCGROUP | CLONE_NEWUSER | kCloneNewTime);
    EXPECT_TRUE(plan.new_user);
    EXPECT_TRUE(plan.new_time);
    EXPECT_TRUE(plan.joins.empty());
    EXPECT_TRUE(rec.calls.empty());  // nothing to open
}

TEST(LinuxNamespaces, JoinOrderIsUserFirstMountLastWhateverTheConfigOrder) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    auto plan = plan_namespaces(with_namespaces({{"mount", "/proc/42/ns/mnt"},
                                                 {"network", "/var/run/netns/a"},
                                                 {"pid", ""},
                                                 {"uts", "/proc/42/ns/uts"},
                                                 {"user", "/proc/42/ns/user"},
                                                 {"ipc", "/proc/42/ns/ipc"}}));
    EXPECT_EQ(plan.clone_flags, CLONE_NEWPID);
    EXPECT_FALSE(plan.new_user);  // joined, not new
    // Opened in config order (read-only, close-on-exec) ...
    const std::string flags = hex(O_RDONLY | O_CLOEXEC);
    EXPECT_EQ(rec.calls, (std::vector<std::string>{
                             "open(/proc/42/ns/mnt, " + flags + ")", "open(/var/run/netns/a, " + flags + ")",
                             "open(/proc/42/ns/uts, " + flags + ")", "open(/proc/42/ns/user, " + flags + ")",
                             "open(/proc/42/ns/ipc, " + flags + ")"}));
    // ... joined in the table's order.
    std::vector<std::string> order;
    for (const auto& j : plan.joins) {
        order.push_back(j.path);
        EXPECT_TRUE(j.fd);
    }
    EXPECT_EQ(order, (std::vector<std::string>{"/proc/42/ns/user", "/proc/42/ns/ipc", "/proc/42/ns/uts",
                                               "/var/run/netns/a", "/proc/42/ns/mnt"}));

    rec.calls.clear();
    for (const auto& j : plan.joins) join_namespace(j);
    EXPECT_EQ(rec.calls, (std::vector<std::string>{"setns(fd, " + hex(CLONE_NEWUSER) + ")",
                                                   "setns(fd, " + hex(CLONE_NEWIPC) + ")",
                                                   "setns(fd, " + hex(CLONE_NEWUTS) + ")",
                                                   "setns(fd, " + hex(CLONE_NEWNET) + ")",
                                                   "setns(fd, " + hex(CLONE_NEWNS) + ")"}));
}

TEST(LinuxNamespaces, APathThatFailsToOpenIsNamed) {
    RecordingSyscalls rec;
    rec.fail("open", ENOENT, "/var/run/netns/gone");
    ScopedSyscalls scoped(rec);
    auto lx = with_namespaces({{"uts", "/proc/42/ns/uts"}, {"network", "/var/run/netns/gone"}});
    EXPECT_EQ(error_of([&] { plan_namespaces(lx); }),
              with_errno("open network namespace /var/run/netns/gone", ENOENT));
}

TEST(LinuxNamespaces, UnknownTypeIsAnError) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    EXPECT_EQ(error_of([] { plan_namespaces(with_namespaces({{"ipc", ""}, {"bogus", ""}})); }),
              "unknown namespace type \"bogus\"");
}

TEST(LinuxNamespaces, JoinFailureNamesThePath) {
    RecordingSyscalls rec;
    rec.fail("setns", EINVAL);
    ScopedSyscalls scoped(rec);
    JoinedNamespace ns{CLONE_NEWNET, "/var/run/netns/a", UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC))};
    EXPECT_EQ(error_of([&] { join_namespace(ns); }),
              with_errno("join namespace /var/run/netns/a", EINVAL));
}

TEST(LinuxNamespaces, ChildGuardSavesEntersAndRestoresPidThenTime) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    const std::string flags = hex(O_RDONLY | O_CLOEXEC);
    {
        ChildNamespaceGuard guard;
        JoinedNamespace pid{CLONE_NEWPID, "/proc/42/ns/pid", UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC))};
        JoinedNamespace time{kCloneNewTime, "/proc/42/ns/time", UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC))};
        guard.enter(time);
        guard.enter(pid);
        EXPECT_EQ(rec.calls, (std::vector<std::string>{
                                 "open(/proc/self/ns/time_for_children, " + flags + ")",
                                 "setns(fd, " + hex(kCloneNewTime) + ")",
                                 "open(/proc/self/ns/pid_for_children, " + flags + ")",
                                 "setns(fd, " + hex(CLONE_NEWPID) + ")"}));
        rec.calls.clear();
    }
    // Dropped: back to what the process had, pid first.
    EXPECT_EQ(rec.calls, (std::vector<std::string>{"setns(fd, " + hex(CLONE_NEWPID) + ")",
                                                   "setns(fd, " + hex(kCloneNewTime) + ")"}));
}

TEST(LinuxNamespaces, ChildGuardThatCannotSaveDoesNotEnter) {
    RecordingSyscalls rec;
    rec.fail("open", EACCES, "pid_for_children");
    ScopedSyscalls scoped(rec);
    {
        ChildNamespaceGuard guard;
        JoinedNamespace pid{CLONE_NEWPID, "/proc/42/ns/pid", UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC))};
        EXPECT_EQ(error_of([&] { guard.enter(pid); }),
                  with_errno("open /proc/self/ns/pid_for_children", EACCES));
    }
    EXPECT_TRUE(rec.named("setns").empty());  // nothing entered, nothing to restore
}

TEST(LinuxNamespaces, UnshareTimeForChildrenAndRestore) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    {
        ChildNamespaceGuard guard;
        guard.unshare_time(oci::Linux{});  // no offsets: nothing to write
        EXPECT_EQ(rec.calls, (std::vector<std::string>{
                                 "open(/proc/self/ns/time_for_children, " + hex(O_RDONLY | O_CLOEXEC) + ")",
                                 "unshare(" + hex(kCloneNewTime) + ")"}));
        rec.calls.clear();
    }
    EXPECT_EQ(rec.calls, (std::vector<std::string>{"setns(fd, " + hex(kCloneNewTime) + ")"}));
}

TEST(LinuxNamespaces, FailedUnshareTimeIsNamedAndStillRestores) {
    RecordingSyscalls rec;
    rec.fail("unshare", EPERM);
    ScopedSyscalls scoped(rec);
    {
        ChildNamespaceGuard guard;
        EXPECT_EQ(error_of([&] { guard.unshare_time(oci::Linux{}); }),
                  with_errno("unshare time namespace", EPERM));
    }
    EXPECT_EQ(rec.named("setns"), (std::vector<std::string>{"setns(fd, " + hex(kCloneNewTime) + ")"}));
}

TEST(LinuxNamespaces, TimeOffsetsAndIdMapsText) {
    oci::Linux lx;
    lx.time_offsets["monotonic"] = {10, 0};
    lx.time_offsets["boottime"] = {5, 20};
    EXPECT_EQ(format_time_offsets(lx), "boottime 5 20\nmonotonic 10 0\n");
    EXPECT_EQ(format_id_map({{0, 1000, 1}, {1, 100000, 65536}}), "0 1000 1\n1 100000 65536\n");
}

}  // namespace
}  // namespace wb::linux
