// compile_seccomp / load_seccomp with the recording double: the memfd the BPF is exported
// through, and the seccomp(2) call with its flags; nothing is loaded into the test runner.
#include <gtest/gtest.h>
#include <linux/seccomp.h>
#include <sys/mman.h>

#include <string>
#include <vector>

#include "error_of.hpp"
#include "linux/seccomp.hpp"
#include "linux/syscalls.hpp"
#include "recording_syscalls.hpp"

namespace wb::linux {
namespace {

using wb::testing::error_of;
using wb::testing::RecordingSyscalls;
using wb::testing::with_errno;

oci::Seccomp errno_getcwd(std::vector<std::string> flags = {}, std::string action = "SCMP_ACT_ERRNO") {
    oci::Seccomp s;
    s.default_action = "SCMP_ACT_ALLOW";
    s.flags = std::move(flags);
    oci::SeccompSyscall call;
    call.names = {"getcwd"};
    call.action = std::move(action);
    s.syscalls.push_back(call);
    if (s.syscalls[0].action == "SCMP_ACT_NOTIFY") s.listener_path = "/run/agent.sock";  // never dialled here
    return s;
}

std::string seccomp_line(unsigned flags) {
    char b[64];
    std::snprintf(b, sizeof b, "seccomp(%u, 0x%x)", SECCOMP_SET_MODE_FILTER, flags);
    return b;
}

TEST(LinuxSeccompLoad, ExportGoesThroughAMemfd) {
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    auto filter = compile_seccomp(errno_getcwd());
    EXPECT_TRUE(filter.pending());
    char flags[32];
    std::snprintf(flags, sizeof flags, "0x%x", MFD_CLOEXEC);
    EXPECT_EQ(rec.calls, (std::vector<std::string>{"memfd_create(seccomp-bpf, " + std::string(flags) + ")"}));

    RecordingSyscalls failing;
    failing.fail("memfd_create", EMFILE);
    ScopedSyscalls again(failing);
    EXPECT_EQ(error_of([] { compile_seccomp(errno_getcwd()); }), with_errno("seccomp: memfd_create", EMFILE));
}

TEST(LinuxSeccompLoad, SeccompIsCalledWithTheConfigFlags) {
    auto filter = compile_seccomp(errno_getcwd({"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"}));
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    EXPECT_EQ(load_seccomp(filter), -1);  // no notify fd
    EXPECT_EQ(rec.calls, (std::vector<std::string>{
                             seccomp_line(SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW)}));
    EXPECT_FALSE(filter.pending());
}

TEST(LinuxSeccompLoad, NotifyAddsNewListenerAndTsyncEsrch) {
    auto notify = compile_seccomp(errno_getcwd({}, "SCMP_ACT_NOTIFY"));
    auto notify_tsync = compile_seccomp(errno_getcwd({"SECCOMP_FILTER_FLAG_TSYNC"}, "SCMP_ACT_NOTIFY"));
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    // The double's seccomp returns 0: what the caller gets as the listener fd.
    EXPECT_EQ(load_seccomp(notify), 0);
    EXPECT_EQ(load_seccomp(notify_tsync), 0);
    EXPECT_EQ(rec.calls, (std::vector<std::string>{
                             seccomp_line(SECCOMP_FILTER_FLAG_NEW_LISTENER),
                             seccomp_line(SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_NEW_LISTENER |
                                          SECCOMP_FILTER_FLAG_TSYNC_ESRCH)}));
}

TEST(LinuxSeccompLoad, InjectedErrorsGiveTheMessages) {
    {
        auto filter = compile_seccomp(errno_getcwd());
        RecordingSyscalls rec;
        rec.fail("seccomp", EACCES);
        ScopedSyscalls scoped(rec);
        EXPECT_EQ(error_of([&] { load_seccomp(filter); }),
                  with_errno("seccomp: load filter (no_new_privileges is off and CAP_SYS_ADMIN is missing)", EACCES));
        EXPECT_TRUE(filter.pending());  // not loaded
    }
    {
        auto filter = compile_seccomp(errno_getcwd());
        RecordingSyscalls rec;
        rec.fail("seccomp", EINVAL);
        ScopedSyscalls scoped(rec);
        EXPECT_EQ(error_of([&] { load_seccomp(filter); }), with_errno("seccomp: load filter", EINVAL));
    }
    SeccompFilter empty;
    RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    EXPECT_EQ(error_of([&] { load_seccomp(empty); }), "seccomp: no compiled filter to load");
    EXPECT_TRUE(rec.calls.empty());
}

}  // namespace
}  // namespace wb::linux
