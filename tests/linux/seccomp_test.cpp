#include "linux/seccomp.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "child_process.hpp"
#include "util/error.hpp"

namespace wb::linux {
namespace {

using wb::testing::run_in_child;

// A local reader for linux.seccomp, so these tests do not depend on the oci parser.
oci::Seccomp seccomp_from_json(const nlohmann::json& j) {
    oci::Seccomp s;
    s.default_action = j.at("defaultAction").get<std::string>();
    if (j.contains("defaultErrnoRet")) s.default_errno_ret = j["defaultErrnoRet"].get<uint32_t>();
    s.architectures = j.value("architectures", std::vector<std::string>{});
    s.flags = j.value("flags", std::vector<std::string>{});
    s.listener_path = j.value("listenerPath", std::string{});
    s.listener_metadata = j.value("listenerMetadata", std::string{});
    for (const auto& sc : j.value("syscalls", nlohmann::json::array())) {
        oci::SeccompSyscall call;
        call.names = sc.at("names").get<std::vector<std::string>>();
        call.action = sc.at("action").get<std::string>();
        if (sc.contains("errnoRet")) call.errno_ret = sc["errnoRet"].get<uint32_t>();
        for (const auto& a : sc.value("args", nlohmann::json::array())) {
            oci::SeccompArg arg;
            arg.index = a.at("index").get<uint32_t>();
            arg.value = a.at("value").get<uint64_t>();
            if (a.contains("valueTwo")) arg.value_two = a["valueTwo"].get<uint64_t>();
            arg.op = a.at("op").get<std::string>();
            call.args.push_back(arg);
        }
        s.syscalls.push_back(call);
    }
    return s;
}

oci::Seccomp seccomp_from_text(const std::string& text) {
    return seccomp_from_json(nlohmann::json::parse(text));
}

std::string error_of(const oci::Seccomp& s) {
    try {
        plan_seccomp(s);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(LinuxSeccomp, NameTables) {
    EXPECT_TRUE(seccomp_arch_from_name("SCMP_ARCH_X86_64"));
    EXPECT_TRUE(seccomp_arch_from_name("SCMP_ARCH_X86"));
    EXPECT_TRUE(seccomp_arch_from_name("SCMP_ARCH_X32"));
    EXPECT_TRUE(seccomp_arch_from_name("SCMP_ARCH_AARCH64"));
    EXPECT_TRUE(seccomp_arch_from_name("SCMP_ARCH_ARM"));
    EXPECT_TRUE(seccomp_arch_from_name("SCMP_ARCH_MIPSEL64N32"));
    EXPECT_TRUE(seccomp_arch_from_name("SCMP_ARCH_PPC64LE"));
    EXPECT_TRUE(seccomp_arch_from_name("SCMP_ARCH_S390X"));
    EXPECT_TRUE(seccomp_arch_from_name("SCMP_ARCH_RISCV64"));
    EXPECT_FALSE(seccomp_arch_from_name("SCMP_ARCH_VAX"));
    EXPECT_FALSE(seccomp_arch_from_name("x86_64"));
    EXPECT_GE(known_seccomp_architectures().size(), 19u);
    EXPECT_EQ(known_seccomp_actions().size(), 9u);
    EXPECT_EQ(known_seccomp_operators().size(), 7u);
    EXPECT_EQ(seccomp_flag_from_name("SECCOMP_FILTER_FLAG_LOG"), SECCOMP_FILTER_FLAG_LOG);
    EXPECT_FALSE(seccomp_flag_from_name("SECCOMP_FILTER_FLAG_NEW_LISTENER"));
}

TEST(LinuxSeccomp, RuleTranslation) {
    auto plan = plan_seccomp(seccomp_from_text(R"({
      "defaultAction": "SCMP_ACT_ALLOW",
      "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
      "syscalls": [
        {"names": ["getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
        {"names": ["mkdir", "rmdir"], "action": "SCMP_ACT_ERRNO"},
        {"names": ["ptrace"], "action": "SCMP_ACT_TRACE"},
        {"names": ["kexec_load"], "action": "SCMP_ACT_KILL_PROCESS"},
        {"names": ["reboot"], "action": "SCMP_ACT_KILL"},
        {"names": ["acct"], "action": "SCMP_ACT_TRAP"},
        {"names": ["swapon"], "action": "SCMP_ACT_LOG"},
        {"names": ["getpid"], "action": "SCMP_ACT_ALLOW"},
        {"names": ["no_such_syscall_xyz", "sync"], "action": "SCMP_ACT_KILL_THREAD"},
        {"names": ["personality"], "action": "SCMP_ACT_ERRNO",
         "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_NE"},
                  {"index": 1, "value": 2, "op": "SCMP_CMP_LT"}]},
        {"names": ["clone"], "action": "SCMP_ACT_ERRNO",
         "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]},
        {"names": ["dup3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22,
         "args": [{"index": 2, "value": 1, "op": "SCMP_CMP_EQ"},
                  {"index": 2, "value": 5, "op": "SCMP_CMP_GE"},
                  {"index": 0, "value": 7, "op": "SCMP_CMP_LE"},
                  {"index": 1, "value": 3, "op": "SCMP_CMP_GT"}]}
      ]})"));
    const std::vector<std::string> expected = {
        "default SCMP_ACT_ALLOW",
        "getcwd SCMP_ACT_ERRNO(38)",
        "mkdir SCMP_ACT_ERRNO(1)",
        "rmdir SCMP_ACT_ERRNO(1)",
        "ptrace SCMP_ACT_TRACE(1)",
        "kexec_load SCMP_ACT_KILL_PROCESS",
        "reboot SCMP_ACT_KILL",
        "acct SCMP_ACT_TRAP",
        "swapon SCMP_ACT_LOG",
        // getpid ALLOW repeats the default action: skipped.
        "sync SCMP_ACT_KILL",  // KILL_THREAD and KILL are the same action
        "personality SCMP_ACT_ERRNO(1) arg0 SCMP_CMP_NE 8 arg1 SCMP_CMP_LT 2",
        "clone SCMP_ACT_ERRNO(1) arg0 SCMP_CMP_MASKED_EQ 2114060288 0",
        // arg2 twice: runc adds one rule per condition.
        "dup3 SCMP_ACT_ERRNO(22) arg2 SCMP_CMP_EQ 1",
        "dup3 SCMP_ACT_ERRNO(22) arg2 SCMP_CMP_GE 5",
        "dup3 SCMP_ACT_ERRNO(22) arg0 SCMP_CMP_LE 7",
        "dup3 SCMP_ACT_ERRNO(22) arg1 SCMP_CMP_GT 3",
    };
    EXPECT_EQ(describe_rules(plan), expected);
    EXPECT_EQ(plan.skipped_syscalls, std::vector<std::string>{"no_such_syscall_xyz"});
    EXPECT_EQ(plan.architectures.size(), 2u);
    EXPECT_FALSE(plan.uses_notify);
    EXPECT_EQ(plan.flags, 0u);
}

TEST(LinuxSeccomp, DefaultErrnoRet) {
    auto plan = plan_seccomp(seccomp_from_text(
        R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
            "syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ALLOW"},
                         {"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
                         {"names": ["gettid"], "action": "SCMP_ACT_ERRNO"}]})"));
    EXPECT_EQ(describe_rules(plan),
              (std::vector<std::string>{"default SCMP_ACT_ERRNO(38)", "getpid SCMP_ACT_ALLOW",
                                        "gettid SCMP_ACT_ERRNO(1)"}));
}

TEST(LinuxSeccomp, Flags) {
    auto plan = plan_seccomp(seccomp_from_text(
        R"({"defaultAction": "SCMP_ACT_ALLOW",
            "flags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                      "SECCOMP_FILTER_FLAG_SPEC_ALLOW"]})"));
    EXPECT_EQ(plan.flags, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG |
                              SECCOMP_FILTER_FLAG_SPEC_ALLOW);
}

TEST(LinuxSeccomp, ErrorsNameTheBadEntry) {
    EXPECT_EQ(error_of(seccomp_from_text(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
        {"names": ["a"], "action": "SCMP_ACT_ERRNO"}, {"names": ["b"], "action": "SCMP_ACT_ERRNO"},
        {"names": ["c"], "action": "SCMP_ACT_ERRNO"}, {"names": ["d"], "action": "X"}]})")),
              "seccomp: syscalls[3]: unknown action \"X\"");
    EXPECT_EQ(error_of(seccomp_from_text(R"({"defaultAction": "SCMP_ACT_NOPE"})")),
              "seccomp: defaultAction: unknown action \"SCMP_ACT_NOPE\"");
    EXPECT_EQ(error_of(seccomp_from_text(
                  R"({"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_VAX"]})")),
              "seccomp: architectures[0]: unknown architecture \"SCMP_ARCH_VAX\"");
    EXPECT_EQ(error_of(seccomp_from_text(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
        {"names": ["dup"], "action": "SCMP_ACT_ERRNO",
         "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"},
                  {"index": 1, "value": 1, "op": "SCMP_CMP_SIMILAR"}]}]})")),
              "seccomp: syscalls[0].args[1]: unknown operator \"SCMP_CMP_SIMILAR\"");
    EXPECT_EQ(error_of(seccomp_from_text(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
        {"names": ["dup"], "action": "SCMP_ACT_ERRNO",
         "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]})")),
              "seccomp: syscalls[0].args[0]: index 6 is out of range (syscalls have at most 6 "
              "arguments)");
    EXPECT_EQ(error_of(seccomp_from_text(
                  R"({"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_FOO"]})")),
              "seccomp: flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_FOO\"");
    EXPECT_EQ(error_of(seccomp_from_text(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
        {"names": ["dup"], "action": "SCMP_ACT_KILL", "errnoRet": 5}]})")),
              "seccomp: syscalls[0]: errnoRet is only valid with SCMP_ACT_ERRNO and "
              "SCMP_ACT_TRACE, not SCMP_ACT_KILL");
    EXPECT_EQ(error_of(seccomp_from_text(R"({"defaultAction": "SCMP_ACT_ALLOW",
                                             "defaultErrnoRet": 5})")),
              "seccomp: defaultAction: defaultErrnoRet is only valid with SCMP_ACT_ERRNO and "
              "SCMP_ACT_TRACE, not SCMP_ACT_ALLOW");
    EXPECT_EQ(error_of(seccomp_from_text(R"({"defaultAction": "SCMP_ACT_NOTIFY"})")),
              "seccomp: SCMP_ACT_NOTIFY cannot be used as default action");
    EXPECT_EQ(error_of(seccomp_from_text(R"({"defaultAction": "SCMP_ACT_ALLOW",
        "listenerPath": "/x", "syscalls": [{"names": ["write"], "action": "SCMP_ACT_NOTIFY"}]})")),
              "seccomp: syscalls[0]: SCMP_ACT_NOTIFY cannot be used for the write syscall");
    EXPECT_EQ(error_of(seccomp_from_text(R"({"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_NOTIFY"}]})")),
              "seccomp: SCMP_ACT_NOTIFY is used but listenerPath is not set");
    EXPECT_EQ(error_of(seccomp_from_text(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
        {"names": [], "action": "SCMP_ACT_KILL"}]})")),
              "seccomp: syscalls[0]: names is empty");
}

