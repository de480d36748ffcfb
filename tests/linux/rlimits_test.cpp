#include "linux/rlimits.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include "child_process.hpp"
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

}  // namespace
}  // namespace wb::linux
