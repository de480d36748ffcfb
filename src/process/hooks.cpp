#include "process/hooks.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "linux/syscalls.hpp"
#include "process/child.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/unique_fd.hpp"

namespace wb::process {
namespace {

long now_ms() {
    struct timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void pipe2_cloexec(UniqueFd& r, UniqueFd& w) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) < 0) throw_errno("pipe");
    r.reset(fds[0]);
    w.reset(fds[1]);
}

std::vector<std::string> runtime_environment() {
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
    return env;
}

void run_one(const oci::Hook& hook, const std::string& state_json, const std::string& name,
             const HookDefaults& defaults) {
    UniqueFd in_r, in_w, out_r, out_w;
    pipe2_cloexec(in_r, in_w);
    pipe2_cloexec(out_r, out_w);
    std::vector<std::string> args = hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args;
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env =
        !hook.env.empty() ? hook.env : defaults.env ? *defaults.env : runtime_environment();
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);

    long forked = linux::sys().clone_fork(SIGCHLD, nullptr);
    if (forked < 0) throw_errno("fork " + name);
    if (forked == 0) {
        ::dup2(in_r.get(), 0);
        ::dup2(out_w.get(), 1);
        ::dup2(out_w.get(), 2);
        if (!defaults.cwd.empty() && ::chdir(defaults.cwd.c_str()) < 0) {
            std::string msg = "chdir " + defaults.cwd + ": " + std::strerror(errno);
            ssize_t r = ::write(2, msg.data(), msg.size());
            (void)r;
            _exit(127);
        }
        linux::sys().execve(hook.path.c_str(), argv.data(), envp.data());
        std::string msg = "exec " + hook.path + ": " + std::strerror(errno);
        ssize_t r = ::write(2, msg.data(), msg.size());
        (void)r;
        _exit(127);
    }
    Child child(static_cast<pid_t>(forked), UniqueFd());
    in_r.reset();
    out_w.reset();
    // The state is small; a hook that does not read it just gets EPIPE on our side.
    struct sigaction ign {}, old {};
    ign.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ign, &old);
    ssize_t wr = ::write(in_w.get(), state_json.data(), state_json.size());
    (void)wr;
    ::sigaction(SIGPIPE, &old, nullptr);
    in_w.reset();

    std::string output;
    long deadline = hook.timeout ? now_ms() + *hook.timeout * 1000L : -1;
    bool timed_out = false;
    for (;;) {
        int wait_ms = deadline < 0 ? -1 : static_cast<int>(std::max(0L, deadline - now_ms()));
        struct pollfd p {out_r.get(), POLLIN, 0};
        int n = ::poll(&p, 1, wait_ms);
        if (n < 0 && errno == EINTR) continue;
        if (n == 0) {
            timed_out = true;
            child.signal(SIGKILL);
            break;
        }
        char buf[4096];
        ssize_t got = ::read(out_r.get(), buf, sizeof buf);
        if (got <= 0) break;
        if (output.size() < 4096) output.append(buf, static_cast<size_t>(got));
    }
    int status = child.wait();
    while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
    std::string detail = output.empty() ? "" : ", output: " + output;
    if (timed_out) throw Error("error running " + name + ": timeout after " + std::to_string(*hook.timeout) + "s" + detail);
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        throw Error("error running " + name + ": exit status " + std::to_string(WEXITSTATUS(status)) + detail);
    if (WIFSIGNALED(status))
        throw Error("error running " + name + ": signal: " + sigabbrev_np(WTERMSIG(status)) + detail);
}

}  // namespace

void run_hooks(const std::vector<oci::Hook>& hooks, const state::OciState& state, const char* stage,
               const HookDefaults& defaults) {
    if (hooks.empty()) return;
    const std::string state_json = state.to_json();
    for (size_t i = 0; i < hooks.size(); ++i)
        run_one(hooks[i], state_json, std::string(stage) + " hook #" + std::to_string(i), defaults);
}

void run_hooks_warn(const std::vector<oci::Hook>& hooks, const state::OciState& state, const char* stage) {
    if (hooks.empty()) return;
    const std::string state_json = state.to_json();
    for (size_t i = 0; i < hooks.size(); ++i) {
        try {
            run_one(hooks[i], state_json, std::string(stage) + " hook #" + std::to_string(i), {});
        } catch (const Error& e) {
            log::warn("{}", e.what());
        }
    }
}

}  // namespace wb::process
