#include "linux/sealed_exe.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "error_of.hpp"
#include "linux/syscalls.hpp"
#include "recording_syscalls.hpp"

namespace wb::linux {
namespace {

oci::Spec spec_with(std::vector<std::string> bounding, std::vector<oci::Namespace> nss) {
    oci::Spec s;
    s.process = oci::Process{};
    s.process->capabilities = oci::Capabilities{};
    s.process->capabilities->bounding = std::move(bounding);
    s.linux = oci::Linux{};
    s.linux->namespaces = std::move(nss);
    return s;
}

const oci::Namespace kNewPid{"pid", ""};
const oci::Namespace kNewMnt{"mount", ""};

TEST(NeedsSealedExe, DefaultCapabilitiesInOwnPidNamespaceDoNot) {
    EXPECT_FALSE(needs_sealed_exe(spec_with({"CAP_KILL", "CAP_CHOWN"}, {kNewPid, kNewMnt})));
}

TEST(NeedsSealedExe, PtraceInAnySetDoes) {
    EXPECT_TRUE(needs_sealed_exe(spec_with({"CAP_SYS_PTRACE"}, {kNewPid, kNewMnt})));
    oci::Spec s = spec_with({}, {kNewPid, kNewMnt});
    s.process->capabilities->inheritable = std::vector<std::string>{"CAP_SYS_PTRACE"};
    EXPECT_TRUE(needs_sealed_exe(s));
    s = spec_with({}, {kNewPid, kNewMnt});
    s.process->capabilities->ambient = std::vector<std::string>{"CAP_SYS_PTRACE"};
    EXPECT_TRUE(needs_sealed_exe(s));
}

TEST(NeedsSealedExe, OwnUserNamespaceKeepsPtraceOut) {
    EXPECT_FALSE(needs_sealed_exe(spec_with({"CAP_SYS_PTRACE"}, {kNewPid, kNewMnt, {"user", ""}})));
}

TEST(NeedsSealedExe, HostOrJoinedPidNamespaceDoes) {
    EXPECT_TRUE(needs_sealed_exe(spec_with({}, {kNewMnt})));
    EXPECT_TRUE(needs_sealed_exe(spec_with({}, {{"pid", "/proc/1/ns/pid"}, kNewMnt})));
    EXPECT_TRUE(needs_sealed_exe(spec_with({}, {{"pid", "/proc/1/ns/pid"}, kNewMnt, {"user", ""}})));
}

TEST(NeedsSealedExe, NoCapabilitiesObjectMeansNone) {
    oci::Spec s = spec_with({}, {kNewPid, kNewMnt});
    s.process->capabilities.reset();
    EXPECT_FALSE(needs_sealed_exe(s));
}

TEST(SplitNulList, SplitsAndKeepsEmptyArguments) {
    using V = std::vector<std::string>;
    EXPECT_EQ(split_nul_list(std::string("a\0bc\0\0d\0", 8)), (V{"a", "bc", "", "d"}));
    EXPECT_EQ(split_nul_list(""), V{});
    EXPECT_EQ(split_nul_list("no-terminator"), V{"no-terminator"});
}

TEST(SealedCopy, HoldsTheContentAndRefusesWrites) {
    char path[] = "/tmp/wb-sealed-XXXXXX";
    int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    std::string content(100000, 'x');
    content += "end";
    ASSERT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    UniqueFd src(fd);
    ::unlink(path);

    EXPECT_FALSE(is_sealed_copy(src.get()));
    UniqueFd copy = make_sealed_copy(src.get());
    EXPECT_TRUE(is_sealed_copy(copy.get()));
    EXPECT_TRUE(::fcntl(copy.get(), F_GETFD) & FD_CLOEXEC);

    std::string back(content.size(), '\0');
    ASSERT_EQ(::pread(copy.get(), back.data(), back.size(), 0), static_cast<ssize_t>(back.size()));
    EXPECT_EQ(back, content);

    // Through a new open file, as an attacker holding /proc/PID/exe would write.
    std::string self = "/proc/self/fd/" + std::to_string(copy.get());
    UniqueFd w(::open(self.c_str(), O_WRONLY | O_APPEND));
    if (w) {
        errno = 0;
        EXPECT_LT(::write(w.get(), "pwned", 5), 0);
        EXPECT_EQ(errno, EPERM);
    }
    EXPECT_LT(::ftruncate(copy.get(), 1), 0);
    EXPECT_LT(::fcntl(copy.get(), F_ADD_SEALS, 0), 0);  // F_SEAL_SEAL
}

TEST(SealedCopy, ThisTestBinaryIsNotOne) { EXPECT_FALSE(self_exe_is_sealed()); }

// ---- the kernel calls, with the recording double --------------------------------------

// A temporary file holding `content`, already unlinked.
UniqueFd temp_file(const std::string& content) {
    char path[] = "/tmp/wb-sealed-XXXXXX";
    UniqueFd fd(::mkstemp(path));
    ::unlink(path);
    if (fd) {
        EXPECT_EQ(::write(fd.get(), content.data(), content.size()), static_cast<ssize_t>(content.size()));
    }
    return fd;
}

const std::string kAddSeals = "fcntl(fd, " + std::to_string(F_ADD_SEALS) + ", ";
const std::string kGetSeals = "fcntl(fd, " + std::to_string(F_GET_SEALS) + ", 0x0)";

TEST(SealedCopy, MemfdThenSealsAllAtOnce) {
    UniqueFd src = temp_file("binary");
    ASSERT_TRUE(src);
    wb::testing::RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    UniqueFd copy = make_sealed_copy(src.get());
    // MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC; seal, shrink, grow, write and exec.
    EXPECT_EQ(rec.calls, (std::vector<std::string>{"memfd_create(whalebox, 0x13)", kAddSeals + "0x2f)"}));
    char back[16] = {};
    EXPECT_EQ(::pread(copy.get(), back, sizeof back, 0), 6);
    EXPECT_STREQ(back, "binary");
}

TEST(SealedCopy, OlderKernelsWithoutExecFlagOrSeal) {
    UniqueFd src = temp_file("binary");
    wb::testing::RecordingSyscalls rec;
    rec.fail("memfd_create", EINVAL, "0x13");
    rec.fail("fcntl", EINVAL, "0x2f");
    ScopedSyscalls scoped(rec);
    UniqueFd copy = make_sealed_copy(src.get());
    EXPECT_EQ(rec.calls, (std::vector<std::string>{"memfd_create(whalebox, 0x13)", "memfd_create(whalebox, 0x3)",
                                                   kAddSeals + "0x2f)", kAddSeals + "0xf)"}));
}

TEST(SealedCopy, FailuresAreNamed) {
    UniqueFd src = temp_file("binary");
    {
        wb::testing::RecordingSyscalls rec;
        rec.fail("memfd_create", EMFILE);
        ScopedSyscalls scoped(rec);
        EXPECT_EQ(wb::testing::error_of([&] { make_sealed_copy(src.get()); }),
                  wb::testing::with_errno("memfd_create for the runtime binary copy", EMFILE));
    }
    {
        wb::testing::RecordingSyscalls rec;
        rec.fail("fcntl", EPERM, "", 2);
        ScopedSyscalls scoped(rec);
        EXPECT_EQ(wb::testing::error_of([&] { make_sealed_copy(src.get()); }),
                  wb::testing::with_errno("seal the runtime binary copy", EPERM));
    }
}

TEST(SealedCopy, ReexecOrderIsCheckMemfdSealsFexecve) {
    ASSERT_EQ(std::getenv(kClonedEnv), nullptr);
    wb::testing::RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    // The double's fexecve fails (ENOEXEC) instead of replacing the test runner.
    EXPECT_EQ(wb::testing::error_of([] { ensure_sealed_self_exe(); }),
              wb::testing::with_errno("exec the sealed copy of the runtime binary", ENOEXEC));
    EXPECT_EQ(rec.calls, (std::vector<std::string>{kGetSeals, "memfd_create(whalebox, 0x13)", kAddSeals + "0x2f)",
                                                   "fexecve(fd)"}));
}

TEST(SealedCopy, MarkedButUnsealedDoesNotLoop) {
    wb::testing::RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    ::setenv(kClonedEnv, "1", 1);
    EXPECT_EQ(wb::testing::error_of([] { ensure_sealed_self_exe(); }),
              "the runtime's binary copy is not sealed (_WHALEBOX_CLONED is set)");
    EXPECT_EQ(std::getenv(kClonedEnv), nullptr);  // the marker is gone at once
    EXPECT_EQ(rec.calls, (std::vector<std::string>{kGetSeals}));
}

}  // namespace
}  // namespace wb::linux
