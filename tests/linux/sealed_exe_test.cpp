#include "linux/sealed_exe.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

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

}  // namespace
}  // namespace wb::linux
