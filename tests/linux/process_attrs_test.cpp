#include "linux/process_attrs.hpp"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "error_of.hpp"
#include "linux/syscalls.hpp"
#include "recording_syscalls.hpp"
#include "util/error.hpp"

namespace wb::linux {
namespace {

using wb::testing::error_of;
using wb::testing::RecordingSyscalls;
using wb::testing::run_in_child;
using wb::testing::with_errno;

TEST(LinuxProcessAttrs, NoNewPrivilegesInChild) {
    ASSERT_EQ(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
    int code = run_in_child([] {
        set_no_new_privileges();
        return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 1;
    });
    EXPECT_EQ(code, 0);
    EXPECT_EQ(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);  // the runner is untouched
}

TEST(LinuxProcessAttrs, OomScoreAdjInChild) {
    int code = run_in_child([] {
        write_oom_score_adj(500);
        std::ifstream in("/proc/self/oom_score_adj");
        int value = 0;
        in >> value;
        if (value != 500) return 1;
        // Raising needs no privilege (lowering needs CAP_SYS_RESOURCE, which this host's
        // root may lack).
        write_oom_score_adj(700);
        std::ifstream again("/proc/self/oom_score_adj");
        again >> value;
        return value == 700 ? 0 : 2;
    });
    EXPECT_EQ(code, 0);
    // Out of range: the kernel says EINVAL and the error says what was written.
    code = run_in_child([] {
        try {
            write_oom_score_adj(5000);
        } catch (const Error& e) {
            return std::string(e.what()).starts_with("write 5000 to /proc/self/oom_score_adj") ? 0
                                                                                              : 2;
        }
        return 1;
    });
    EXPECT_EQ(code, 0);
}

TEST(LinuxProcessAttrs, PersonalityLinux32InChild) {
    int code = run_in_child([] {
        apply_personality({"LINUX32", {}});
        if ((personality(0xffffffff) & PER_MASK) != PER_LINUX32) return 1;
        utsname u{};
        uname(&u);
#if defined(__x86_64__)
        if (std::string(u.machine) != "i686") return 2;
#endif
        apply_personality({"LINUX", {}});
        return (personality(0xffffffff) & PER_MASK) == PER_LINUX ? 0 : 3;
    });
    EXPECT_EQ(code, 0);
    EXPECT_THROW(apply_personality({"LINUX64", {}}), Error);
}

TEST(LinuxProcessAttrs, IoPriorityInChild) {
    int code = run_in_child([] {
        apply_io_priority({"IOPRIO_CLASS_BE", 5});
        long value = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
        if (value != ((2 << 13) | 5)) return 1;
        apply_io_priority({"IOPRIO_CLASS_IDLE", 0});
        value = syscall(SYS_ioprio_get, 1, 0);
        return value == (3 << 13) ? 0 : 2;
    });
    EXPECT_EQ(code, 0);
    EXPECT_THROW(apply_io_priority({"IOPRIO_CLASS_FAST", 1}), Error);
    EXPECT_THROW(apply_io_priority({"IOPRIO_CLASS_BE", 8}), Error);
}

TEST(LinuxProcessAttrs, SchedulerInChild) {
    int code = run_in_child([] {
        oci::Scheduler s;
        s.policy = "SCHED_BATCH";
        s.nice = 7;
        apply_scheduler(s);
        if (sched_getscheduler(0) != SCHED_BATCH) return 1;
        if (getpriority(PRIO_PROCESS, 0) != 7) return 2;
        oci::Scheduler rr;
        rr.policy = "SCHED_RR";
        rr.priority = 10;
        rr.flags = {"SCHED_FLAG_RESET_ON_FORK"};
        apply_scheduler(rr);
        if (sched_getscheduler(0) != (SCHED_RR | SCHED_RESET_ON_FORK)) return 3;
        return 0;
    });
    EXPECT_EQ(code, 0);
    oci::Scheduler bad;
    bad.policy = "SCHED_FAST";
    EXPECT_THROW(apply_scheduler(bad), Error);
    bad.policy = "SCHED_OTHER";
    bad.flags = {"SCHED_FLAG_TURBO"};
    EXPECT_THROW(apply_scheduler(bad), Error);
    bad.flags.clear();
    bad.nice = 20;
    EXPECT_THROW(apply_scheduler(bad), Error);
    EXPECT_EQ(sched_policy_from_name("SCHED_DEADLINE"), 6u);
    EXPECT_EQ(sched_flag_from_name("SCHED_FLAG_UTIL_CLAMP_MAX"), 0x40u);
}

TEST(LinuxProcessAttrs, SecurityLabels) {
    oci::Process process;
    EXPECT_NO_THROW(apply_security_labels(process));  // both empty: no-op
    if (!selinux_enabled()) {
        process.selinux_label = "system_u:system_r:container_t:s0";
        try {
            apply_security_labels(process);
            FAIL() << "no error";
        } catch (const Error& e) {
            EXPECT_STREQ(e.what(),
                         "selinux label is specified in config, but selinux is disabled or not "
                         "supported");
        }
    }
    std::ifstream enabled("/sys/module/apparmor/parameters/enabled");
    std::string yes;
    enabled >> yes;
    if (yes != "Y") {
        // In a child: on a host with AppArmor this would change the runner's exec label.
        int code = run_in_child([] {
            oci::Process p;
            p.apparmor_profile = "whalebox-test-profile";
            try {
                apply_security_labels(p);
            } catch (const Error& e) {
                return std::string(e.what()).starts_with("apparmor failed to apply profile") ? 0
                                                                                            : 2;
            }
            return 1;
        });
        EXPECT_EQ(code, 0);
    }
}

// ---- the kernel calls, with the recording double --------------------------------------

TEST(LinuxProcessAttrs, NoNewPrivilegesCall) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    set_no_new_privileges();
    EXPECT_EQ(rec.calls, (std::vector<std::string>{"prctl(" + std::to_string(PR_SET_NO_NEW_PRIVS) +
                                                   ", 0x1, 0x0, 0x0, 0x0)"}));
    rec.fail("prctl", EINVAL);
    EXPECT_EQ(error_of([] { set_no_new_privileges(); }), with_errno("prctl(SET_NO_NEW_PRIVS)", EINVAL));
}

TEST(LinuxProcessAttrs, SchedulerValuesReachSchedSetattr) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    oci::Scheduler s;
    s.policy = "SCHED_DEADLINE";
    s.flags = {"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM"};
    s.nice = -5;
    s.priority = 3;
    s.runtime = 100;
    s.deadline = 200;
    s.period = 300;
    apply_scheduler(s);
    EXPECT_EQ(rec.calls, (std::vector<std::string>{"sched_setattr(0, 0x0, policy 6 flags 0x3 nice -5 priority 3 "
                                                   "runtime 100 deadline 200 period 300)"}));
    rec.fail("sched_setattr", EPERM);
    EXPECT_EQ(error_of([&] { apply_scheduler(s); }), with_errno("error setting scheduler", EPERM));
    // Validation comes first: nothing reaches the kernel.
    rec.calls.clear();
    s.priority = -1;
    EXPECT_EQ(error_of([&] { apply_scheduler(s); }), "scheduler: invalid priority -1");
    s.priority = 0;
    s.flags = {"SCHED_FLAG_TURBO"};
    EXPECT_EQ(error_of([&] { apply_scheduler(s); }), "scheduler: invalid flag \"SCHED_FLAG_TURBO\"");
    EXPECT_TRUE(rec.calls.empty());
}

TEST(LinuxProcessAttrs, IoPriorityValue) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    apply_io_priority({"IOPRIO_CLASS_RT", 0});
    apply_io_priority({"IOPRIO_CLASS_BE", 4});
    apply_io_priority({"IOPRIO_CLASS_IDLE", 7});
    // IOPRIO_WHO_PROCESS (1), this process (0), class << 13 | priority.
    EXPECT_EQ(rec.calls, (std::vector<std::string>{"ioprio_set(1, 0, 0x2000)", "ioprio_set(1, 0, 0x4004)",
                                                   "ioprio_set(1, 0, 0x6007)"}));
    rec.fail("ioprio_set", EPERM);
    EXPECT_EQ(error_of([] { apply_io_priority({"IOPRIO_CLASS_RT", 1}); }),
              with_errno("failed to set io priority", EPERM));
    EXPECT_EQ(error_of([] { apply_io_priority({"IOPRIO_CLASS_FAST", 1}); }),
              "invalid io priority class: IOPRIO_CLASS_FAST");
    EXPECT_EQ(error_of([] { apply_io_priority({"IOPRIO_CLASS_BE", 8}); }), "invalid io priority 8: must be in [0, 7]");
}

TEST(LinuxProcessAttrs, PersonalityValue) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    apply_personality({"LINUX32", {}});
    apply_personality({"LINUX", {"UNKNOWN_FLAG"}});  // flags: warned, ignored
    EXPECT_EQ(rec.calls, (std::vector<std::string>{"personality(0x8)", "personality(0x0)"}));
    rec.fail("personality", EINVAL);
    EXPECT_EQ(error_of([] { apply_personality({"LINUX32", {}}); }), with_errno("personality(LINUX32)", EINVAL));
    EXPECT_EQ(error_of([] { apply_personality({"LINUX64", {}}); }), "invalid personality domain \"LINUX64\"");
    EXPECT_EQ(rec.calls.size(), 3u);
}

}  // namespace
}  // namespace wb::linux
