#include "process/process_setup.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <string_view>

#include "linux/capabilities.hpp"
#include "linux/identity.hpp"
#include "linux/memory_policy.hpp"
#include "linux/process_attrs.hpp"
#include "linux/rlimits.hpp"
#include "linux/syscalls.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/unique_fd.hpp"

namespace wb::process {

void apply_process_attributes(const oci::Process& proc, const oci::Linux* linux) {
    if (linux && linux->memory_policy) linux::apply_memory_policy(*linux->memory_policy);
    if (proc.scheduler) linux::apply_scheduler(*proc.scheduler);
    if (proc.io_priority) linux::apply_io_priority(*proc.io_priority);
    if (linux && linux->personality) linux::apply_personality(*linux->personality);
    linux::apply_security_labels(proc);
}

void close_runtime_fds(int preserve_fds, std::vector<int> keep) {
    int from = 3 + preserve_fds;
    std::sort(keep.begin(), keep.end());
    unsigned lo = static_cast<unsigned>(from);
    for (int k : keep) {
        if (k < from) continue;
        if (static_cast<unsigned>(k) > lo) linux::sys().close_range(lo, static_cast<unsigned>(k) - 1, 0);
        lo = std::max(lo, static_cast<unsigned>(k) + 1);
    }
    linux::sys().close_range(lo, ~0U, 0);
    for (int fd = 3; fd < from; ++fd) {
        int flags = ::fcntl(fd, F_GETFD);
        if (flags >= 0) ::fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
    }
}

void load_seccomp_filter(linux::SeccompFilter& seccomp, const NotifyFdHandler& on_notify) {
    // The filter object stays alive: freeing it now could make syscalls it denies.
    UniqueFd notify_fd(linux::load_seccomp(seccomp));
    if (notify_fd && on_notify) on_notify(notify_fd.get());
}

void enter_identity(const oci::Process& proc, linux::SeccompFilter& seccomp, const NotifyFdHandler& on_notify) {
    // No capabilities object means no capabilities at all (as runc).
    linux::CapabilitySets caps = linux::resolve_capabilities(proc.capabilities.value_or(oci::Capabilities{}));
    if (proc.no_new_privileges) linux::set_no_new_privileges();
    if (seccomp.pending() && !proc.no_new_privileges) load_seccomp_filter(seccomp, on_notify);
    linux::drop_bounding_set(caps);
    // The working directory first as root, so that one only the runtime can reach works;
    // when root may not enter it (root squash, a user namespace), again as the user (runc).
    bool chdir_as_user = false;
    if (!proc.cwd.empty() && linux::sys().chdir(proc.cwd.c_str()) < 0) {
        if (errno != EACCES && errno != EPERM) throw_errno("chdir to cwd (\"" + proc.cwd + "\") set in config.json");
        chdir_as_user = true;
    }
    linux::give_stdio_to(proc.user.uid);
    linux::switch_user(proc.user);
    if (chdir_as_user && linux::sys().chdir(proc.cwd.c_str()) < 0)
        throw_errno("chdir to cwd (\"" + proc.cwd + "\") set in config.json");
    char cwd[PATH_MAX];
    if (!::getcwd(cwd, sizeof cwd) || cwd[0] != '/')
        throw Error("current working directory is outside of container mount namespace root");
    linux::apply_capabilities(caps);
}

namespace {

// HOME from the container's /etc/passwd for the process's uid, "/" when it has none (as runc).
std::string home_of(uint32_t uid) {
    std::string passwd;
    if (fs::try_read_file("/etc/passwd", passwd)) {
        size_t pos = 0;
        while (pos < passwd.size()) {
            size_t end = passwd.find('\n', pos);
            if (end == std::string::npos) end = passwd.size();
            std::vector<std::string> f;
            size_t a = pos;
            for (size_t i = pos; i <= end; ++i)
                if (i == end || passwd[i] == ':') {
                    f.push_back(passwd.substr(a, i - a));
                    a = i + 1;
                }
            if (f.size() >= 6 && f[2] == std::to_string(uid)) return f[5];
            pos = end + 1;
        }
    }
    return "/";
}

}  // namespace

std::vector<std::string> process_environment(const std::vector<std::string>& env) {
    std::vector<std::string> out;
    out.reserve(env.size());
    for (const auto& e : env) {
        const size_t eq = e.find('=');
        const std::string_view key(e.data(), eq == std::string::npos ? e.size() : eq);
        auto same_key = [&](const std::string& o) {
            const size_t oeq = o.find('=');
            return std::string_view(o.data(), oeq == std::string::npos ? o.size() : oeq) == key;
        };
        auto it = std::find_if(out.begin(), out.end(), same_key);
        if (it == out.end())
            out.push_back(e);
        else
            *it = e;  // the last value, in the place of the first (as runc's setenv)
    }
    return out;
}

std::vector<std::string> exec_environment(const oci::Process& proc) {
    std::vector<std::string> env = process_environment(proc.env);
    bool has_home = false;
    for (const auto& e : env) has_home |= e.rfind("HOME=", 0) == 0;
    if (!has_home) env.push_back("HOME=" + home_of(proc.user.uid));
    return env;
}

// The process starts with every signal at its default action and none blocked, as with
// runc: a signal the caller ignores (SIGHUP under nohup) is not ignored in the container,
// where a shell could not even trap it.
static void reset_signals() {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        ::sigaction(sig, &dfl, nullptr);  // EINVAL for the few the C library reserves
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

void exec_user_process(const std::string& exe, const oci::Process& proc, linux::SeccompFilter& seccomp,
                       const NotifyFdHandler& on_notify, int trampoline) {
    std::vector<std::string> env = exec_environment(proc);
    std::vector<char*> argv;
    if (trampoline >= 0) argv.push_back(const_cast<char*>(exe.c_str()));  // the trampoline's argv[0]
    for (const auto& a : proc.args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    reset_signals();
    if (seccomp.pending()) load_seccomp_filter(seccomp, on_notify);
    if (trampoline >= 0) {
        linux::sys().execveat(trampoline, "", argv.data(), envp.data(), AT_EMPTY_PATH);
        throw_errno("exec " + exe + " through the exec trampoline");
    }
    linux::sys().execve(exe.c_str(), argv.data(), envp.data());
    throw_errno("exec " + exe);
}

}  // namespace wb::process
