#include "linux/exec_trampoline.hpp"

#include <elf.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "linux/sealed_exe.hpp"
#include "linux/syscalls.hpp"
#include "process/process_setup.hpp"
#include "recording_syscalls.hpp"
#include "util/error.hpp"

namespace wb::linux {
namespace {

oci::Spec container(std::vector<std::string> bounding, bool user_ns = false) {
    oci::Spec s;
    s.process = oci::Process{};
    s.process->capabilities = oci::Capabilities{};
    s.process->capabilities->bounding = std::move(bounding);
    s.linux = oci::Linux{};
    s.linux->namespaces = {{"pid", ""}, {"mount", ""}};
    if (user_ns) s.linux->namespaces.push_back({"user", ""});
    return s;
}

oci::Process process_with(std::vector<std::string> caps) {
    oci::Process p;
    p.capabilities = oci::Capabilities{};
    p.capabilities->bounding = caps;
    p.capabilities->effective = caps;
    p.capabilities->permitted = std::move(caps);
    return p;
}

oci::SeccompSyscall rule(std::vector<std::string> names, std::string action) {
    oci::SeccompSyscall r;
    r.names = std::move(names);
    r.action = std::move(action);
    return r;
}

// Runs the trampoline for real: argv {path, args...}; returns the exit status.
int run_trampoline(const std::vector<std::string>& args) {
    UniqueFd tramp = make_exec_trampoline();
    pid_t pid = ::fork();
    if (pid == 0) {
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        char* envp[] = {const_cast<char*>("WB_TRAMPOLINE_TEST=1"), nullptr};
        real_syscalls().execveat(tramp.get(), "", argv.data(), envp, AT_EMPTY_PATH);
        _exit(99);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#if defined(__x86_64__)
TEST(ExecTrampoline, IsASmallStaticElfForThisMachine) {
    const std::vector<uint8_t>& image = exec_trampoline_image();
    ASSERT_GE(image.size(), sizeof(Elf64_Ehdr));
    EXPECT_LT(image.size(), 512u);
    Elf64_Ehdr eh;
    std::memcpy(&eh, image.data(), sizeof eh);
    EXPECT_EQ(std::memcmp(eh.e_ident, ELFMAG, SELFMAG), 0);
    EXPECT_EQ(eh.e_type, ET_EXEC);
    EXPECT_EQ(eh.e_machine, EM_X86_64);
    EXPECT_EQ(eh.e_phnum, 2);
    Elf64_Phdr load;
    std::memcpy(&load, image.data() + eh.e_phoff, sizeof load);
    EXPECT_EQ(load.p_type, PT_LOAD);
    EXPECT_EQ(load.p_filesz, image.size());
    EXPECT_GE(eh.e_entry, load.p_vaddr + eh.e_phoff + 2 * sizeof(Elf64_Phdr));
    EXPECT_LT(eh.e_entry, load.p_vaddr + image.size());
}

TEST(ExecTrampoline, ExecsItsFirstArgumentWithTheRestAsArgv) {
    EXPECT_EQ(run_trampoline({"/bin/sh", "sh", "-c", "exit 7"}), 7);
    // argv[0] of the program is the trampoline's argv[1], not the path.
    EXPECT_EQ(run_trampoline({"/bin/sh", "not-sh", "-c", "[ \"$0\" = not-sh ] && exit 3"}), 3);
    // The environment reaches the program.
    EXPECT_EQ(run_trampoline({"/bin/sh", "sh", "-c", "[ \"$WB_TRAMPOLINE_TEST\" = 1 ] && exit 4"}), 4);
}

TEST(ExecTrampoline, ExitsLikeAShellWhenTheExecFails) {
    EXPECT_EQ(run_trampoline({"/nonexistent/program", "program"}), 127);
    EXPECT_EQ(run_trampoline({"/", "root"}), 126);  // EACCES
}

TEST(ExecTrampoline, IsASealedCloseOnExecMemfd) {
    UniqueFd tramp = make_exec_trampoline();
    EXPECT_TRUE(is_sealed_copy(tramp.get()));
    EXPECT_TRUE(::fcntl(tramp.get(), F_GETFD) & FD_CLOEXEC);
    EXPECT_LT(::write(tramp.get(), "x", 1), 0);
}

TEST(ExecTrampoline, TheProcessExecsThroughTheTrampoline) {
    testing::RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    oci::Process p;
    p.args = {"true", "arg"};
    p.env = {"HOME=/root"};
    SeccompFilter none;
    try {
        process::exec_user_process("/bin/true", p, none, nullptr, 42);
        FAIL() << "returned";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("exec trampoline"), std::string::npos) << e.what();
    }
    ASSERT_FALSE(rec.calls.empty());
    EXPECT_EQ(rec.calls.back(), "execveat(fd, , /bin/true, true, arg, 0x1000)");
    for (const auto& c : rec.calls) EXPECT_EQ(c.rfind("execve(", 0), std::string::npos) << c;
}
#endif

TEST(ExecTrampoline, WithoutOneTheProcessExecsDirectly) {
    testing::RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    oci::Process p;
    p.args = {"true"};
    p.env = {"HOME=/root"};
    SeccompFilter none;
    EXPECT_THROW(process::exec_user_process("/bin/true", p, none, nullptr), Error);
    ASSERT_FALSE(rec.calls.empty());
    EXPECT_EQ(rec.calls.back(), "execve(/bin/true, true)");
}

TEST(ExecTrampoline, MemfdIsMadeAndSealed) {
    testing::RecordingSyscalls rec;
    ScopedSyscalls scoped(rec);
    if (exec_trampoline_image().empty()) GTEST_SKIP() << "no trampoline for this machine";
    UniqueFd tramp = make_exec_trampoline();
    ASSERT_GE(rec.calls.size(), 2u);
    EXPECT_EQ(rec.calls[0].rfind("memfd_create(whalebox-exec, ", 0), 0u) << rec.calls[0];
    EXPECT_EQ(rec.calls[1].rfind("fcntl(fd, " + std::to_string(F_ADD_SEALS), 0), 0u) << rec.calls[1];
}

TEST(ExecTrampoline, ItsMemfdFailingThrows) {
    testing::RecordingSyscalls rec;
    rec.fail("memfd_create", EMFILE, "", -1);
    ScopedSyscalls scoped(rec);
    if (exec_trampoline_image().empty()) GTEST_SKIP() << "no trampoline for this machine";
    EXPECT_THROW(make_exec_trampoline(), Error);
}

TEST(GrantsHostPtrace, OnlyWithPtraceAndNoUserNamespace) {
    EXPECT_FALSE(grants_host_ptrace(process_with({"CAP_KILL"}), container({})));
    EXPECT_TRUE(grants_host_ptrace(process_with({"CAP_SYS_PTRACE"}), container({})));
    EXPECT_FALSE(grants_host_ptrace(process_with({"CAP_SYS_PTRACE"}), container({}, true)));
    oci::Process ambient;
    ambient.capabilities = oci::Capabilities{};
    ambient.capabilities->ambient = std::vector<std::string>{"CAP_SYS_PTRACE"};
    EXPECT_TRUE(grants_host_ptrace(ambient, container({})));
    EXPECT_FALSE(grants_host_ptrace(oci::Process{}, container({})));
}

TEST(SeccompAllowsExecveat, NoProfileOrAnAllowingOne) {
    oci::Spec s = container({});
    EXPECT_TRUE(seccomp_allows_execveat(s));
    s.linux->seccomp = oci::Seccomp{};
    s.linux->seccomp->default_action = "SCMP_ACT_ALLOW";
    EXPECT_TRUE(seccomp_allows_execveat(s));
    s.linux->seccomp->syscalls = {rule({"mount"}, "SCMP_ACT_ERRNO")};
    EXPECT_TRUE(seccomp_allows_execveat(s));
    s.linux->seccomp->default_action = "SCMP_ACT_ERRNO";
    EXPECT_FALSE(seccomp_allows_execveat(s));
    s.linux->seccomp->syscalls.push_back(rule({"execve", "execveat"}, "SCMP_ACT_ALLOW"));
    EXPECT_TRUE(seccomp_allows_execveat(s));
}

TEST(SeccompAllowsExecveat, ARuleThatMayRefuseItOrConditionsDoNot) {
    oci::Spec s = container({});
    s.linux->seccomp = oci::Seccomp{};
    s.linux->seccomp->default_action = "SCMP_ACT_ALLOW";
    s.linux->seccomp->syscalls = {rule({"execveat"}, "SCMP_ACT_ERRNO")};
    EXPECT_FALSE(seccomp_allows_execveat(s));
    s.linux->seccomp->syscalls = {rule({"execveat"}, "SCMP_ACT_NOTIFY")};
    EXPECT_FALSE(seccomp_allows_execveat(s));
    s.linux->seccomp->default_action = "SCMP_ACT_ERRNO";
    oci::SeccompSyscall conditional = rule({"execveat"}, "SCMP_ACT_ALLOW");
    conditional.args.push_back(oci::SeccompArg{4, 0x1000, std::nullopt, "SCMP_CMP_EQ"});
    s.linux->seccomp->syscalls = {conditional};
    EXPECT_FALSE(seccomp_allows_execveat(s));
}

TEST(ExecTrampolineSuffices, DefaultContainerAndProcess) {
    if (exec_trampoline_image().empty()) GTEST_SKIP() << "no trampoline for this machine";
    EXPECT_TRUE(exec_trampoline_suffices(container({"CAP_KILL"}), process_with({"CAP_KILL"}), false));
}

TEST(ExecTrampolineSuffices, NotWhenPtraceMayBeHeldOrALabelApplies) {
    const oci::Process plain = process_with({"CAP_KILL"});
    // The container's own config grants it (needs_sealed_exe).
    EXPECT_FALSE(exec_trampoline_suffices(container({"CAP_SYS_PTRACE"}), plain, false));
    // This exec grants it.
    EXPECT_FALSE(exec_trampoline_suffices(container({}), process_with({"CAP_SYS_PTRACE"}), false));
    // An exec before this one granted it.
    EXPECT_FALSE(exec_trampoline_suffices(container({}), plain, true));
    // The host's pid namespace.
    oci::Spec host_pid = container({});
    host_pid.linux->namespaces = {{"mount", ""}};
    EXPECT_FALSE(exec_trampoline_suffices(host_pid, plain, false));
    oci::Process labelled = plain;
    labelled.apparmor_profile = "profile";
    EXPECT_FALSE(exec_trampoline_suffices(container({}), labelled, false));
    labelled = plain;
    labelled.selinux_label = "system_u:system_r:container_t:s0";
    EXPECT_FALSE(exec_trampoline_suffices(container({}), labelled, false));
    oci::Spec seccomp = container({});
    seccomp.linux->seccomp = oci::Seccomp{};
    seccomp.linux->seccomp->default_action = "SCMP_ACT_ERRNO";
    EXPECT_FALSE(exec_trampoline_suffices(seccomp, plain, false));
}

}  // namespace
}  // namespace wb::linux
