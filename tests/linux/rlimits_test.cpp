#include "linux/rlimits.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <string>
#include <vector>

#include "child_process.hpp"
#include "error_of.hpp"
#include "linux/syscalls.hpp"
#include "recording_syscalls.hpp"
#include "util/error.hpp"

namespace wb::linux {
namespace {

TEST(LinuxRlimits, NameTable) {
    EXPECT_EQ(rlimit_from_name("RLIMIT_NOFILE"), RLIMIT_NOFILE);
    EXPECT_EQ(rlimit_from_name("RLIMIT_CPU"), RLIMIT_CPU);
    EXPECT_EQ(rlimit_from_name("RLIMIT_RTTIME"), RLIMIT_RTTIME);
    EXPECT_EQ(rlimit_from_name("RLIMIT_NPROC"), RLIMIT_NPROC);
    EXPECT_FALSE(rlimit_from_name("RLIMIT_FOO"));
    EXPECT_FALSE(rlimit_from_name("rlimit_nofile"));
    EXPECT_FALSE(rlimit_from_name("NOFILE"));
    const auto names = known_rlimit_names();
    ASSERT_EQ(names.size(), 16u);
    for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(rlimit_from_name(names[i]), int(i));
}

TEST(LinuxRlimits, SoftAboveHardIsAnError) {
    try {
        validate_rlimits({{"RLIMIT_NOFILE", 1024, 2048}});
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "rlimit RLIMIT_NOFILE: soft limit 2048 is above hard limit 1024");
    }
}

TEST(LinuxRlimits, UnknownAndDuplicateTypesAreErrors) {
    EXPECT_THROW(validate_rlimits({{"RLIMIT_FOO", 1, 1}}), Error);
    EXPECT_THROW(validate_rlimits({{"RLIMIT_CORE", 1, 1}, {"RLIMIT_CORE", 2, 2}}), Error);
    EXPECT_NO_THROW(validate_rlimits({{"RLIMIT_CORE", 0, 0}, {"RLIMIT_NOFILE", 1024, 512}}));
}

TEST(LinuxRlimits, ApplyInChild) {
    int code = wb::testing::run_in_child([] {
        apply_rlimits({{"RLIMIT_NOFILE", 512, 256}, {"RLIMIT_CORE", 0, 0}});
        rlimit nofile{}, core{};
        if (getrlimit(RLIMIT_NOFILE, &nofile) != 0 || getrlimit(RLIMIT_CORE, &core) != 0) return 1;
        if (nofile.rlim_cur != 256 || nofile.rlim_max != 512) return 2;
        if (core.rlim_cur != 0 || core.rlim_max != 0) return 3;
        return 0;
    });
    EXPECT_EQ(code, 0);
}

TEST(LinuxRlimits, ApplyOnOtherPid) {
    // The parent-side variant, applied to a child that waits for it.
    int ready[2];
    ASSERT_EQ(pipe(ready), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        close(ready[1]);
        char c;
        if (read(ready[0], &c, 1) != 1) _exit(1);
        rlimit r{};
        getrlimit(RLIMIT_NOFILE, &r);
        _exit(r.rlim_cur == 100 && r.rlim_max == 200 ? 0 : 2);
    }
    close(ready[0]);
    EXPECT_NO_THROW(apply_rlimits({{"RLIMIT_NOFILE", 200, 100}}, pid));
    ASSERT_EQ(write(ready[1], "x", 1), 1);
    close(ready[1]);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(LinuxRlimits, RaisingHardLimitWithoutPrivilegeNamesTheRlimit) {
    int code = wb::testing::run_in_child([] {
        rlimit r{};
        getrlimit(RLIMIT_NOFILE, &r);
        // Drop CAP_SYS_RESOURCE's effect: become an unprivileged user first.
        if (setresuid(65534, 65534, 65534) != 0) return 10;
        try {
            apply_rlimits({{"RLIMIT_NOFILE", r.rlim_max + 1, 1}});
        } catch (const Error& e) {
            return std::string(e.what()).starts_with("set rlimit RLIMIT_NOFILE") ? 0 : 2;
        }
        return 1;
    });
    EXPECT_EQ(code, 0);
}

// ---- the kernel calls, with the recording double --------------------------------------

TEST(LinuxRlimits, OnePrlimitPerEntryInConfigOrder) {
    wb::testing::RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    const std::vector<oci::Rlimit> limits{{"RLIMIT_NOFILE", 4096, 1024}, {"RLIMIT_CORE", 0, 0},
                                          {"RLIMIT_NPROC", 100, 50}};
    apply_rlimits(limits);
    apply_rlimits(limits, 4242);
    const auto nofile = std::to_string(RLIMIT_NOFILE), core = std::to_string(RLIMIT_CORE),
               nproc = std::to_string(RLIMIT_NPROC);
    EXPECT_EQ(rec.calls, (std::vector<std::string>{
                             "prlimit(0, " + nofile + ", 1024/4096)", "prlimit(0, " + core + ", 0/0)",
                             "prlimit(0, " + nproc + ", 50/100)", "prlimit(4242, " + nofile + ", 1024/4096)",
                             "prlimit(4242, " + core + ", 0/0)", "prlimit(4242, " + nproc + ", 50/100)"}));
}

TEST(LinuxRlimits, AFailedPrlimitNamesTheRlimitAndStops) {
    wb::testing::RecordingSyscalls rec;
    rec.fail("prlimit", EPERM, ", " + std::to_string(RLIMIT_NOFILE) + ", ");
    ScopedSyscalls scoped(rec);
    const std::vector<oci::Rlimit> limits{{"RLIMIT_CORE", 0, 0}, {"RLIMIT_NOFILE", 1048577, 1048577},
                                          {"RLIMIT_NPROC", 100, 50}};
    EXPECT_EQ(wb::testing::error_of([&] { apply_rlimits(limits); }),
              wb::testing::with_errno("set rlimit RLIMIT_NOFILE (soft 1048577, hard 1048577)", EPERM));
    EXPECT_EQ(rec.calls.size(), 2u);
}

TEST(LinuxRlimits, ABadEntryStopsBeforeAnyPrlimit) {
    wb::testing::RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    EXPECT_EQ(wb::testing::error_of([] { apply_rlimits({{"RLIMIT_CORE", 0, 0}, {"RLIMIT_FOO", 1, 1}}); }),
              "unknown rlimit type \"RLIMIT_FOO\"");
    EXPECT_TRUE(rec.calls.empty());
}

}  // namespace
}  // namespace wb::linux