TEST(LinuxSeccomp, CompileProducesBpf) {
    auto filter = compile_seccomp(seccomp_from_text(R"({"defaultAction": "SCMP_ACT_ALLOW",
        "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]})"));
    EXPECT_TRUE(filter);
    EXPECT_GT(filter.program().size(), 4u);
    EXPECT_NE(filter.context(), nullptr);
    SeccompFilter moved = std::move(filter);
    EXPECT_TRUE(moved);
    EXPECT_FALSE(filter);  // NOLINT(bugprone-use-after-move): moved-from is empty
}

TEST(LinuxSeccomp, LoadInChildReturnsErrno) {
    int code = run_in_child([] {
        auto filter = compile_seccomp(seccomp_from_text(R"({"defaultAction": "SCMP_ACT_ALLOW",
            "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
            "flags": ["SECCOMP_FILTER_FLAG_LOG"],
            "syscalls": [
              {"names": ["getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
              {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"},
              {"names": ["fchdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22,
               "args": [{"index": 0, "value": 12345, "op": "SCMP_CMP_EQ"}]}]})"));
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return 10;
        if (load_seccomp(filter) != -1) return 11;
        char buf[256];
        if (getcwd(buf, sizeof(buf)) != nullptr || errno != 38) return 1;
        if (mkdir("/tmp/whalebox-seccomp-test-never", 0700) == 0 || errno != EPERM) return 2;
        if (fchdir(12345) == 0 || errno != 22) return 3;
        if (fchdir(12346) == 0 || errno != EBADF) return 4;  // condition not met: real call
        if (getpid() <= 0) return 5;
        return 0;
    });
    EXPECT_EQ(code, 0);
}

TEST(LinuxSeccomp, RepeatedArgumentIndexIsOr) {
    int code = run_in_child([] {
        auto filter = compile_seccomp(seccomp_from_text(R"({"defaultAction": "SCMP_ACT_ALLOW",
            "syscalls": [{"names": ["fchdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22,
               "args": [{"index": 0, "value": 1000, "op": "SCMP_CMP_EQ"},
                        {"index": 0, "value": 2000, "op": "SCMP_CMP_EQ"}]}]})"));
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return 10;
        load_seccomp(filter);
        if (fchdir(1000) == 0 || errno != 22) return 1;
        if (fchdir(2000) == 0 || errno != 22) return 2;
        if (fchdir(3000) == 0 || errno != EBADF) return 3;
        return 0;
    });
    EXPECT_EQ(code, 0);
}

TEST(LinuxSeccomp, KillProcessAction) {
    int signal = 0;
    int code = run_in_child(
        [] {
            auto filter = compile_seccomp(seccomp_from_text(R"({"defaultAction": "SCMP_ACT_ALLOW",
                "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_KILL_PROCESS"}]})"));
            if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return 10;
            load_seccomp(filter);
            (void)syscall(SYS_getppid);
            return 1;
        },
        &signal);
    EXPECT_EQ(code, wb::testing::kChildCrashed);
    EXPECT_EQ(signal, SIGSYS);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(LinuxSeccomp, DefaultProfileLoadsAndBlocks) {
    const auto profile =
        seccomp_from_text(read_file(WHALEBOX_SOURCE_DIR "/integration/testdata/seccomp-default.json"));
    size_t names = 0;
    for (const auto& s : profile.syscalls) names += s.names.size();
    EXPECT_GE(names, 300u);
    auto plan = plan_seccomp(profile);
    EXPECT_GE(plan.rules.size(), 300u);

    int code = run_in_child([&profile] {
        auto filter = compile_seccomp(profile);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return 10;
        if (load_seccomp(filter) != -1) return 11;
        if (getpid() <= 0) return 1;
        char buf[256];
        if (getcwd(buf, sizeof(buf)) == nullptr) return 2;
        if (syscall(SYS_kexec_load, 0, 0, nullptr, 0) != -1 || errno != EPERM) return 3;
        if (unshare(CLONE_NEWUSER) != -1 || errno != EPERM) return 4;
        if (syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, nullptr, nullptr, nullptr, 0) != -1 ||
            errno != EPERM)
            return 5;
        if (syscall(SYS_clone3, nullptr, 0) != -1 || errno != ENOSYS) return 6;
        if (personality(0xffffffff) == -1) return 7;               // query: allowed
        if (personality(ADDR_NO_RANDOMIZE) != -1 || errno != EPERM) return 8;  // not listed
        if (syscall(SYS_mount, "none", "/", "tmpfs", 0, nullptr) != -1 || errno != EPERM) return 9;
        int vsock = socket(40 /* AF_VSOCK */, SOCK_STREAM, 0);
        if (vsock != -1 || errno != EPERM) return 12;
        int sock = socket(AF_UNIX, SOCK_STREAM, 0);
        if (sock < 0) return 13;
        close(sock);
        // A plain fork (clone without namespace flags) still works.
        pid_t pid = fork();
        if (pid == 0) _exit(7);
        int status = 0;
        if (pid < 0 || waitpid(pid, &status, 0) != pid || WEXITSTATUS(status) != 7) return 14;
        return 0;
    });
    EXPECT_EQ(code, 0);
}

// SCMP_ACT_NOTIFY end to end: the child loads a filter that sends getppid() to an agent,
// hands the notify fd to our listener with send_seccomp_notify_fd, and the "agent" here
// answers 4242.
TEST(LinuxSeccomp, NotifyFdReachesTheAgent) {
    char dir_template[] = "/tmp/wb-seccomp-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    const std::string path = std::string(dir_template) + "/agent.sock";

    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(listener, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    ASSERT_EQ(listen(listener, 1), 0);

    const std::string spec = R"({"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": ")" + path +
                             R"(", "listenerMetadata": "meta-1",
        "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_NOTIFY"}]})";
    const auto seccomp = seccomp_from_text(spec);

    fflush(nullptr);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        int code = 20;
        try {
            auto filter = compile_seccomp(seccomp);
            if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(10);
            int fd = load_seccomp(filter);
            if (fd < 0) _exit(11);
            const std::string pid = std::to_string(getpid());
            const std::string message = R"({"ociVersion": "1.2.0", "fds": ["seccompFd"], "pid": )" + pid +
                                        R"(, "metadata": ")" + seccomp.listener_metadata +
                                        R"(", "state": {"ociVersion": "1.2.0", "id": "c1", "status": "creating", "pid": )" +
                                        pid + R"(, "bundle": "/b"}})";
            send_seccomp_notify_fd(seccomp.listener_path, fd, message);
            close(fd);
            code = syscall(SYS_getppid) == 4242 ? 0 : 1;
        } catch (const std::exception& e) {
            fprintf(stderr, "child: %s\n", e.what());
        }
        _exit(code);
    }

    int conn = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    ASSERT_GE(conn, 0);
    char data[4096] = {};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    iovec iov{data, sizeof(data) - 1};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
    ASSERT_GT(n, 0);
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    ASSERT_NE(cmsg, nullptr);
    ASSERT_EQ(cmsg->cmsg_type, SCM_RIGHTS);
    int notify_fd = -1;
    std::memcpy(&notify_fd, CMSG_DATA(cmsg), sizeof(int));
    // Read the rest of the message (stream socket).
    std::string text(data, static_cast<size_t>(n));
    for (;;) {
        ssize_t more = read(conn, data, sizeof(data));
        if (more <= 0) break;
        text.append(data, static_cast<size_t>(more));
    }
    close(conn);

    auto message = nlohmann::json::parse(text);
    EXPECT_EQ(message["fds"], nlohmann::json::array({"seccompFd"}));
    EXPECT_EQ(message["metadata"], "meta-1");
    EXPECT_EQ(message["pid"], pid);
    EXPECT_EQ(message["ociVersion"], "1.2.0");
    EXPECT_EQ(message["state"]["id"], "c1");

    seccomp_notif req{};
    ASSERT_EQ(ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_RECV, &req), 0) << strerror(errno);
    EXPECT_EQ(req.pid, static_cast<uint32_t>(pid));
    seccomp_notif_resp resp{};
    resp.id = req.id;
    resp.val = 4242;
    ASSERT_EQ(ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp), 0) << strerror(errno);
    close(notify_fd);

    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    close(listener);
    unlink(path.c_str());
    rmdir(dir_template);
}

TEST(LinuxSeccomp, SendToMissingListenerFails) {
    try {
        send_seccomp_notify_fd("/nonexistent/wb-agent.sock", 0, R"({"pid": 1})");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_TRUE(std::string(e.what()).starts_with(
            "failed to connect with seccomp agent specified in the seccomp profile"))
            << e.what();
    }
}

}  // namespace
}  // namespace wb::linux
